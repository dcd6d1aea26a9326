/**
 * The body of the sticky review comment (a GitLab merge request note, a GitHub pull request
 * comment): the evaluation's Markdown summary, the heatmap of the recent evaluations of the same
 * project, stage and service, and a hidden marker. The marker finds the comment again on the next
 * run of the same gate, so that it is updated in place instead of piling up one comment a push.
 */

import type { EvaluationRecord } from '../gate/types.js';
import { renderMarkdownSummary } from '../report/markdown.js';
import { renderMarkdownHeatmap } from '../report/markdown-heatmap.js';

/** Both platforms refuse longer bodies (GitHub: 65,536 characters; GitLab: 1,000,000). */
export const MAX_COMMENT_LENGTH = 65_000;

/**
 * `<!-- ci-connect:gate shop/hardening/carts -->`: one sticky comment per gate. The names are
 * encoded so that no project name can end the HTML comment early.
 */
export function stickyMarker(evaluation: Pick<EvaluationRecord, 'project' | 'stage' | 'service'>): string {
  const key = [evaluation.project, evaluation.stage, evaluation.service].map(encodeURIComponent).join('/');
  return `<!-- ci-connect:gate ${key} -->`;
}

/** True when a comment's text is the sticky comment `marker` names (leading blank lines allowed). */
export function isStickyComment(text: string, marker: string): boolean {
  return text.trimStart().startsWith(marker);
}

/**
 * The comment for `evaluation`. `recent`: earlier evaluations of the same gate (any order, the
 * evaluation itself may be among them); the heatmap shows them when there are any. Bounded by
 * MAX_COMMENT_LENGTH: the heatmap is left out first, then the summary is cut.
 */
export function reviewCommentBody(
  evaluation: EvaluationRecord,
  recent: readonly EvaluationRecord[] = [],
): string {
  const marker = stickyMarker(evaluation);
  const summary = renderMarkdownSummary(evaluation);
  const sameGate = recent.filter(
    (r) =>
      r.id !== evaluation.id &&
      r.project === evaluation.project &&
      r.stage === evaluation.stage &&
      r.service === evaluation.service,
  );
  const heatmap = renderMarkdownHeatmap([...sameGate, evaluation]);
  const history =
    heatmap === '' ? '' : `\n<details><summary>Recent evaluations</summary>\n\n${heatmap}\n</details>\n`;
  const whole = `${marker}\n${summary}${history}`;
  if (whole.length <= MAX_COMMENT_LENGTH) return whole;
  const withoutHistory = `${marker}\n${summary}`;
  if (withoutHistory.length <= MAX_COMMENT_LENGTH) return withoutHistory;
  const cut = '\n\n_… cut: the whole summary is in the job’s report._\n';
  // Cut between code points, never inside a surrogate pair.
  const kept = withoutHistory.slice(0, MAX_COMMENT_LENGTH - cut.length).replace(/[\uD800-\uDBFF]$/, '');
  return `${kept}${cut}`;
}
