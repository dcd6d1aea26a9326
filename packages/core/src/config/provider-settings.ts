/**
 * What loading ci-connect.yaml needs to know of one SLI provider's `providers.<key>` settings.
 * Each provider's folder defines one and its registry entry carries it; config/ imports no
 * provider (architecture.test.ts), so whoever loads the file passes the registry's list in
 * (`PROVIDER_SETTINGS`, providers/registry.ts).
 */

import type { SecretEnvNames } from '../redaction/credential-sources.js';
import type { DocPath } from './yaml-nodes.js';

/** ci-connect.yaml `providers:` once loaded: each provider's settings by its key (absent if the file has none). */
export type ProviderSettingsMap = Readonly<Record<string, object>>;

/** Reports a problem the schema cannot see, at a path below `providers.<key>`. */
export type SettingsProblemReporter = (path: DocPath, message: string, hint: string) => void;

/** One provider's settings: the JSON Schema of its key, how to read it, the env vars it falls back to. */
export interface ProviderSettingsDefinition<S extends object = object> {
  /** Its key under `providers:` (the provider's name). */
  readonly key: string;
  /**
   * The JSON Schema of its settings, exactly as schemas/ci-connect.schema.json holds it at
   * `providers.<key>` (registries.test.ts keeps the two equal; the file is what editors and the
   * compiled validator read).
   */
  readonly schema: Readonly<Record<string, unknown>>;
  /** The env var each `...Env` setting defaults to, e.g. `{ urlEnv: 'PROMETHEUS_URL' }`. */
  readonly envDefaults: Readonly<Record<string, string>>;
  /** Typed settings from the schema-checked value, reporting what the schema cannot check. */
  read(data: Readonly<Record<string, unknown>>, report: SettingsProblemReporter): S;
  /** The env vars holding its credentials and endpoints, to register with the Redactor as they enter. */
  secretEnvNames(settings: S | undefined): SecretEnvNames;
}

/** One provider's settings, typed by its definition; undefined when ci-connect.yaml has none. */
export function settingsOf<S extends object>(
  providers: ProviderSettingsMap,
  definition: ProviderSettingsDefinition<S>,
): S | undefined {
  // The map holds what this definition's `read` returned (loadProjectConfig), or nothing.
  return providers[definition.key] as S | undefined;
}

/** The env var each `...Env` setting names: the configured one, else its default. */
export function envNamesOf<K extends string>(
  defaults: Readonly<Record<K, string>>,
  settings: Readonly<Partial<Record<NoInfer<K>, unknown>>> | undefined,
): Record<K, string> {
  const names: Record<K, string> = { ...defaults };
  for (const key of Object.keys(defaults) as K[]) {
    const configured = settings?.[key];
    if (typeof configured === 'string') names[key] = configured;
  }
  return names;
}

/** The schema of `timeoutSeconds`, which every HTTP endpoint's settings take. */
export const TIMEOUT_SECONDS_SCHEMA = {
  $ref: '#/definitions/timeout',
  description: 'How long one request may take, in seconds. Default: 30.',
} as const;

/** The schema of `concurrency`, how many SLI queries a provider runs at once. */
export const CONCURRENCY_SCHEMA = {
  type: 'integer',
  minimum: 1,
  maximum: 32,
  description: 'How many SLI queries run at once. Default: 4.',
} as const;

/** Which keys `readEndpointSettings` reads, by the type of their value. */
export interface EndpointSettingKeys<S> {
  strings: readonly (keyof S & string)[];
  numbers: readonly (keyof S & string)[];
}

/**
 * Reads the string and number keys of an HTTP endpoint's settings (the schema checked their
 * types). A `url` that starts like one but does not parse is reported here: the schema's pattern
 * only checks its start.
 */
export function readEndpointSettings<S extends object>(
  data: Readonly<Record<string, unknown>>,
  keys: EndpointSettingKeys<S>,
  report: SettingsProblemReporter,
): S {
  const settings: Record<string, string | number> = {};
  for (const key of keys.strings) {
    const value = data[key];
    if (typeof value !== 'string') continue;
    if (key === 'url' && /^https?:\/\//.test(value) && !isHttpUrl(value))
      report([key], 'not a valid http(s) URL', 'write e.g. url: https://prometheus.example.com');
    settings[key] = value;
  }
  for (const key of keys.numbers) {
    const value = data[key];
    if (typeof value === 'number') settings[key] = value;
  }
  return settings as S;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
