/**
 * The query language of `sli/jmeter.yaml`: `key=value` pairs separated by `;`, e.g.
 * `measure=p95;label=GET /cart` or `measure=error_rate;labelRegex=^checkout`. A value may be
 * double-quoted with JSON escapes, for labels that contain `;` or start with a space.
 */

/** A query that cannot be parsed; `hint` says what to write instead. */
export class JmeterQuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'JmeterQuerySyntaxError';
  }
}

/** What to compute over the selected samples. */
export type JmeterMeasure =
  | { kind: 'samples' | 'errors' | 'throughput' | 'error_rate' | 'avg' | 'min' | 'max' }
  | { kind: 'percentile'; percent: number };

/** Which samples a query looks at. */
export type LabelFilter =
  { kind: 'all' } | { kind: 'exact'; label: string } | { kind: 'regex'; pattern: RegExp };

/** The time column a query measures. */
export type JmeterField = 'elapsed' | 'latency' | 'connect';

/** A parsed jmeter.yaml query. */
export interface JmeterQuery {
  measure: JmeterMeasure;
  field: JmeterField;
  labels: LabelFilter;
}

const EXAMPLE = 'write e.g. "measure=p95;label=GET /cart" or "measure=error_rate;labelRegex=^checkout"';
const KEYS = ['measure', 'field', 'label', 'labelRegex'] as const;
type Key = (typeof KEYS)[number];
const SIMPLE_MEASURES = ['samples', 'errors', 'throughput', 'error_rate', 'avg', 'min', 'max'] as const;
const MEASURES_HINT = `measure is one of ${SIMPLE_MEASURES.join(', ')} or p<N> with 0 < N <= 100 (e.g. p95, p99.9)`;
const FIELDS: readonly JmeterField[] = ['elapsed', 'latency', 'connect'];
const PERCENTILE = /^p(\d+(?:\.\d+)?)$/;

/** Parses a jmeter.yaml query; throws JmeterQuerySyntaxError with a hint when it is not valid. */
export function parseJmeterQuery(query: string): JmeterQuery {
  const pairs = splitPairs(query);
  const measureText = pairs.get('measure');
  if (measureText === undefined) throw new JmeterQuerySyntaxError('the query has no measure', EXAMPLE);
  const measure = parseMeasure(measureText);
  const field = parseField(pairs.get('field'), measure);
  const label = pairs.get('label');
  const regex = pairs.get('labelRegex');
  if (label !== undefined && regex !== undefined) {
    throw new JmeterQuerySyntaxError(
      'the query has both label and labelRegex',
      'use label for one exact label, or labelRegex for several',
    );
  }
  let labels: LabelFilter = { kind: 'all' };
  if (label !== undefined) labels = { kind: 'exact', label };
  if (regex !== undefined) labels = { kind: 'regex', pattern: parseRegex(regex) };
  return { measure, field, labels };
}

function parseMeasure(text: string): JmeterMeasure {
  const simple = SIMPLE_MEASURES.find((m) => m === text.toLowerCase());
  if (simple !== undefined) return { kind: simple };
  const m = PERCENTILE.exec(text.toLowerCase());
  const percent = m === null ? NaN : Number(m[1]);
  if (Number.isNaN(percent)) {
    throw new JmeterQuerySyntaxError(`unknown measure ${JSON.stringify(text)}`, MEASURES_HINT);
  }
  if (percent <= 0 || percent > 100) {
    throw new JmeterQuerySyntaxError(`percentile ${text} is out of range`, MEASURES_HINT);
  }
  return { kind: 'percentile', percent };
}

function parseField(text: string | undefined, measure: JmeterMeasure): JmeterField {
  if (text === undefined) return 'elapsed';
  const field = FIELDS.find((f) => f === text.toLowerCase());
  if (field === undefined) {
    throw new JmeterQuerySyntaxError(
      `unknown field ${JSON.stringify(text)}`,
      'field is elapsed, latency or connect',
    );
  }
  const timed = measure.kind === 'percentile' || ['avg', 'min', 'max'].includes(measure.kind);
  if (!timed && field !== 'elapsed') {
    throw new JmeterQuerySyntaxError(
      `field=${field} does not apply to measure=${measure.kind}`,
      'field only applies to avg, min, max and p<N>; remove it',
    );
  }
  return field;
}

function parseRegex(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new JmeterQuerySyntaxError(
      `labelRegex ${JSON.stringify(source)} is not a valid regular expression: ${(error as Error).message}`,
      'labelRegex is a JavaScript regular expression; escape special characters with \\ or quote the value',
    );
  }
}

/** Splits `a=1; b="x;y"` into its pairs; keys are matched without regard to case. */
function splitPairs(query: string): Map<Key, string> {
  const pairs = new Map<Key, string>();
  let pos = 0;
  while (pos < query.length) {
    const eq = query.indexOf('=', pos);
    const semi = query.indexOf(';', pos);
    if (eq < 0 || (semi >= 0 && semi < eq)) {
      const part = query.slice(pos, semi < 0 ? undefined : semi).trim();
      if (part !== '') throw new JmeterQuerySyntaxError(`${JSON.stringify(part)} is not key=value`, EXAMPLE);
      pos = semi < 0 ? query.length : semi + 1;
      continue;
    }
    const key = parseKey(query.slice(pos, eq).trim(), pairs);
    const [value, next] = readValue(query, eq + 1, key);
    pairs.set(key, value);
    pos = next;
  }
  if (pairs.size === 0) throw new JmeterQuerySyntaxError('the query is empty', EXAMPLE);
  return pairs;
}

function parseKey(text: string, seen: ReadonlyMap<Key, string>): Key {
  const key = KEYS.find((k) => k.toLowerCase() === text.toLowerCase());
  if (key === undefined) {
    throw new JmeterQuerySyntaxError(
      `unknown key ${JSON.stringify(text)}`,
      `the keys are ${KEYS.join(', ')}`,
    );
  }
  if (seen.has(key)) throw new JmeterQuerySyntaxError(`${key} is given twice`, 'give each key once');
  return key;
}

/** Reads a value starting at `pos`; returns it and the offset after its `;` (or the end). */
function readValue(query: string, pos: number, key: Key): [string, number] {
  let start = pos;
  while (query[start] === ' ' || query[start] === '\t') start++;
  if (query[start] !== '"') {
    const semi = query.indexOf(';', start);
    const end = semi < 0 ? query.length : semi;
    const value = query.slice(start, end).trim();
    if (value === '') throw new JmeterQuerySyntaxError(`${key} has no value`, `write ${key}=<value>`);
    return [value, end + 1];
  }
  let end = start + 1;
  while (end < query.length && query[end] !== '"') end += query[end] === '\\' ? 2 : 1;
  if (end >= query.length) {
    throw new JmeterQuerySyntaxError(`the quoted value of ${key} has no closing quote`, 'end it with "');
  }
  let value: string;
  try {
    value = JSON.parse(query.slice(start, end + 1)) as string;
  } catch {
    throw new JmeterQuerySyntaxError(
      `the quoted value of ${key} is not a valid JSON string`,
      'escape " and \\ as \\" and \\\\',
    );
  }
  const rest = query.slice(end + 1).match(/^\s*(;|$)/);
  if (rest === null) {
    throw new JmeterQuerySyntaxError(`text after the quoted value of ${key}`, 'separate pairs with ;');
  }
  return [value, end + 1 + rest[0].length];
}
