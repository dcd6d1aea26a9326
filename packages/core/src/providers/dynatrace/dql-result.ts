/**
 * Reads one number out of a Grail query result (`QueryResult`: `records`, `types`, `metadata`).
 * The rule, kept explicit so a query's author knows what to write: exactly one record; its only
 * field, or its field named `value` when it has several; a number (Grail sends `long` values as
 * JSON strings, so a numeric string typed `long` or `double` counts). Zero records and null are
 * "no data"; anything else is an error that says how to change the query.
 * https://docs.dynatrace.com/docs/dynatrace-api/platform-api/platform-storage-query-v1/query-execute-post
 */

import type { Redactor } from '../../redaction/redaction.js';

/** What one Grail result amounts to. */
export type DqlReduction =
  | { kind: 'value'; value: number }
  | { kind: 'no-data'; message: string }
  | { kind: 'error'; message: string };

/** Records asked for: one is wanted; a few more let the message say how many came back. */
export const MAX_RESULT_RECORDS = 10;

const NUMERIC_TYPES = ['long', 'double'];
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Reduces the `result` of a SUCCEEDED query to one number. */
export function reduceDqlResult(result: unknown): DqlReduction {
  if (!isRecord(result) || !Array.isArray(result['records']))
    return { kind: 'error', message: 'the answer has no result records (not a Grail query result)' };
  const records = result['records'] as unknown[];
  const notes = notificationsOf(result);
  if (records.length === 0) return { kind: 'no-data', message: `returned no records${notes}` };
  if (records.length > 1) {
    const count = records.length >= MAX_RESULT_RECORDS ? `${records.length} or more` : String(records.length);
    return {
      kind: 'error',
      message:
        `returned ${count} records, but one is expected ` +
        '(aggregate them, e.g. | summarize value = avg(...), or narrow the filter)',
    };
  }
  const record: unknown = records[0];
  if (record === null) return { kind: 'no-data', message: `returned an empty record${notes}` };
  if (!isRecord(record)) return { kind: 'error', message: 'returned a record that is not an object' };
  const field = fieldOf(record);
  if (typeof field !== 'string') return field;
  return valueOf(field, record[field], typeOf(result, field), notes);
}

function fieldOf(record: Record<string, unknown>): string | DqlReduction {
  const fields = Object.keys(record);
  if (fields.length === 1 && fields[0] !== undefined) return fields[0];
  if (fields.includes('value')) return 'value';
  const named = fields.length === 0 ? 'no fields' : `the fields ${fields.join(', ')}`;
  return {
    kind: 'error',
    message: `returned ${named}, but one number is expected (end the query with | fields value = <expression>)`,
  };
}

function valueOf(field: string, value: unknown, type: string | undefined, notes: string): DqlReduction {
  if (value === null || value === undefined)
    return { kind: 'no-data', message: `returned null in the field ${field}${notes}` };
  const numeric = type === undefined || NUMERIC_TYPES.includes(type);
  // A duration is a number of nanoseconds: taken as it is, it would silently compare wrong.
  if (typeof value === 'number' && numeric)
    return Number.isFinite(value)
      ? { kind: 'value', value }
      : { kind: 'no-data', message: `returned ${value} in the field ${field}` };
  if (typeof value === 'string' && type !== undefined && numeric) {
    if (NUMBER_TEXT.test(value.trim())) return { kind: 'value', value: Number(value) };
    // Grail writes NaN and infinite doubles as text.
    return { kind: 'no-data', message: `returned ${value} in the field ${field}` };
  }
  if (Array.isArray(value))
    return {
      kind: 'error',
      message:
        `returned an array in the field ${field} (a timeseries?), but one number is expected ` +
        `(reduce it, e.g. | fields value = arrayAvg(${field}))`,
    };
  const described = type === undefined ? typeof value : `a ${type}`;
  return {
    kind: 'error',
    message: `returned ${described} in the field ${field}, but a number is expected (convert it in the query)`,
  };
}

/** The type Grail declares for a field of record 0 (`types[].indexRange` holds [start, end]). */
function typeOf(result: Record<string, unknown>, field: string): string | undefined {
  const buckets = Array.isArray(result['types']) ? (result['types'] as unknown[]) : [];
  for (const bucket of buckets.filter(isRecord)) {
    const range = bucket['indexRange'];
    const covers = !Array.isArray(range) || (Number(range[0]) <= 0 && 0 <= Number(range[1]));
    const mappings = bucket['mappings'];
    if (!covers || !isRecord(mappings)) continue;
    const mapping = mappings[field];
    if (isRecord(mapping) && typeof mapping['type'] === 'string') return mapping['type'];
  }
  return undefined;
}

/** Grail's warnings about the result (sampling, scan limits, truncation), for "no data" messages. */
export function notificationsOf(result: unknown): string {
  const grail = isRecord(result) && isRecord(result['metadata']) ? result['metadata']['grail'] : undefined;
  const notes = isRecord(grail) && Array.isArray(grail['notifications']) ? grail['notifications'] : [];
  const messages = notes
    .filter(isRecord)
    .map((note) => note['message'])
    .filter((message): message is string => typeof message === 'string' && message !== '');
  return messages.length === 0 ? '' : `; Dynatrace notes: ${[...new Set(messages)].join(' ')}`;
}

/**
 * The text of a Grail error envelope, `{"error":{"code","message","details":{"errorType",
 * "errorMessage","syntaxErrorPosition",...}}}`, or of a non-JSON body.
 */
export function describeGrailError(body: unknown, redactor: Redactor): string {
  // Redacted before the cut: a token the server echoed must not survive in part.
  if (typeof body === 'string') return redactor.clip(body.replace(/\s+/g, ' ').trim(), 300);
  const error = isRecord(body) ? body['error'] : undefined;
  if (!isRecord(error)) return '';
  const message = typeof error['message'] === 'string' ? error['message'] : '';
  const details = isRecord(error['details']) ? error['details'] : {};
  const explained = typeof details['errorMessage'] === 'string' ? details['errorMessage'] : '';
  const where = positionOf(details['syntaxErrorPosition']);
  const parts = [message, explained].filter((part, index, all) => part !== '' && all.indexOf(part) === index);
  return `${parts.join(': ')}${where}`;
}

/** Scopes a Grail 403 says are missing (`details.missingScopes`), if it says. */
export function missingScopesOf(body: unknown): string[] {
  const error = isRecord(body) ? body['error'] : undefined;
  const details = isRecord(error) ? error['details'] : undefined;
  const scopes = isRecord(details) ? details['missingScopes'] : undefined;
  return Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [];
}

function positionOf(position: unknown): string {
  const start = isRecord(position) ? position['start'] : undefined;
  if (!isRecord(start) || typeof start['line'] !== 'number' || typeof start['column'] !== 'number') return '';
  return ` (at line ${start['line']}, column ${start['column']} of the query)`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
