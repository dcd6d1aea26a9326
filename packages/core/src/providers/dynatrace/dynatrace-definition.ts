/** The `dynatrace` entry of the SLI provider registry (providers/registry.ts). */
import type { SliProviderDefinition } from '../provider-definition.js';
import { sliQueriesOf } from '../sli-queries.js';
import { checkDynatrace } from './dynatrace-doctor-check.js';
import { DynatraceProvider } from './dynatrace-provider.js';
import { checkDynatraceQuery } from './check-query.js';
import { checkDynatraceTarget } from './microsecond-metrics.js';
import { DYNATRACE_DEFAULT_INDICATORS } from './default-queries.js';
import { dynatraceEnvNames, dynatraceSettings, dynatraceSettingsOf } from './dynatrace-settings.js';

/** Registry entry: `sli/dynatrace.yaml` queries; without that file, Keptn's default indicators. */
export const dynatraceDefinition: SliProviderDefinition = {
  name: 'dynatrace',
  settings: dynatraceSettings,
  // Ingested data lags by minutes (Keptn waited 120 s).
  settles: true,
  doctorCheck: checkDynatrace,
  docs: 'monitoring.md#dynatrace',
  builtInIndicators: Object.keys(DYNATRACE_DEFAULT_INDICATORS),
  checkQuery: checkDynatraceQuery,
  checkTarget: checkDynatraceTarget,
  // Keptn's defaults only where a Dynatrace environment is configured.
  offersBuiltIns: ({ settings, env }) => {
    const own = dynatraceSettingsOf(settings);
    return own?.url !== undefined || (env[dynatraceEnvNames(own).urlEnv] ?? '').trim() !== '';
  },
  create: ({ sliFile, settings, env, redactor, clock, logger, caFile }) =>
    new DynatraceProvider({
      ...sliQueriesOf(sliFile),
      ...(caFile === undefined ? {} : { caFile }),
      settings: dynatraceSettingsOf(settings),
      env,
      redactor,
      clock,
      logger,
    }),
};
