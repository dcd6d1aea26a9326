/**
 * ci-connect.yaml `providers.dynatrace`: the environment and the env vars holding its URL and
 * token (DESIGN.md section 4: DT_URL and DT_API_TOKEN). Dynatrace events are sent to the same
 * environment with the same token.
 */

import {
  CONCURRENCY_SCHEMA,
  TIMEOUT_SECONDS_SCHEMA,
  envNamesOf,
  readEndpointSettings,
  settingsOf,
} from '../../config/provider-settings.js';
import type { ProviderSettingsDefinition, ProviderSettingsMap } from '../../config/provider-settings.js';

export interface DynatraceSettings {
  url?: string;
  urlEnv?: string;
  tokenEnv?: string;
  timeoutSeconds?: number;
  concurrency?: number;
  /** Seconds to wait after the window's end before querying (Dynatrace data lags). */
  settleSeconds?: number;
}

/** The env vars Dynatrace's settings fall back to (contract). */
const ENV_DEFAULTS = { urlEnv: 'DT_URL', tokenEnv: 'DT_API_TOKEN' } as const;

/** The env vars the settings name, defaults where they name none. */
export function dynatraceEnvNames(
  settings: DynatraceSettings | undefined,
): Record<keyof typeof ENV_DEFAULTS, string> {
  return envNamesOf(ENV_DEFAULTS, settings);
}

export const dynatraceSettings: ProviderSettingsDefinition<DynatraceSettings> = {
  key: 'dynatrace',
  schema: {
    type: ['object', 'null'],
    description: 'Dynatrace. Defaults: URL from DT_URL, API token from DT_API_TOKEN.',
    properties: {
      url: {
        $ref: '#/definitions/url',
        description: 'The environment URL, e.g. https://abc12345.live.dynatrace.com.',
      },
      urlEnv: {
        $ref: '#/definitions/envName',
        description: 'The env var holding the URL. Default: DT_URL.',
      },
      tokenEnv: {
        $ref: '#/definitions/envName',
        description: 'The env var holding the API token. Default: DT_API_TOKEN.',
      },
      timeoutSeconds: TIMEOUT_SECONDS_SCHEMA,
      settleSeconds: {
        type: 'integer',
        minimum: 0,
        maximum: 3600,
        description:
          "Dynatrace data lags: wait this long after the window's end before querying. Default: 120, Keptn's value (360 when a USQL; query is among the SLIs, as Keptn waited for user sessions); --settle overrides.",
      },
      concurrency: CONCURRENCY_SCHEMA,
    },
    additionalProperties: false,
  },
  envDefaults: ENV_DEFAULTS,
  read: (data, report) =>
    readEndpointSettings<DynatraceSettings>(
      data,
      { strings: ['url', 'urlEnv', 'tokenEnv'], numbers: ['timeoutSeconds', 'concurrency', 'settleSeconds'] },
      report,
    ),
  secretEnvNames: (settings) => ({
    // The default token variable is registered with every process's redactor.
    secrets: settings?.tokenEnv === undefined ? [] : [settings.tokenEnv],
    urls: [dynatraceEnvNames(settings).urlEnv],
    basicPairs: [],
  }),
};

/** ci-connect.yaml's `providers.dynatrace`, for the provider and the events sent to that environment. */
export function dynatraceSettingsOf(providers: ProviderSettingsMap): DynatraceSettings | undefined {
  return settingsOf(providers, dynatraceSettings);
}
