/**
 * The heatmap: objectives (rows) × evaluations (columns, oldest to newest), each cell coloured by
 * its status (a class; report.css colours it) and showing the status's symbol and the value.
 * Cells are kept small: a report of 1,000 evaluations × 30 objectives has 30,000 of them.
 */

import { formatScore } from '../../gate/score.js';
import type { ObjectiveResult, TargetResult } from '../../gate/types.js';
import { formatNumber, formatTargets } from '../format.js';
import {
  formatWhen,
  RESULT_SYMBOL,
  STATE_SYMBOL,
  type CellState,
  type ReportColumn,
  type ReportModel,
  type ReportRow,
} from './report-model.js';
import { markup, type Html } from './safe-html.js';

/** The class of each state: short, because it is repeated in every cell. */
export const STATE_CLASS: Readonly<Record<CellState, string>> = {
  pass: 'p',
  warning: 'w',
  fail: 'f',
  info: 'i',
  none: 'n',
};

/** Marks of a column, each a symbol with its meaning. */
export const MARKS = {
  current: { symbol: '▶', meaning: 'this run' },
  pinned: { symbol: '⚑', meaning: 'pinned baseline' },
  invalidated: { symbol: '⊘', meaning: 'invalidated: never a baseline' },
  keySli: { symbol: '★', meaning: 'key SLI: if it fails, the gate fails' },
} as const;

/** The heatmap section. */
export function renderHeatmap(model: ReportModel): Html {
  const { columns, rows } = model;
  return markup`<section aria-labelledby="h-heatmap">
<h2 id="h-heatmap">Objectives by evaluation</h2>
<p class="note">Oldest on the left, newest on the right; the table scrolls sideways. A column links to its evaluation below.</p>
<div class="scroll"><table class="grid">
<thead>
<tr><th scope="col" class="corner">Objective</th>${columns.map(columnHeader)}</tr>
<tr class="total"><th scope="row">Total score</th>${columns.map(scoreCell)}</tr>
</thead>
<tbody>
${rows.map((row) => objectiveRow(row, columns))}</tbody>
</table></div>
</section>
`;
}

/** The classes every cell of a column carries: highlighted when current, struck when invalidated. */
function columnClasses(column: ReportColumn): string {
  return `${column.current ? ' c' : ''}${column.invalidated ? ' x' : ''}`;
}

function columnHeader(column: ReportColumn): Html {
  const { evaluation } = column;
  const [day, time] = formatWhen(evaluation.evaluatedAt).split(' ');
  const marks = [
    column.current && mark(MARKS.current),
    column.pinned && mark(MARKS.pinned),
    column.invalidated && mark(MARKS.invalidated),
  ].filter((m): m is Html => m !== false);
  const when = markup`${day?.slice(5) ?? ''}${time === undefined ? '' : markup`<br>${time}`}`;
  const version =
    evaluation.version === ''
      ? ''
      : markup`<span class="ver" title="${evaluation.version}">${clip(evaluation.version, 12)}</span>`;
  const classes = `ev${columnClasses(column)}${column.pinned ? ' k' : ''}`;
  return markup`<th scope="col" class="${classes}"><a href="#e${column.index}">${when}</a>${version}${marks.length === 0 ? '' : markup`<span class="marks">${marks}</span>`}</th>`;
}

function scoreCell(column: ReportColumn): Html {
  const { result, score } = column.evaluation;
  return markup`<td class="${STATE_CLASS[result]}${columnClasses(column)}">${RESULT_SYMBOL[result]} ${formatScore(score)}</td>`;
}

function objectiveRow(row: ReportRow, columns: readonly ReportColumn[]): Html {
  const cells = row.cells.map((objective, i) => cell(objective, columns[i]!));
  return markup`<tr>${rowHeader(row.latest)}${cells}</tr>
`;
}

function rowHeader(o: ObjectiveResult): Html {
  const name = o.displayName === '' ? o.sli : o.displayName;
  // The criteria as the newest evaluation had them; its violations are in its cell, not here.
  const criteria = (targets: readonly TargetResult[]) =>
    formatTargets(targets.map((t) => ({ ...t, violated: false })));
  const pass = criteria(o.passTargets);
  const warning = criteria(o.warningTargets);
  const both = [pass && `pass ${pass}`, warning && `warning ${warning}`].filter((c) => c !== '');
  const key = o.keySli ? markup` ${mark(MARKS.keySli, 'key')}` : '';
  const sli = o.displayName === '' ? '' : markup`<span class="sli">${o.sli}</span>`;
  return markup`<th scope="row"><span class="obj">${name}</span>${key}${sli}<span class="crit">${both.length === 0 ? 'informational' : both.join(' · ')}</span></th>`;
}

/** A cell: `✓ 512.3`; `✗ —` for an SLI without value (its message in the tooltip); `·` when absent. */
function cell(objective: ObjectiveResult | undefined, column: ReportColumn): Html {
  const classes = columnClasses(column);
  if (objective === undefined) return markup`<td class="n${classes}">·</td>`;
  const value = formatNumber(objective.value);
  const title = objective.message === '' ? '' : markup` title="${objective.message}"`;
  return markup`<td class="${STATE_CLASS[objective.status]}${classes}"${title}>${STATE_SYMBOL[objective.status]} ${value}</td>`;
}

function mark(m: { symbol: string; meaning: string }, extraClass = 'mark'): Html {
  return markup`<abbr class="${extraClass}" title="${m.meaning}">${m.symbol}</abbr>`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
