/**
 * Trends: the total score over time against the SLO's pass and warning thresholds, and each
 * objective's value against its targets (each pass and warning criterion's threshold as it was
 * in that evaluation) and its baseline. To keep a long history's page small (bench/html-report.js),
 * the per-SLI charts cover the newest 250 evaluations and the first 40 objectives, and draw a
 * point per evaluation only up to 120 evaluations; the score chart and the heatmap show them all.
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
/** Per-SLI charts cover at most the newest this many evaluations. */
const MAX_SLI_CHART_EVALUATIONS = 250;
/** Per-SLI charts draw a point per evaluation only up to this many evaluations. */
const MAX_SLI_POINTS = 120;

/** The score chart and the per-SLI charts. */
export function renderTrends(
  model: ReportModel,
  thresholds: ScoreThresholds | undefined,
  maxSliCharts: number,
): Html {
  const charted = model.rows.slice(0, maxSliCharts);
  const columns = model.columns.slice(-MAX_SLI_CHART_EVALUATIONS);
  const limits = [
    charted.length < model.rows.length && `the first ${charted.length} of ${model.rows.length} objectives`,
    columns.length < model.columns.length &&
      `the newest ${columns.length} of ${model.columns.length} evaluations`,
  ].filter((l): l is string => l !== false);
  const limited =
    limits.length === 0
      ? ''
      : markup`<p class="note">These charts show ${limits.join(' and ')}; the heatmap above has them all.</p>
`;
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
${charted.map((row) => sliChart(row, columns))}</div>
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
    ...highlightOf(columns),
  });
}

/** An objective's chart over `columns`, the newest evaluations of the report. */
function sliChart(row: ReportRow, columns: readonly ReportColumn[]): Html {
  const { latest } = row;
  const name = latest.displayName === '' ? latest.sli : latest.displayName;
  const cells = row.cells.slice(row.cells.length - columns.length);
  const series: ChartSeries[] = [
    { className: 'b', values: cells.map((o) => o?.comparedValue ?? null) },
    ...targetSeries(cells, (o) => o.passTargets, 'tp'),
    ...targetSeries(cells, (o) => o.warningTargets, 'tw'),
    { className: 'v', values: cells.map((o) => o?.value ?? null) },
  ];
  const points =
    cells.length > MAX_SLI_POINTS
      ? []
      : cells.flatMap((o, index): ChartPoint[] =>
          o === undefined || o.value === null
            ? []
            : [{ index, value: o.value, className: STATE_CLASS[o.status] }],
        );
  const chart = renderLineChart({
    title: `${name}: value, thresholds and baseline`,
    width: 400,
    height: 180,
    count: cells.length,
    series,
    points,
    xLabels: xLabels(columns),
    ...highlightOf(columns),
  });
  return markup`<figure class="card"><figcaption>${name}${latest.keySli ? ' ★' : ''}</figcaption>
${chart}
</figure>
`;
}

/** One series per criterion position: its threshold (targetValue) in each evaluation. */
function targetSeries(
  cells: readonly (ObjectiveResult | undefined)[],
  targets: (o: ObjectiveResult) => readonly TargetResult[],
  className: string,
): ChartSeries[] {
  const count = Math.max(0, ...cells.map((o) => (o === undefined ? 0 : targets(o).length)));
  return Array.from({ length: count }, (_, i) => ({
    className,
    values: cells.map((o) => (o === undefined ? null : (targets(o)[i]?.targetValue ?? null))),
  }));
}

function xLabels(columns: readonly ReportColumn[]): [string, string] {
  const first = columns[0]?.evaluation.evaluatedAt ?? '';
  const last = columns.at(-1)?.evaluation.evaluatedAt ?? '';
  return [formatWhen(first), columns.length > 1 ? formatWhen(last) : ''];
}

/** The current evaluation's position among `columns`, if it is one of them. */
function highlightOf(columns: readonly ReportColumn[]): { highlight?: number } {
  const at = columns.findIndex((c) => c.current);
  return at < 0 ? {} : { highlight: at };
}
