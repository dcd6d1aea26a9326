/**
 * The query strings of `sli/dynatrace.yaml`, as keptn-contrib/dynatrace-service reads them:
 * `metricSelector=...&entitySelector=...` (Metrics API v2), optionally behind `MV2;<unit>;`,
 * `SLO;<id>` (an SLO's evaluatedPercentage), `PV2;problemSelector=...` (a problem count),
 * `SECPV2;securityProblemSelector=...` (a security problem count), `USQL;...` (User sessions
 * API), the legacy `<selector>?scope=...` (legacy-query.ts) and `DQL;<query>` (a Grail DQL query
 * that ends in one number; dql-result.ts).
 * Parsing happens before placeholder substitution, so a `$ENV.X` value with `&` in it cannot
 * change the query's structure.
 */

import { editDistance, suggestKey } from '../../config/suggest.js';
import { parseLegacyMetrics, parseSecurityProblems, parseUsql } from './legacy-query.js';
import type { UsqlQuery } from './legacy-query.js';
import { DynatraceQuerySyntaxError } from './query-syntax.js';
import type { MetricsParams } from './query-syntax.js';

export { DynatraceQuerySyntaxError } from './query-syntax.js';
export type { MetricsParams } from './query-syntax.js';

/** A parsed SLI query. `legacy`: the current form of a legacy metrics query, for a note. */
export type DynatraceQuery =
  | { kind: 'metrics'; params: MetricsParams; unit?: string; legacy?: string }
  | { kind: 'slo'; id: string }
  | { kind: 'problems'; params: { problemSelector?: string; entitySelector?: string } }
  | { kind: 'security-problems'; params: { securityProblemSelector?: string } }
  | { kind: 'usql'; usql: UsqlQuery }
  | { kind: 'dql'; query: string };

const METRICS_HINT =
  'write e.g. metricSelector=builtin:service.response.time:merge("dt.entity.service"):percentile(95)' +
  '&entitySelector=type(SERVICE),tag(keptn_service:$SERVICE), optionally behind MV2;MicroSecond; or use SLO;<id>';
const METRICS_KEYS = ['metricSelector', 'entitySelector', 'resolution', 'mzSelector'] as const;
const PROBLEM_KEYS = ['problemSelector', 'entitySelector'] as const;
// The window is the evaluation's; dynatrace-service ignores these in SLI queries too.
const IGNORED_KEYS = ['from', 'to'];

/** Parses one SLI query; throws DynatraceQuerySyntaxError. */
export function parseDynatraceQuery(query: string): DynatraceQuery {
  const text = query.trim();
  if (text === '') throw new DynatraceQuerySyntaxError('the query is empty', METRICS_HINT);
  const prefix = /^([A-Za-z0-9]+);/.exec(text)?.[1];
  if (prefix !== undefined && !PREFIXES.includes(prefix)) throw unknownPrefix(prefix);
  // `USQL:...`, `SLO <id>`, a bare `SECPV2`: a prefix without its `;` is no metric selector to send.
  const unseparated = UNSEPARATED_PREFIX.exec(text)?.[1];
  if (prefix === undefined && unseparated !== undefined)
    throw new DynatraceQuerySyntaxError(
      `the query starts with ${unseparated} but not "${unseparated};"`,
      `write ${unseparated}; after the prefix (e.g. ${PREFIX_EXAMPLES[unseparated] ?? `${unseparated};<query>`}); ` +
        'a metrics query starts with metricSelector=',
    );
  if (prefix === 'SLO') {
    const id = text.slice('SLO;'.length).trim();
    if (!/^[A-Za-z0-9$._-]+$/.test(id))
      throw new DynatraceQuerySyntaxError(`"${id}" is not an SLO id`, 'write SLO;<the SLO id, a UUID>');
    return { kind: 'slo', id };
  }
  if (prefix === 'DQL') return { kind: 'dql', query: parseDql(text.slice('DQL;'.length)) };
  if (prefix === 'PV2') return { kind: 'problems', params: parseProblemParams(text.slice('PV2;'.length)) };
  if (prefix === 'MV2') {
    const match = /^MV2;([^;]*);(.*)$/s.exec(text);
    if (match === null || match[1] === '' || match[1] === undefined)
      throw new DynatraceQuerySyntaxError('MV2 needs a unit: MV2;<unit>;<query>', METRICS_HINT);
    // As dynatrace-service: the query first (a bad one is a parse error), then the unit.
    const inner = match[2] ?? '';
    const legacy = withMv2Hint(match[1], () => parseLegacyMetrics(inner));
    if (legacy !== undefined)
      throw new DynatraceQuerySyntaxError(
        'MV2; takes a query in the current form, not the legacy one (dynatrace-service refused it)',
        `write MV2;${match[1]};${legacy.rewritten}`,
      );
    const params = parseMetricsParams(inner);
    return { kind: 'metrics', unit: checkMv2Unit(match[1]), params };
  }
  if (prefix === 'SECPV2')
    return { kind: 'security-problems', params: parseSecurityProblems(text.slice('SECPV2;'.length)) };
  if (prefix === 'USQL') return { kind: 'usql', usql: parseUsql(text) };
  const legacy = parseLegacyMetrics(text);
  if (legacy !== undefined) return { kind: 'metrics', params: legacy.params, legacy: legacy.rewritten };
  return { kind: 'metrics', params: parseMetricsParams(text) };
}

