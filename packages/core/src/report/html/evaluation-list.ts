/**
 * The evaluations, newest first: when, version, result, marks, labels and the links back to the
 * CI jobs. A label whose value is an http(s) URL is a link (e.g. `--label ciJobUrl=$CI_JOB_URL`,
 * the job pages events/ci-link.ts names: GitLab's CI_JOB_URL, the GitHub run URL, Jenkins'
 * BUILD_URL); any other scheme is shown as text, never linked.
 */

import { formatScore } from '../../gate/score.js';
import { MARKS, STATE_CLASS } from './heatmap.js';
import { formatWhen, RESULT_SYMBOL, type ReportColumn, type ReportModel } from './report-model.js';
import { markup, type Html } from './safe-html.js';

/** The evaluations table. */
export function renderEvaluationList(model: ReportModel): Html {
  const newestFirst = [...model.columns].reverse();
  return markup`<section aria-labelledby="h-evaluations">
<h2 id="h-evaluations">Evaluations</h2>
<div class="scroll-plain"><table class="list">
<thead><tr><th scope="col">Evaluated (UTC)</th><th scope="col">Version</th><th scope="col">Result</th><th scope="col">Labels and links</th><th scope="col">Id</th></tr></thead>
<tbody>
${newestFirst.map(evaluationRow)}</tbody>
</table></div>
</section>
`;
}

function evaluationRow(column: ReportColumn): Html {
  const e = column.evaluation;
  const marks = [
    column.current && MARKS.current,
    column.pinned && MARKS.pinned,
    column.invalidated && MARKS.invalidated,
  ].flatMap((m) =>
    m === false ? [] : [markup`<span class="tag">${m.symbol} ${m.meaning.split(':')[0] ?? ''}</span>`],
  );
  const classes = [column.current ? 'c' : '', column.invalidated ? 'x' : ''].filter((c) => c !== '');
  const rowClass = classes.length === 0 ? '' : markup` class="${classes.join(' ')}"`;
  const when = markup`${formatWhen(e.evaluatedAt)}${marks}<span class="window">window ${formatWhen(e.start)} – ${formatWhen(e.end)}</span>`;
  const message = e.message === '' ? '' : markup`<span class="msg">${e.message}</span>`;
  const result = markup`<td class="${STATE_CLASS[e.result]}">${RESULT_SYMBOL[e.result]} ${e.result} ${formatScore(e.score)}${message}</td>`;
  return markup`<tr id="e${column.index}"${rowClass}><td>${when}</td><td>${e.version === '' ? '—' : e.version}</td>${result}<td>${labelsOf(e.labels)}</td><td><code>${e.id}</code></td></tr>
`;
}

/** Links first (by label order), then the other labels as `key=value`. */
function labelsOf(labels: Readonly<Record<string, string>>): Html[] {
  const entries = Object.entries(labels).map(([key, value]) => ({ key, value, url: webUrl(value) }));
  return [
    ...entries.flatMap(({ key, url }) =>
      url === undefined ? [] : [markup`<a class="ci" href="${url}" rel="noopener noreferrer">${key}</a> `],
    ),
    ...entries.flatMap(({ key, value, url }) =>
      url === undefined ? [markup`<code class="label">${key}=${value}</code> `] : [],
    ),
  ];
}

/** The value as an http(s) URL, or undefined: `javascript:`, `data:` and the like are never links. */
function webUrl(value: string): string | undefined {
  if (!/^https?:\/\//i.test(value.trim())) return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
