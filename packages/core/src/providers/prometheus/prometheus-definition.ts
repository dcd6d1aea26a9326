/** The `prometheus` entry of the SLI provider registry (providers/registry.ts). */
import { settingsOf } from '../../config/provider-settings.js';
import type { SliProviderDefinition } from '../provider-definition.js';
import { PROMETHEUS_DEFAULT_INDICATOR_NAMES } from './default-queries.js';
import { sliQueriesOf } from '../sli-queries.js';
import { checkPrometheus } from './prometheus-doctor-check.js';
import { PrometheusProvider } from './prometheus-provider.js';
import { prometheusEnvNames, prometheusSettings } from './prometheus-settings.js';

/** Keptn prometheus-service compatible SLIs: `sli/prometheus.yaml` queries are PromQL. */
export const prometheusDefinition: SliProviderDefinition = {
  name: 'prometheus',
  settings: prometheusSettings,
  // Scraped samples are queryable at once.
  settles: false,
  doctorCheck: checkPrometheus,
  docs: 'monitoring.md#prometheus',
  builtInIndicators: PROMETHEUS_DEFAULT_INDICATOR_NAMES,
  checkQuery: (query) =>
    query.trim() === ''
      ? {
          message: 'the query is empty',
          hint: 'write a PromQL expression, e.g. sum(rate(http_requests_total[$DURATION_SECONDS]))',
        }
      : undefined,
  // Keptn's default queries only where a Prometheus server is configured.
  offersBuiltIns: ({ settings, env }) => {
    const own = settingsOf(settings, prometheusSettings);
    return own?.url !== undefined || (env[prometheusEnvNames(own).urlEnv] ?? '') !== '';
  },
  create: ({ sliFile, settings, env, redactor, logger, caFile }) => {
    const own = settingsOf(settings, prometheusSettings);
    return new PrometheusProvider({
      ...(own === undefined ? {} : { settings: own }),
      env,
      redactor,
      logger,
      ...sliQueriesOf(sliFile),
      ...(caFile === undefined ? {} : { http: { caFile } }),
    });
  },
};
