/**
 * Keptn's older Dynatrace SLI formats, read as keptn-contrib/dynatrace-service last read them
 * (internal/sli/v1/{metrics,usql,secpv2}): the pre-2020 metrics form `<selector>?scope=<entities>`
 * (or a bare `<selector>`), `USQL;<result type>;<dimension>;<query>` (User sessions API) and
 * `SECPV2;securityProblemSelector=...` (Security problems API v2). What Keptn translated exactly is
 * translated the same way, with a note giving the current form; the rest is refused with it.
 */

import type { MetricsParams } from './query-syntax.js';
import { DynatraceQuerySyntaxError } from './query-syntax.js';

/** How Keptn's USQL queries pick the value: the shape of the Dynatrace tile they came from. */
export type UsqlResultType = 'SINGLE_VALUE' | 'TABLE' | 'COLUMN_CHART' | 'LINE_CHART' | 'PIE_CHART';

const USQL_TYPES: readonly UsqlResultType[] = [
  'SINGLE_VALUE',
  'TABLE',
  'COLUMN_CHART',
  'LINE_CHART',
  'PIE_CHART',
];

const USQL_HINT =
  'write USQL;SINGLE_VALUE;;<query> for a one-cell result, or USQL;<TABLE|COLUMN_CHART|LINE_CHART|PIE_CHART>;<dimension>;<query> ' +
  'to take the row whose first column is <dimension>';

/** A legacy metrics query, translated: the parameters Keptn sent, and the form to write instead. */
export interface LegacyMetrics {
  params: MetricsParams;
  rewritten: string;
}

/**
 * `<selector>?scope=<entities>` or a bare `<selector>`, when `text` is written that way: Keptn
 * sent `metricSelector=<selector>`, `entitySelector=<entities>` (with `,type(SERVICE)` added unless
 * it is there) and `resolution=Inf`. undefined when `text` is not in the legacy form.
 */
export function parseLegacyMetrics(text: string): LegacyMetrics | undefined {
  const at = text.indexOf('?');
  const selector = (at < 0 ? text : text.slice(0, at)).trim();
  // A metric key or a `(...)` expression, with no key=value pair of the current form before `?`.
  if (!/^[A-Za-z(]/.test(selector) || /[=&]/.test(selector)) {
    if (at === 0 && /^\?metricSelector=/.test(text))
      throw new DynatraceQuerySyntaxError(
        'a query starting with "?metricSelector=" is an old dynatrace-sli-service form that dynatrace-service refused',
        `drop the leading "?": write ${text.slice(1)}`,
      );
    return undefined;
  }
  const rest = at < 0 ? '' : text.slice(at + 1).trim();
  if (rest === '') return legacy({ metricSelector: selector, resolution: 'Inf' });
  const scope = /^scope=(.+)$/s.exec(rest)?.[1]?.trim();
  if (scope === undefined || scope === '' || scope.includes('&'))
    throw new DynatraceQuerySyntaxError(
      `"${rest}" after "?" is not the legacy "?scope=<entities>" that Keptn translated`,
      `write ${rewriteOf(selector, rest)}`,
    );
  const entitySelector = scope.includes('type(SERVICE)') ? scope : `${scope},type(SERVICE)`;
  return legacy({ metricSelector: selector, entitySelector, resolution: 'Inf' });
}

function legacy(params: MetricsParams): LegacyMetrics {
  const rewritten = Object.entries(params)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('&');
  return { params, rewritten };
}

/**
 * The current form of `<selector>?<rest>`: `scope` becomes `entitySelector`, other keys stay. An
 * entity selector without `type(...)` or `entityId(...)` gets `,type(SERVICE)`, as Keptn added it:
 * Dynatrace refuses an entity selector without either.
 */
function rewriteOf(selector: string, rest: string): string {
  const parts = rest
    .split('&')
    .filter((part) => part.trim() !== '')
    .map((part) =>
      part
        .replace(/^scope(?:=(.*))?$/s, (_all, scope?: string) => {
          const entities = scope === undefined || scope.trim() === '' ? '<entities>' : scope;
          return `entitySelector=${entities}`;
        })
        .replace(/^entitySelector=(.+)$/s, (all, entities: string) =>
          entities === '<entities>' || /\b(type|entityId)\(/.test(entities) ? all : `${all},type(SERVICE)`,
        ),
    );
  return [`metricSelector=${selector}`, ...parts].join('&');
}

/** A parsed `USQL;` query. */
export interface UsqlQuery {
  resultType: UsqlResultType;
  dimension: string;
  query: string;
}

/** `USQL;<result type>;<dimension>;<query>` (the query may hold `;`); throws DynatraceQuerySyntaxError. */
export function parseUsql(text: string): UsqlQuery {
  const pieces = text.trim().split(';');
  if (pieces.length < 4) throw new DynatraceQuerySyntaxError('USQL; needs 3 fields after it', USQL_HINT);
  const [, type = '', dimension = '', ...rest] = pieces;
  const query = rest.join(';').trim();
  if (type === '') throw new DynatraceQuerySyntaxError('the USQL result type is empty', USQL_HINT);
  if (!(USQL_TYPES as readonly string[]).includes(type))
    throw new DynatraceQuerySyntaxError(
      `unknown USQL result type "${type}" (known: ${USQL_TYPES.join(', ')})`,
      USQL_HINT,
    );
  if (type === 'SINGLE_VALUE' && dimension !== '')
    throw new DynatraceQuerySyntaxError('a SINGLE_VALUE USQL query takes no dimension', USQL_HINT);
  if (type !== 'SINGLE_VALUE' && dimension === '')
    throw new DynatraceQuerySyntaxError(`a ${type} USQL query needs a dimension`, USQL_HINT);
  if (query === '') throw new DynatraceQuerySyntaxError('the USQL query is empty', USQL_HINT);
  return { resultType: type as UsqlResultType, dimension, query };
}

const SECPV2_HINT = 'write SECPV2;securityProblemSelector=status("OPEN"),riskLevel("CRITICAL")';

/** `SECPV2;securityProblemSelector=...` (or nothing after `;`: every security problem). */
export function parseSecurityProblems(text: string): { securityProblemSelector?: string } {
  const rest = text.trim();
  if (rest === '') return {};
  const match = /^securityProblemSelector=(.+)$/s.exec(rest);
  if (match?.[1] === undefined || match[1].trim() === '' || match[1].includes('&'))
    throw new DynatraceQuerySyntaxError(
      `"${rest}" is not securityProblemSelector=<selector> (the only key SECPV2 takes)`,
      SECPV2_HINT,
    );
  return { securityProblemSelector: match[1].trim() };
}
