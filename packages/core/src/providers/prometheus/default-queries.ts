/**
 * Keptn prometheus-service's built-in indicators, built as it builds them (getDefault*Query in
 * keptn-contrib/prometheus-service utils/prometheus/prometheus.go): a label filter of
 * `job='<service>-<project>-<stage>-canary'` unless the SLO filter names a `job`, followed by the
 * SLO's other filters, and the window as a `[<seconds>s]` range.
 */
import type { SliContext } from '../provider.js';
import { durationSeconds, stripQuotes } from './placeholders.js';

type QueryBuilder = (filter: string, range: string) => string;

const latency =
  (percentile: string): QueryBuilder =>
  (f, d) =>
    `histogram_quantile(0.${percentile},sum(rate(http_response_time_milliseconds_bucket{${f}}[${d}]))by(le))`;

const BUILDERS: Readonly<Record<string, QueryBuilder>> = {
  throughput: (f, d) => `sum(rate(http_requests_total{${f}}[${d}]))`,
  error_rate: (f, d) =>
    `sum(rate(http_requests_total{${f},status!~'2..'}[${d}]))/sum(rate(http_requests_total{${f}}[${d}]))`,
  response_time_p50: latency('50'),
  response_time_p90: latency('90'),
  response_time_p95: latency('95'),
};

/** The names of Keptn's default Prometheus indicators. */
export const PROMETHEUS_DEFAULT_INDICATOR_NAMES: readonly string[] = Object.keys(BUILDERS);

/** The defaults as shown to users (`validate`, messages), with placeholders for what a run fills in. */
export const PROMETHEUS_DEFAULT_INDICATORS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(BUILDERS).map(([name, build]) => [
    name,
    build("job='$SERVICE-$PROJECT-$STAGE-canary'", '$DURATION_SECONDS'),
  ]),
);

const OPERATOR = /^(=~|!~|!=|=)/;

/** The label matchers of the default queries, from the SLO filter (Keptn's getDefaultFilterExpression). */
export function defaultFilterExpression(context: SliContext): string {
  const matchers: string[] = [];
  for (const [key, value] of Object.entries(context.filter)) {
    // A value that starts with an operator keeps it ("!=HealthCheck", "=~a|b"); others match exactly.
    if (OPERATOR.test(value)) matchers.push(`${key}${value.replaceAll('"', "'")}`);
    else matchers.push(`${key}='${stripQuotes(value)}'`);
  }
  if (!Object.hasOwn(context.filter, 'job')) {
    matchers.unshift(`job='${context.service}-${context.project}-${context.stage}-canary'`);
  }
  return matchers.join(',');
}

/** The PromQL of a default indicator for this evaluation, or undefined for other names. */
export function buildDefaultQuery(name: string, context: SliContext): string | undefined {
  const build = Object.hasOwn(BUILDERS, name) ? BUILDERS[name] : undefined;
  return build?.(defaultFilterExpression(context), durationSeconds(context.window));
}
