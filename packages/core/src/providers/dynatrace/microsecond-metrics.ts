/**
 * Dynatrace built-in metrics whose values are in microseconds (their descriptors' `unit` is
 * `MicroSecond`): the service timing metrics, offline, so that `validate` can warn when an SLO
 * target written in milliseconds, as Keptn users wrote them for dynatrace-sli-service (which divided
 * `builtin:service.response.time` by 1000), meets one of them unconverted.
 * https://docs.dynatrace.com/docs/analyze-explore-automate/metrics-classic/built-in-metrics
 */

import type { TargetChecker } from '../../config/target-units.js';
import { parseDynatraceQuery } from './dynatrace-query.js';

const SERVICE_TIMINGS = [
  'response.time',
  'response.server',
  'response.client',
  'cpu.time',
  'cpu.perRequest',
  'dbChildCallTime',
  'nonDbChildCallTime',
  'ioTime',
  'lockTime',
  'waitTime',
  'totalProcessingTime',
];

/** The metric keys, `builtin:service.*` and their `builtin:service.keyRequest.*` twins. */
export const MICROSECOND_METRICS: readonly string[] = SERVICE_TIMINGS.flatMap((name) => [
  `builtin:service.${name}`,
  `builtin:service.keyRequest.${name}`,
]);

/** Below this, a fixed target against a microsecond metric looks like milliseconds (10 000 µs is 10 ms). */
export const MILLISECOND_LOOKING_LIMIT = 10_000;

/** The microsecond metric a metrics query reads unconverted (no `MV2;MicroSecond;`, no `:toUnit`, no `:count`). */
export function unconvertedMicrosecondMetric(query: string): string | undefined {
  let parsed;
  try {
    parsed = parseDynatraceQuery(query);
  } catch {
    return undefined; // the query check reports it
  }
  if (parsed.kind !== 'metrics' || parsed.unit !== undefined) return undefined;
  const selector = parsed.params.metricSelector;
  if (/:toUnit\(/i.test(selector)) return undefined;
  // `:count` answers how many requests were timed, not a time.
  if (/:count(?!\w)/.test(selector)) return undefined;
  return MICROSECOND_METRICS.find((key) =>
    new RegExp(`(^|[^\\w.:])${key.replace(/\./g, '\\.')}(?![\\w.])`).test(selector),
  );
}

/** The registry's `checkTarget`: a target under 10 000 against an unconverted microsecond metric. */
export const checkDynatraceTarget: TargetChecker = (query, target) => {
  const metric = unconvertedMicrosecondMetric(query);
  if (metric === undefined || target <= 0 || target >= MILLISECOND_LOOKING_LIMIT) return undefined;
  return {
    message:
      `the target looks like milliseconds, but ${metric} is in microseconds and ci-connect compares it ` +
      `as Dynatrace answers it (as Keptn's dynatrace-service did from 0.24.0 on): ${target} µs is ${target / 1000} ms`,
    hint:
      'convert the query to milliseconds: prefix it with MV2;MicroSecond; or add :toUnit(MicroSecond,MilliSecond) ' +
      `to the metricSelector; or write the target in microseconds (${target * 1000})`,
  };
};
