/**
 * Trends: the total score over time against the SLO's pass and warning thresholds, and each
 * objective's value against its targets (each pass and warning criterion's threshold as it was
 * in that evaluation) and its baseline. Per-SLI charts are limited to the first rows, and their
 * points to short histories, to keep the page small (see bench/html-report.js).
 */

import { formatScore } from '../../gate/score.js';
import type { ObjectiveResult, TargetResult } from '../../gate/types.js';
import { STATE_CLASS } from './heatmap.js';
import { renderLineChart, type ChartPoint, type ChartRule, type ChartSeries } from './line-chart.js';
import {
  formatWhen,
  type ReportColumn,
  type ReportModel,
  type ReportRow,
  type ScoreThresholds,
} from './report-model.js';
import { markup, type Html } from './safe-html.js';

/** Per-SLI charts by default: the first 40 objectives. */
export const DEFAULT_MAX_SLI_CHARTS = 40;
/** Per-SLI charts draw a point per evaluation only up to this many evaluations. */
const MAX_SLI_POINTS = 120;

/** The score chart and the per-SLI charts. */
export function renderTrends(
  model: ReportModel,
  thresholds: ScoreThresholds | undefined,
  maxSliCharts: number,
): Html {
  const charted = model.rows.slice(0, maxSliCharts);
  const limited =
    charted.length < model.rows.length
      ? markup`<p class="note">Charts of the first ${charted.length} of ${model.rows.length} objectives; the table above has them all.</p>
`
      : '';
  const unknown =
    thresholds === undefined
      ? markup`<p class="note">The SLO's thresholds are not known here (no slo.yaml found for this service), so none are drawn.</p>
`
      : '';
  return markup`<section aria-labelledby="h-score">
<h2 id="h-score">Total score</h2>
<div class="wide">${scoreChart(model, thresholds)}</div>
${unknown}</section>
<section aria-labelledby="h-slis">
<h2 id="h-slis">Objectives over time</h2>
${limited}<ul class="legend-lines">
<li><span class="swatch v"></span>value</li><li><span class="swatch tp"></span>pass threshold</li><li><span class="swatch tw"></span>warning threshold</li><li><span class="swatch b"></span>baseline</li>
</ul>
<div class="charts">
${charted.map((row) => sliChart(row, model))}</div>
</section>
`;
}

function scoreChart(model: ReportModel, thresholds: ScoreThresholds | undefined): Html {
  const { columns } = model;
  const rules: ChartRule[] = [];
  if (thresholds !== undefined) {
    rules.push({ value: thresholds.pass, label: `pass ≥ ${formatScore(thresholds.pass)}`, className: 'tp' });
    if (thresholds.warning !== null) {
      const label = `warning ≥ ${formatScore(thresholds.warning)}`;
      rules.push({ value: thresholds.warning, label, className: 'tw' });
    }
  }
  const points = columns.map((c): ChartPoint => ({
    index: c.index,
    value: c.evaluation.score,
    className: `${STATE_CLASS[c.evaluation.result]}${c.invalidated ? ' x' : ''}`,
    title: `${formatWhen(c.evaluation.evaluatedAt)} ${c.evaluation.version} ${c.evaluation.result} ${formatScore(c.evaluation.score)}${c.invalidated ? ' (invalidated)' : ''}`,
  }));
  return renderLineChart({
    title: `Total score of ${columns.length} evaluations`,
    width: 800,
    height: 200,
    count: columns.length,
    series: [{ className: 'v', values: columns.map((c) => c.evaluation.score) }],
    rules,
    points,
    domain: [0, 100],
    xLabels: xLabels(columns),
    ...highlightOf(model),
  });
}

function sliChart(row: ReportRow, model: ReportModel): Html {
  const { latest } = row;
  const name = latest.displayName === '' ? latest.sli : latest.displayName;
  const series: ChartSeries[] = [
    { className: 'b', values: row.cells.map((o) => o?.comparedValue ?? null) },
    ...targetSeries(row, (o) => o.passTargets, 'tp'),
    ...targetSeries(row, (o) => o.warningTargets, 'tw'),
    { className: 'v', values: row.cells.map((o) => o?.value ?? null) },
  ];
  const points =
    row.cells.length > MAX_SLI_POINTS
      ? []
      : row.cells.flatMap((o, index): ChartPoint[] =>
          o === undefined || o.value === null
            ? []
            : [{ index, value: o.value, className: STATE_CLASS[o.status] }],
        );
  const chart = renderLineChart({
    title: `${name}: value, thresholds and baseline`,
    width: 400,
    height: 180,
    count: row.cells.length,
    series,
    points,
    xLabels: xLabels(model.columns),
    ...highlightOf(model),
  });
  return markup`<figure class="card"><figcaption>${name}${latest.keySli ? ' ★' : ''}</figcaption>
${chart}
</figure>
`;
}

/** One series per criterion position: its threshold (targetValue) in each evaluation. */
function targetSeries(
  row: ReportRow,
  targets: (o: ObjectiveResult) => readonly TargetResult[],
  className: string,
): ChartSeries[] {
  const count = Math.max(0, ...row.cells.map((o) => (o === undefined ? 0 : targets(o).length)));
  return Array.from({ length: count }, (_, i) => ({
    className,
    values: row.cells.map((o) => (o === undefined ? null : (targets(o)[i]?.targetValue ?? null))),
  }));
}

function xLabels(columns: readonly ReportColumn[]): [string, string] {
  const first = columns[0]?.evaluation.evaluatedAt ?? '';
  const last = columns.at(-1)?.evaluation.evaluatedAt ?? '';
  return [formatWhen(first), columns.length > 1 ? formatWhen(last) : ''];
}

function highlightOf(model: ReportModel): { highlight?: number } {
  const current = model.columns.find((c) => c.current);
  return current === undefined ? {} : { highlight: current.index };
}
