/**
 * Keptn dynatrace-service's built-in indicators, used when no `sli/dynatrace.yaml` exists: the
 * same metric selectors and entity selector as its defaults (keptn-contrib/dynatrace-service,
 * getDefaultQuery). Placeholders are filled in as for a file's queries.
 */

const SERVICE_ENTITY =
  'type(SERVICE),tag(keptn_project:$PROJECT),tag(keptn_stage:$STAGE),' +
  'tag(keptn_service:$SERVICE),tag(keptn_deployment:$DEPLOYMENT)';

const query = (metricSelector: string): string =>
  `metricSelector=${metricSelector}&entitySelector=${SERVICE_ENTITY}`;

const responseTime = (percentile: number): string =>
  query(`builtin:service.response.time:merge("dt.entity.service"):percentile(${percentile})`);

/** Keptn's default Dynatrace indicators: name → query, as a `sli/dynatrace.yaml` would write it. */
export const DYNATRACE_DEFAULT_INDICATORS: Readonly<Record<string, string>> = {
  throughput: query('builtin:service.requestCount.total:merge("dt.entity.service"):sum'),
  error_rate: query('builtin:service.errors.total.rate:merge("dt.entity.service"):avg'),
  response_time_p50: responseTime(50),
  response_time_p90: responseTime(90),
  response_time_p95: responseTime(95),
};
