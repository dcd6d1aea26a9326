/** The `dynatrace` SLI provider's public API and its registry entry. */
export { dynatraceDefinition } from './dynatrace-definition.js';

export { DynatraceProvider, DEFAULT_SETTLE_SECONDS } from './dynatrace-provider.js';
export type { DynatraceProviderOptions } from './dynatrace-provider.js';
export { DynatraceApi, authorizationHeader, resolveEndpoint } from './dynatrace-api.js';
export type { DynatraceEndpoint, QueryOutcome } from './dynatrace-api.js';
export {
  DynatraceQuerySyntaxError,
  parseDynatraceQuery,
  substitutePlaceholders,
  substituteQuery,
  unitDivisor,
} from './dynatrace-query.js';
export type { DynatraceQuery, MetricsParams, PlaceholderValues } from './dynatrace-query.js';
export { reduceMetricData } from './metric-data.js';
export type { MetricReduction } from './metric-data.js';
