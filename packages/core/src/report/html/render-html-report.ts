/**
 * The HTML report: a static page (index.html) and its stylesheet (report.css), from history's
 * evaluations of one project, stage and service. Pure: records in, the files' text out. No
 * script, no <style>, no style attribute: it renders under Jenkins' default CSP for archived HTML.
 */

import { formatScore } from '../../gate/score.js';
import { renderEvaluationList } from './evaluation-list.js';
import { renderRemediationList } from './remediation-list.js';
import { MARKS, renderHeatmap, STATE_CLASS } from './heatmap.js';
import { REPORT_CSS } from './report-css.js';
import {
  buildReportModel,
  formatWhen,
  RESULT_SYMBOL,
  STATE_SYMBOL,
  type HtmlReportInput,
  type ReportModel,
} from './report-model.js';
import { markup, type Html } from './safe-html.js';
import { DEFAULT_MAX_SLI_CHARTS, renderTrends } from './trends.js';

/** The files of the HTML report, by name. */
export const HTML_REPORT_FILES = ['index.html', 'report.css'] as const;
export type HtmlReportFiles = Record<(typeof HTML_REPORT_FILES)[number], string>;

/** Renders the report's files. */
export function renderHtmlReport(input: HtmlReportInput): HtmlReportFiles {
  const model = buildReportModel(input);
  const { project, stage, service } = input;
  const body =
    model.columns.length === 0
      ? markup`<p>No evaluation of ${service} in ${stage} (project ${project}) is recorded.</p>
`
      : markup`${summary(model)}${renderHeatmap(model)}${legend()}${renderTrends(model, input.thresholds, input.maxSliCharts ?? DEFAULT_MAX_SLI_CHARTS)}${renderEvaluationList(model)}${renderRemediationList(model, input.remediations ?? [])}`;
  const page = markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ci-connect">
<title>Quality gate: ${service} in ${stage} (${project})</title>
<link rel="stylesheet" href="report.css">
</head>
<body>
<header>
<h1>Quality gate: ${service} <span class="what">in</span> ${stage}</h1>
<p class="meta">project ${project} · ${counts(model)} · generated ${formatWhen(input.generatedAt)} UTC</p>
</header>
<main>
${body}</main>
<footer>Made by ci-connect from its history. Statuses read without colour: ${STATE_SYMBOL.pass} pass, ${STATE_SYMBOL.warning} warning, ${STATE_SYMBOL.fail} fail, ${STATE_SYMBOL.info} informational, ${STATE_SYMBOL.none} not evaluated.</footer>
</body>
</html>
`;
  return { 'index.html': page.toString(), 'report.css': REPORT_CSS };
}

function counts(model: ReportModel): string {
  const n = model.columns.length;
  const invalidated = model.columns.filter((c) => c.invalidated).length;
  const pinned = model.columns.filter((c) => c.pinned).length;
  const extra = [invalidated > 0 && `${invalidated} invalidated`, pinned > 0 && `${pinned} pinned`].filter(
    (t): t is string => t !== false,
  );
  return `${n} evaluation${n === 1 ? '' : 's'}${extra.length === 0 ? '' : ` (${extra.join(', ')})`}`;
}

/** The verdict of this run, or of the newest evaluation when the report names no run. */
function summary(model: ReportModel): Html {
  const focus = model.focus;
  if (focus === undefined) return markup``;
  const e = focus.evaluation;
  const which = focus.current ? 'This run' : 'Newest evaluation';
  const version = e.version === '' ? '' : markup`: version <code>${e.version}</code>`;
  const message =
    e.message === ''
      ? ''
      : markup`<p>${e.message}</p>
`;
  return markup`<section class="summary" aria-label="${which}">
<p><span class="verdict ${STATE_CLASS[e.result]}">${RESULT_SYMBOL[e.result]} ${e.result} · score ${formatScore(e.score)}</span>${which}${version}, evaluated ${formatWhen(e.evaluatedAt)} UTC${focus.invalidated ? ' (invalidated)' : ''}</p>
${message}</section>
`;
}

function legend(): Html {
  const states = [
    ['p', STATE_SYMBOL.pass, 'pass'],
    ['w', STATE_SYMBOL.warning, 'warning'],
    ['f', STATE_SYMBOL.fail, 'fail'],
    ['i', STATE_SYMBOL.info, 'informational (not scored)'],
    ['n', STATE_SYMBOL.none, 'not evaluated (not in that SLO)'],
  ].map(([cls, symbol, meaning]) => markup`<li><span class="sw ${cls}">${symbol}</span>${meaning}</li>`);
  const marks = [MARKS.keySli, MARKS.current, MARKS.pinned, MARKS.invalidated].map(
    (m) => markup`<li><span class="sw">${m.symbol}</span>${m.meaning}</li>`,
  );
  return markup`<section aria-labelledby="h-legend">
<h2 id="h-legend">Legend</h2>
<ul class="legend">${states}<li><span class="sw">—</span>no value (no data, or an error: hover the cell)</li>${marks}</ul>
</section>
`;
}
