/** The `dynatrace` entry of the SLI provider registry (providers/registry.ts). */
import type { SliProviderDefinition } from '../provider-definition.js';
import { sliQueriesOf } from '../sli-queries.js';
import { checkDynatrace } from './dynatrace-doctor-check.js';
import { DynatraceProvider } from './dynatrace-provider.js';
import { DynatraceQuerySyntaxError, parseDynatraceQuery } from './dynatrace-query.js';
import { dynatraceSettings, dynatraceSettingsOf } from './dynatrace-settings.js';

/** Registry entry: `sli/dynatrace.yaml` queries, no built-in indicators. */
export const dynatraceDefinition: SliProviderDefinition = {
  name: 'dynatrace',
  settings: dynatraceSettings,
  // Ingested data lags by minutes (Keptn waited 120 s).
  settles: true,
  doctorCheck: checkDynatrace,
  docs: 'monitoring.md#dynatrace',
  builtInIndicators: [],
  checkQuery: (query) => {
    try {
      parseDynatraceQuery(query);
      return undefined;
    } catch (error) {
      if (error instanceof DynatraceQuerySyntaxError) return { message: error.message, hint: error.hint };
      throw error;
    }
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
