/**
 * ci-connect.yaml `providers.prometheus`: where the server is and which env vars hold its
 * credentials (DESIGN.md section 4: PROMETHEUS_URL with PROMETHEUS_TOKEN or
 * PROMETHEUS_USER/PROMETHEUS_PASSWORD).
 */

import {
  CONCURRENCY_SCHEMA,
  TIMEOUT_SECONDS_SCHEMA,
  envNamesOf,
  readEndpointSettings,
} from '../../config/provider-settings.js';
import type { ProviderSettingsDefinition } from '../../config/provider-settings.js';

export interface PrometheusSettings {
  url?: string;
  urlEnv?: string;
  tokenEnv?: string;
  userEnv?: string;
  passwordEnv?: string;
  timeoutSeconds?: number;
  /** SLI queries at once. */
  concurrency?: number;
}

/** The env vars Prometheus's settings fall back to (contract). */
const ENV_DEFAULTS = {
  urlEnv: 'PROMETHEUS_URL',
  tokenEnv: 'PROMETHEUS_TOKEN',
  userEnv: 'PROMETHEUS_USER',
  passwordEnv: 'PROMETHEUS_PASSWORD',
} as const;

/** The env vars the settings name, defaults where they name none. */
export function prometheusEnvNames(
  settings: PrometheusSettings | undefined,
): Record<keyof typeof ENV_DEFAULTS, string> {
  return envNamesOf(ENV_DEFAULTS, settings);
}

export const prometheusSettings: ProviderSettingsDefinition<PrometheusSettings> = {
  key: 'prometheus',
  schema: {
    type: ['object', 'null'],
    description:
      'Prometheus. Defaults: URL from PROMETHEUS_URL, token from PROMETHEUS_TOKEN or basic auth from PROMETHEUS_USER and PROMETHEUS_PASSWORD.',
    properties: {
      url: {
        $ref: '#/definitions/url',
        description: 'The Prometheus server, e.g. https://prometheus.example.com.',
      },
      urlEnv: {
        $ref: '#/definitions/envName',
        description: 'The env var holding the URL. Default: PROMETHEUS_URL.',
      },
      tokenEnv: {
        $ref: '#/definitions/envName',
        description: 'The env var holding a bearer token. Default: PROMETHEUS_TOKEN.',
      },
      userEnv: {
        $ref: '#/definitions/envName',
        description: 'The env var holding the basic-auth user. Default: PROMETHEUS_USER.',
      },
      passwordEnv: {
        $ref: '#/definitions/envName',
        description: 'The env var holding the basic-auth password. Default: PROMETHEUS_PASSWORD.',
      },
      timeoutSeconds: TIMEOUT_SECONDS_SCHEMA,
      concurrency: CONCURRENCY_SCHEMA,
    },
    additionalProperties: false,
  },
  envDefaults: ENV_DEFAULTS,
  read: (data, report) =>
    readEndpointSettings<PrometheusSettings>(
      data,
      {
        strings: ['url', 'urlEnv', 'tokenEnv', 'userEnv', 'passwordEnv'],
        numbers: ['timeoutSeconds', 'concurrency'],
      },
      report,
    ),
  secretEnvNames: (settings) => {
    const names = prometheusEnvNames(settings);
    return {
      // The default token and password variables are registered with every process's redactor.
      secrets: [settings?.tokenEnv, settings?.passwordEnv].filter((name) => name !== undefined),
      urls: [names.urlEnv],
      basicPairs: [[names.userEnv, names.passwordEnv]],
    };
  },
};
