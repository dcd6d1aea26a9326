import {
  formatScore,
  isEvaluationRecord,
  isRemediationRecord,
  recordTime,
  type HistoryImportResult,
  type HistoryListResult,
  type HistoryMarkResult,
  type HistoryRecord,
} from '@ci-connect/core';
import { renderEvaluation } from './evaluation-table.js';
import type { Palette } from './palette.js';
import { printable } from './printable.js';
import { problemLabel } from './remediation-text.js';
import { formatTable } from './table.js';

const HEADERS = ['id', 'time', 'kind', 'project/stage/service', 'version', 'result', 'score', 'marks'];

/** `history list`: one line per record, newest first, invalidated ones dimmed and marked. */
export function renderHistoryList(list: HistoryListResult, limit: number, palette: Palette): string {
  if (list.records.length === 0) return `no records match in ${list.history}\n`;
  // A `detail` column only when a record has one (remediation steps), so other listings read as before.
  const details = list.records.map(detailOf);
  const withDetail = details.some((d) => d !== '');
  const rows = list.records.map((r, i) => [
    r.id,
    shortTime(recordTime(r)),
    r.kind,
    [r.project, r.stage, r.service].map((part) => part ?? '-').join('/'),
    textField(r, 'version'),
    textField(r, 'result'),
    typeof field(r, 'score') === 'number' ? formatScore(field(r, 'score') as number) : '',
    marksOf(r),
    ...(withDetail ? [details[i] ?? ''] : []),
  ]);
  const [header, ...lines] = formatTable(withDetail ? [...HEADERS, 'detail'] : HEADERS, rows);
  const body = lines.map((line, i) => (list.records[i]?.invalidated === true ? palette.dim(line) : line));
  const count = list.records.length;
  const more = count >= limit ? `; the newest ${limit} are shown (--limit for more)` : '';
  return `${[palette.dim(header ?? ''), ...body].join('\n')}\n${palette.dim(`${count} record${count === 1 ? '' : 's'} in ${list.history}, newest first${more}`)}\n`;
}

/** `history show`: an evaluation as `evaluate` prints it, under its identity; other kinds field by field. */
export function renderHistoryRecord(record: HistoryRecord, palette: Palette): string {
  const head = [
    `${palette.bold(record.kind)} ${record.id}${marksOf(record) === '' ? '' : `  [${marksOf(record)}]`}`,
    `recorded ${recordTime(record) ?? '(no time)'}`,
  ];
  if (!isEvaluationRecord(record)) return `${[...head, '', ...fieldLines(record)].join('\n')}\n`;
  const labels = Object.entries(record.labels).map(([k, v]) => `${k}=${v}`);
  if (labels.length > 0) head.push(`labels ${labels.join(', ')}`);
  if (record.comparedEvaluations.length > 0)
    head.push(`compared with ${record.comparedEvaluations.join(', ')}`);
  return `${head.join('\n')}\n\n${renderEvaluation(record, palette)}`;
}

/** What a kind without a version says in a line: a remediation's step, action and problem. */
function detailOf(record: HistoryRecord): string {
  if (!isRemediationRecord(record)) return '';
  const { action, problem } = record;
  const what =
    record.step === 'action' && action !== null
      ? `action ${record.actionIndex + 1} ${action.action}${action.name === '' || action.name === action.action ? '' : ` "${action.name}"`}`
      : record.step;
  return printable(`${what} · ${problemLabel(problem)}`);
}

/** `pinned`, `invalidated`, or both. */
function marksOf(record: HistoryRecord): string {
  return [record.pinned === true ? 'pinned' : '', record.invalidated === true ? 'invalidated' : '']
    .filter((mark) => mark !== '')
    .join(', ');
}

/** `2022-02-09T09:30:07Z`: to the second, which is what a listing needs. */
function shortTime(iso: string | undefined): string {
  if (iso === undefined) return '-';
  return iso.replace(/\.\d+Z$/, 'Z');
}

function field(record: HistoryRecord, name: string): unknown {
  return (record as unknown as Record<string, unknown>)[name];
}

function textField(record: HistoryRecord, name: string): string {
  const value = field(record, name);
  return typeof value === 'string' ? value : '';
}

/** `name: value`, nested values as one line of JSON. */
function fieldLines(record: HistoryRecord): string[] {
  return Object.entries(record)
    .filter(([name]) => !['schemaVersion', 'id', 'kind', 'invalidated', 'pinned'].includes(name))
    .map(([name, value]) =>
      printable(`${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`),
    );
}

/** What `invalidate`, `pin` and `unpin` did, in one sentence. */
export function renderMarkResult(result: HistoryMarkResult): string {
  const record = result.record;
  const what = record === null ? '' : `${record.kind} ${record.id} (${describeRecord(record)})`;
  const why = result.reason === null ? '' : `: ${result.reason}`;
  switch (result.kind) {
    case 'history-invalidate':
      return result.changed
        ? `invalidated ${what}${why}\nit is left out of every later baseline\n`
        : `${what} was already invalidated; nothing changed\n`;
    case 'history-pin':
      return result.changed
        ? `pinned ${what}${why}\nit is the baseline of ${record?.project}/${record?.stage}/${record?.service} until history unpin\n`
        : `${what} is already pinned; nothing changed\n`;
    case 'history-unpin': {
      const service = result.target === undefined ? '' : ` of ${Object.values(result.target).join('/')}`;
      return result.changed
        ? `unpinned ${what}${why}\nthe baseline${service} is the newest evaluations again\n`
        : `no evaluation is pinned${service}; nothing changed\n`;
    }
  }
}

/** `shop/hardening/carts 1.4.2, fail 33.33`: enough to recognise a record. */
function describeRecord(record: HistoryRecord): string {
  const where = [record.project, record.stage, record.service].map((part) => part ?? '-').join('/');
  const version = textField(record, 'version');
  const result = textField(record, 'result');
  const score = field(record, 'score');
  const verdict =
    result === '' ? '' : `, ${result}${typeof score === 'number' ? ` ${formatScore(score)}` : ''}`;
  return `${where}${version === '' ? '' : ` ${version}`}${verdict}`;
}

/** What `history import` did: counts of what was read, added and already there. */
export function renderImportResult(result: HistoryImportResult): string {
  const { read } = result;
  const parts = [
    read.records > 0 ? plural(read.records, 'ci-connect record') : '',
    read.keptnEvaluations > 0 ? plural(read.keptnEvaluations, 'Keptn evaluation') : '',
    read.keptnInvalidations > 0 ? plural(read.keptnInvalidations, 'Keptn invalidation') : '',
  ].filter((part) => part !== '');
  const others = Object.values(read.otherKeptnEvents).reduce((sum, n) => sum + n, 0);
  const lines = [
    `read ${parts.length === 0 ? 'nothing to import' : parts.join(', ')} from ${result.file}` +
      (others > 0 ? ` (and ${plural(others, 'other Keptn event')}, not imported)` : ''),
    `${result.history}: ${result.added} added, ${result.present} already present`,
  ];
  if (result.unmatchedInvalidations.length > 0)
    lines.push(
      `${plural(result.unmatchedInvalidations.length, 'invalidation')} named no evaluation: not imported`,
    );
  return `${lines.join('\n')}\n`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
