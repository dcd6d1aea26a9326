/** The `dynatrace` SLI provider's public API and its registry entry. */
export { dynatraceDefinition } from './dynatrace-definition.js';
export type { DynatraceSettings } from './dynatrace-settings.js';

export { DynatraceProvider, DEFAULT_SETTLE_SECONDS } from './dynatrace-provider.js';
export type { DynatraceProviderOptions } from './dynatrace-provider.js';
export { DynatraceApi, authorizationHeader, resolveEndpoint } from './dynatrace-api.js';
export type { DynatraceApiOptions, DynatraceEndpoint } from './dynatrace-api.js';
export type { QueryOutcome } from './query-outcome.js';
export { isClassicToken, requirePlatform, resolveRoutes } from './environment-urls.js';
export type { DynatraceRoutes } from './environment-urls.js';
export { describeGrailError, reduceDqlResult } from './dql-result.js';
export type { DqlReduction } from './dql-result.js';
export { runGrailQuery } from './grail-query.js';
export type { GrailOutcome, GrailQueryOptions } from './grail-query.js';
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
