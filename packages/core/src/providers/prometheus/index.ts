/** The `prometheus` SLI provider's public API and its registry entry. */
export { prometheusDefinition } from './prometheus-definition.js';
export type { PrometheusSettings } from './prometheus-settings.js';
export { PrometheusProvider } from './prometheus-provider.js';
export type { PrometheusProviderOptions } from './prometheus-provider.js';
export {
  PROMETHEUS_DEFAULT_INDICATORS,
  PROMETHEUS_DEFAULT_INDICATOR_NAMES,
  buildDefaultQuery,
  defaultFilterExpression,
} from './default-queries.js';
export { deploymentOf, durationSeconds, replacePlaceholders } from './placeholders.js';
export { readInstantResult } from './query-result.js';
export type { QueryOutcome } from './query-result.js';
export { resolvePrometheusConnection } from './prometheus-connection.js';
export type { PrometheusConnection } from './prometheus-connection.js';
