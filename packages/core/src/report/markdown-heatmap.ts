/**
 * The heatmap of the HTML report, in Markdown, for places that render no HTML report: a CI job
 * summary, a merge request note, a pull request comment. Objectives are rows, evaluations are
 * columns (oldest on the left, the newest last), each cell the objective's status symbol and value.
 * Bounded: comments and summaries have size limits (GitHub: 65,536 characters a comment).
 */

import { formatScore } from '../gate/score.js';
import type { EvaluationRecord } from '../gate/types.js';
import { formatNumber, objectiveName } from './format.js';
import { escapeCell, RESULT_ICON, STATUS_ICON } from './markdown.js';

/** Columns shown at most: the newest evaluations. */
export const MARKDOWN_HEATMAP_COLUMNS = 10;

/**
 * `records`: evaluations of one project, stage and service, in any order; the newest
 * MARKDOWN_HEATMAP_COLUMNS are shown, by `evaluatedAt`. Empty text for fewer than two: a heatmap
 * of one evaluation says nothing its summary does not.
 */
export function renderMarkdownHeatmap(records: readonly EvaluationRecord[]): string {
  const columns = [...records]
    .sort((a, b) => a.evaluatedAt.localeCompare(b.evaluatedAt))
    .slice(-MARKDOWN_HEATMAP_COLUMNS);
  if (columns.length < 2) return '';
  // Rows in the order the newest evaluation lists its objectives, then any only older ones had.
  const names: string[] = [];
  const labels = new Map<string, string>();
  for (const record of [...columns].reverse()) {
    for (const o of record.objectives) {
      if (labels.has(o.sli)) continue;
      names.push(o.sli);
      labels.set(o.sli, objectiveName(o));
    }
  }
  const header = columns.map(
    (r) => `${escapeCell(r.version === '' ? r.id.slice(0, 8) : r.version)}${r.invalidated ? ' ⊘' : ''}`,
  );
  const lines = [
    `| Objective | ${header.join(' | ')} |`,
    `|---|${columns.map(() => '---:').join('|')}|`,
    `| **Score** | ${columns.map((r) => `${RESULT_ICON[r.result]} ${formatScore(r.score)}%`).join(' | ')} |`,
  ];
  for (const sli of names) {
    const cells = columns.map((record) => {
      const o = record.objectives.find((candidate) => candidate.sli === sli);
      return o === undefined ? '' : `${STATUS_ICON[o.status]} ${formatNumber(o.value)}`;
    });
    lines.push(`| ${escapeCell(labels.get(sli) ?? sli)} | ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