/** A legacy query's error behind `MV2;<unit>;`: its rewrite keeps the prefix, or the unit would change. */
function withMv2Hint<T>(unit: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof DynatraceQuerySyntaxError)) throw error;
    throw new DynatraceQuerySyntaxError(
      error.message,
      error.hint.replace('write ', `write MV2;${unit};`),
      error.failsSliOnly,
    );
  }
}

const PREFIX_EXAMPLES: Readonly<Record<string, string>> = {
  MV2: 'MV2;MicroSecond;metricSelector=...',
  SLO: 'SLO;<id>',
  PV2: 'PV2;problemSelector=...',
  SECPV2: 'SECPV2;securityProblemSelector=...',
  USQL: 'USQL;SINGLE_VALUE;;<query>',
  DQL: 'DQL;<query>',
};

// dynatrace-service matched these case-sensitively; anything else was sent as a metric selector.
const PREFIXES = Object.keys(PREFIX_EXAMPLES);
const UNSEPARATED_PREFIX = new RegExp(`^(${PREFIXES.join('|')})(?=[\\s:,]|$)`);

function unknownPrefix(prefix: string): DynatraceQuerySyntaxError {
  const near = suggestKey(prefix, PREFIXES);
  return new DynatraceQuerySyntaxError(
    `unknown query prefix "${prefix};"` + (near === undefined ? '' : `; did you mean "${near};"?`),
    `the prefixes are ${PREFIXES.map((p) => `${p};`).join(', ')} (upper case); a metrics query has none: ${METRICS_HINT}`,
  );
}

// dynatrace-service accepted exactly these (mv2/query.go), and divided by these; any other unit failed the SLI.
const MV2_UNITS: readonly (readonly [RegExp, number])[] = [
  [/^[Mm]icro[Ss]econd$/, 1000],
  [/^[Bb]yte$/, 1024],
];
const MV2_UNIT_HINT =
  'MV2; converts only MicroSecond (value / 1000, to milliseconds) and Byte (value / 1024, to KiB); ' +
  'for other units drop the MV2;<unit>; prefix, or convert in the selector with :toUnit(<from>,<to>)';

/** The unit of `MV2;<unit>;`, if dynatrace-service knew it; a near miss gets a "did you mean". */
function checkMv2Unit(written: string): string {
  const unit = written.trim();
  if (MV2_UNITS.some(([pattern]) => pattern.test(unit))) return unit;
  // At most two edits: MilliSecond is a unit of its own, not a misspelt MicroSecond.
  const near = ['MicroSecond', 'Byte'].find(
    (known) => editDistance(unit.toLowerCase(), known.toLowerCase()) <= 2,
  );
  // dynatrace-service failed only this SLI ("error parsing MV2 query: invalid unit").
  throw new DynatraceQuerySyntaxError(
    `MV2 unit "${unit}" is not one Keptn knows (MicroSecond, Byte)` +
      (near === undefined ? '' : `; did you mean "${near}"?`),
    near === undefined ? MV2_UNIT_HINT : `write MV2;${near};<query>; ${MV2_UNIT_HINT}`,
    true,
  );
}

function parseMetricsParams(text: string): MetricsParams {
  const pairs = parsePairs(text, METRICS_KEYS, METRICS_HINT);
  const metricSelector = pairs.metricSelector;
  if (metricSelector === undefined || metricSelector === '')
    throw new DynatraceQuerySyntaxError('the query has no metricSelector', METRICS_HINT);
  return { ...pairs, metricSelector };
}

const DQL_HINT =
  'write DQL;<a query that yields one record with one number>, ' +
  'e.g. DQL;timeseries rt = avg(dt.service.request.response_time) | fields value = arrayAvg(rt)';

function parseDql(text: string): string {
  const query = text.trim();
  if (query === '') throw new DynatraceQuerySyntaxError('DQL; is not followed by a query', DQL_HINT);
  return query;
}

function parseProblemParams(text: string): { problemSelector?: string; entitySelector?: string } {
  const trimmed = text.trim();
  // `PV2;status("open")` is a bare problem selector; `PV2;problemSelector=...&entitySelector=...` the Keptn form.
  if (!/^(problemSelector|entitySelector)=/.test(trimmed))
    return trimmed === '' ? {} : { problemSelector: trimmed };
  return parsePairs(trimmed, PROBLEM_KEYS, 'write PV2;problemSelector=status("open")&entitySelector=...');
}

