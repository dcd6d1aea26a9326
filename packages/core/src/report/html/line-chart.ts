/**
 * A line chart as inline SVG, no script: series over evaluations (equally spaced, oldest left),
 * horizontal rules for thresholds, optional points with tooltips. Colours and dashes come from
 * classes (report.css), never from style attributes: the page must render under a CSP without
 * 'unsafe-inline'.
 */

import { formatNumber } from '../format.js';
import { joinHtml, markup, type Html } from './safe-html.js';

export interface ChartSeries {
  className: string;
  /** One per evaluation; null leaves a gap. */
  values: readonly (number | null)[];
}

export interface ChartRule {
  value: number;
  label: string;
  className: string;
}

export interface ChartPoint {
  index: number;
  value: number;
  className: string;
  /** Shown as the point's tooltip. */
  title?: string;
}

export interface LineChartSpec {
  /** The chart's accessible name. */
  title: string;
  width: number;
  height: number;
  /** How many evaluations the x axis spans. */
  count: number;
  series: readonly ChartSeries[];
  rules?: readonly ChartRule[];
  points?: readonly ChartPoint[];
  /** A fixed y range (the score's 0-100); else the data's, padded. */
  domain?: readonly [number, number];
  /** Under the x axis, left and right: the oldest and newest evaluation. */
  xLabels: readonly [string, string];
  /** An evaluation to mark with a vertical line (this run). */
  highlight?: number;
}

const PAD = { left: 52, right: 14, top: 12, bottom: 26 };

/** The chart's SVG. */
export function renderLineChart(spec: LineChartSpec): Html {
  const [low, high] = spec.domain ?? dataDomain(spec);
  const plotWidth = spec.width - PAD.left - PAD.right;
  const plotHeight = spec.height - PAD.top - PAD.bottom;
  const x = (index: number) =>
    round(PAD.left + (spec.count <= 1 ? plotWidth / 2 : (index * plotWidth) / (spec.count - 1)));
  const y = (value: number) => round(PAD.top + plotHeight - ((value - low) / (high - low)) * plotHeight);
  const bottom = PAD.top + plotHeight;
  const right = PAD.left + plotWidth;
  const ticks = [high, (low + high) / 2, low].map(
    (v) =>
      markup`<text class="tick" x="${PAD.left - 6}" y="${y(v) + 4}">${formatNumber(roundTick(v))}</text>`,
  );
  const rules = (spec.rules ?? []).map(
    (r) =>
      markup`<line class="rule ${r.className}" x1="${PAD.left}" x2="${right}" y1="${y(r.value)}" y2="${y(r.value)}"/><text class="rule-label ${r.className}" x="${PAD.left + 4}" y="${y(r.value) + 13}">${r.label}</text>`,
  );
  const lines = spec.series.flatMap((s) => {
    const d = pathOf(s.values, x, y);
    return d === '' ? [] : [markup`<path class="line ${s.className}" d="${d}"/>`];
  });
  const points = (spec.points ?? []).map(
    (p) =>
      markup`<circle class="pt ${p.className}" cx="${x(p.index)}" cy="${y(p.value)}" r="3.5">${p.title === undefined ? '' : markup`<title>${p.title}</title>`}</circle>`,
  );
  const now =
    spec.highlight === undefined
      ? ''
      : markup`<line class="now" x1="${x(spec.highlight)}" x2="${x(spec.highlight)}" y1="${PAD.top}" y2="${bottom}"/>`;
  return markup`<svg class="chart" viewBox="0 0 ${spec.width} ${spec.height}" role="img" aria-label="${spec.title}"><title>${spec.title}</title>
<line class="axis" x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${bottom}"/><line class="axis" x1="${PAD.left}" x2="${right}" y1="${bottom}" y2="${bottom}"/>${ticks}
<text class="xl" x="${PAD.left}" y="${spec.height - 8}">${spec.xLabels[0]}</text><text class="xl end" x="${right}" y="${spec.height - 8}">${spec.xLabels[1]}</text>
${now}${rules}${lines}${joinHtml(points)}</svg>`;
}

/** The range of every value and rule, padded by 5% (a flat series gets ±1 or ±10%). */
function dataDomain(spec: LineChartSpec): [number, number] {
  const all = [
    ...spec.series.flatMap((s) => s.values),
    ...(spec.rules ?? []).map((r) => r.value),
    ...(spec.points ?? []).map((p) => p.value),
  ].filter((v): v is number => v !== null && Number.isFinite(v));
  if (all.length === 0) return [0, 1];
  const low = all.reduce((a, b) => Math.min(a, b));
  const high = all.reduce((a, b) => Math.max(a, b));
  if (low === high) {
    const spread = low === 0 ? 1 : Math.abs(low) * 0.1;
    return [low - spread, high + spread];
  }
  const pad = (high - low) * 0.05;
  return [low - pad, high + pad];
}

/** `M x,y L x,y ...`, a new subpath after each gap; a lone point becomes a dot. */
function pathOf(
  values: readonly (number | null)[],
  x: (index: number) => number,
  y: (value: number) => number,
): string {
  const parts: string[] = [];
  let run = 0;
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) {
      if (run === 1) parts.push('h0.1');
      run = 0;
      return;
    }
    parts.push(`${run === 0 ? 'M' : 'L'}${x(index)},${y(value)}`);
    run++;
  });
  if (run === 1) parts.push('h0.1');
  return parts.join('');
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** A tick label with three significant digits at most. */
function roundTick(v: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(3));
}
