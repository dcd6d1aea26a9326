/** The `prometheus` entry of the SLI provider registry (providers/registry.ts). */
import type { SliProviderDefinition } from '../provider-definition.js';
import { PROMETHEUS_DEFAULT_INDICATOR_NAMES } from './default-queries.js';
import { sliQueriesOf } from '../sli-queries.js';
import { PrometheusProvider } from './prometheus-provider.js';

/** Keptn prometheus-service compatible SLIs: `sli/prometheus.yaml` queries are PromQL. */
export const prometheusDefinition: SliProviderDefinition = {
  name: 'prometheus',
  builtInIndicators: PROMETHEUS_DEFAULT_INDICATOR_NAMES,
  checkQuery: (query) =>
    query.trim() === ''
      ? {
          message: 'the query is empty',
          hint: 'write a PromQL expression, e.g. sum(rate(http_requests_total[$DURATION_SECONDS]))',
        }
      : undefined,
  // Keptn's default queries only where a Prometheus server is configured.
  offersBuiltIns: ({ settings, env }) =>
    settings.prometheus?.url !== undefined ||
    (env[settings.prometheus?.urlEnv ?? 'PROMETHEUS_URL'] ?? '') !== '',
  create: ({ sliFile, settings, env, redactor, logger, caFile }) =>
    new PrometheusProvider({
      ...(settings.prometheus === undefined ? {} : { settings: settings.prometheus }),
      env,
      redactor,
      logger,
      ...sliQueriesOf(sliFile),
      ...(caFile === undefined ? {} : { http: { caFile } }),
    }),
};