/** `a=b&c=d`, each part split on its first `=` (selectors may contain `=`). */
function parsePairs<K extends string>(
  text: string,
  keys: readonly K[],
  hint: string,
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const part of text.split('&')) {
    if (part.trim() === '') continue;
    const at = part.indexOf('=');
    if (at <= 0) throw new DynatraceQuerySyntaxError(`"${part}" is not key=value`, hint);
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (IGNORED_KEYS.includes(key)) continue;
    if (!(keys as readonly string[]).includes(key))
      throw new DynatraceQuerySyntaxError(
        `unknown query parameter "${key}" (known: ${keys.join(', ')})`,
        hint,
      );
    if (out[key as K] !== undefined)
      throw new DynatraceQuerySyntaxError(`query parameter "${key}" is given twice`, hint);
    out[key as K] = value;
  }
  return out;
}

/** The factor dynatrace-service's `MV2;<unit>;` applies: µs → ms, bytes → KiB (parsing refuses other units). */
export function unitDivisor(unit: string | undefined): number {
  if (unit === undefined) return 1;
  return MV2_UNITS.find(([pattern]) => pattern.test(unit))?.[1] ?? 1;
}

/** Values a query's placeholders are replaced with. */
export interface PlaceholderValues {
  project: string;
  stage: string;
  service: string;
  labels: Readonly<Record<string, string>>;
  filter: Readonly<Record<string, string>>;
  env: Readonly<Record<string, string | undefined>>;
  /** The stage run the evaluation belongs to, if any: `$CONTEXT`, `$TESTSTRATEGY`. */
  run?: { id: string; testStrategy?: string };
}

/** `$SOURCE`: Keptn put the triggering event's source there; here it is always ci-connect. */
export const PLACEHOLDER_SOURCE = 'ci-connect';

/**
 * Keptn's substitution (dynatrace-service `common.go` ReplaceKeptnPlaceholders): plain
 * replace-all, no escaping, in this order: SLO filter keys (`$key` and `$KEY`, quotes stripped),
 * `$CONTEXT` (the stage run's id), `$EVENT` (empty: Keptn's get-sli had none either), `$SOURCE`
 * (`ci-connect`), `$PROJECT`, `$STAGE`, `$SERVICE`, `$DEPLOYMENT` (the label `deployment`, else
 * empty, as Keptn), `$TESTSTRATEGY` (the stage run's test task, else empty), `$LABEL.<key>`,
 * `$ENV.<NAME>`. An unset `$ENV.X` is left as written.
 */
export function substitutePlaceholders(text: string, values: PlaceholderValues): string {
  let out = text;
  for (const [key, raw] of Object.entries(values.filter)) {
    const value = raw.replace(/["']/g, '');
    out = out.split(`$${key}`).join(value).split(`$${key.toUpperCase()}`).join(value);
  }
  const keptn: readonly [string, string][] = [
    ['$CONTEXT', values.run?.id ?? ''],
    ['$EVENT', ''],
    ['$SOURCE', PLACEHOLDER_SOURCE],
    ['$PROJECT', values.project],
    ['$STAGE', values.stage],
    ['$SERVICE', values.service],
    ['$DEPLOYMENT', values.labels['deployment'] ?? ''],
    ['$TESTSTRATEGY', values.run?.testStrategy ?? ''],
  ];
  for (const [placeholder, value] of keptn) out = out.split(placeholder).join(value);
  for (const [key, value] of Object.entries(values.labels)) out = out.split(`$LABEL.${key}`).join(value);
  return out.replace(/\$ENV\.([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name: string) => values.env[name] ?? whole);
}

/** A parsed query with its placeholders replaced in every value. */
export function substituteQuery(query: DynatraceQuery, values: PlaceholderValues): DynatraceQuery {
  const sub = (text: string) => substitutePlaceholders(text, values);
  switch (query.kind) {
    case 'slo':
      return { ...query, id: sub(query.id) };
    case 'metrics':
      return { ...query, params: mapValues(query.params, sub) };
    case 'problems':
      return { ...query, params: mapValues(query.params, sub) };
    case 'security-problems':
      return { ...query, params: mapValues(query.params, sub) };
    case 'usql':
      return {
        ...query,
        usql: { ...query.usql, dimension: sub(query.usql.dimension), query: sub(query.usql.query) },
      };
    case 'dql':
      return { ...query, query: sub(query.query) };
  }
}

function mapValues<T extends object>(record: T, fn: (value: string) => string): T {
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [key, typeof value === 'string' ? fn(value) : value]),
  ) as T;
}
