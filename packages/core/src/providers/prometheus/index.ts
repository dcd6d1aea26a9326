/** The `prometheus` SLI provider's public API and its registry entry. */
export { prometheusDefinition } from './prometheus-definition.js';
export { PrometheusProvider } from './prometheus-provider.js';
export type { PrometheusProviderOptions } from './prometheus-provider.js';
