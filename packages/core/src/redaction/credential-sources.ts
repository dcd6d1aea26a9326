/**
 * Where credentials enter the process, registered there with the Redactor (DESIGN.md section 9):
 * the environment (the default token variables, any variable whose name says it holds a secret,
 * the user-info of any URL, proxy settings included) and the variables ci-connect.yaml names.
 * A provider that is not loaded for a run still has its secrets masked, so a `$ENV.<VAR>` pulled
 * into some other query, or a proxy echoing its credentials, cannot leak them.
 */

import { createRedactor, decodeSafely, type Redactor } from './redaction.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Names, separated by commas or spaces, of more env vars whose values are secrets (docs/security.md). */
const EXTRA_SECRET_VARS = 'CI_CONNECT_SECRET_VARS';

/** The variables DESIGN.md section 4 reads secrets from by default (contract). */
export const DEFAULT_SECRET_ENV_VARS = [
  'DT_API_TOKEN',
  'PROMETHEUS_TOKEN',
  'PROMETHEUS_PASSWORD',
  'PGPASSWORD',
] as const;

// *TOKEN*, *PASSWORD*, *SECRET*, *_KEY (and a few spellings of the same), in any case. `_PWD`
// needs its underscore: the shell's PWD and OLDPWD are the working directory, not a password.
const SECRET_NAME = /token|passw(or)?d|_pwd$|secret|credential|_key$|^key$/i;
// Values such names hold that are settings, not secrets: masking them would garble output.
const SETTING_VALUE =
  /^(true|false|yes|no|on|off|none|null|enabled|disabled|\d{1,9}|[A-Z][A-Z0-9]*(_[A-Z0-9]+)+)$/;
// A path (a key file's location) or a URL (ACTIONS_ID_TOKEN_REQUEST_URL) is no secret as such;
// the user-info of a URL is registered on its own.
const PATH_OR_URL = /^(\/|~\/|\.{1,2}\/|[A-Za-z]:\\)|^[a-z][a-z0-9+.-]*:\/\//i;
const MIN_GUESSED_SECRET = 8;
// A user name alone in a URL (https://TOKEN@host) is a token when it is this long.
const MIN_TOKEN_USER = 16;
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/** A Redactor that already knows every credential in `env` (the front end's process environment). */
export function createProcessRedactor(env: Env): Redactor {
  const redactor = createRedactor();
  registerEnvironmentSecrets(redactor, env);
  return redactor;
}

/** Registers the secrets an environment holds: the default variables, the extra ones, any named like one. */
function registerEnvironmentSecrets(redactor: Redactor, env: Env): void {
  const known = new Set<string>(DEFAULT_SECRET_ENV_VARS);
  for (const name of (env[EXTRA_SECRET_VARS] ?? '').split(/[\s,]+/)) if (name !== '') known.add(name);
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.trim() === '') continue;
    if (known.has(name) || (SECRET_NAME.test(name) && looksLikeSecret(value)))
      registerSecret(redactor, value);
    else registerUrlsIn(redactor, value);
  }
  registerBasicPair(redactor, env, 'PROMETHEUS_USER', 'PROMETHEUS_PASSWORD');
}

/** Env vars a configuration names: holding secrets, endpoint URLs, and user/password pairs. */
export interface SecretEnvNames {
  secrets: readonly string[];
  urls: readonly string[];
  basicPairs: readonly (readonly [user: string, password: string])[];
}

/** Registers the secrets of the env vars a configuration names (ci-connect.yaml's tokenEnv, ...). */
export function registerNamedSecrets(redactor: Redactor, env: Env, names: SecretEnvNames): void {
  for (const name of names.secrets) registerSecret(redactor, env[name]);
  for (const name of names.urls) registerUrlsIn(redactor, env[name] ?? '');
  for (const [user, password] of names.basicPairs) registerBasicPair(redactor, env, user, password);
}

/** A value known to be secret, whatever it looks like, and any URL user-info in it. */
function registerSecret(redactor: Redactor, value: string | undefined): void {
  if (value === undefined || value.trim() === '') return;
  redactor.add(value, value.trim());
  registerUrlsIn(redactor, value);
}

/** Registers the user-info of every URL in a text (a proxy URL, an endpoint, a database URL). */
export function registerUrlsIn(redactor: Redactor, text: string): void {
  if (!text.includes('://')) return;
  for (const [candidate] of text.matchAll(URL_IN_TEXT)) {
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      continue;
    }
    if (url.password !== '') redactor.addBasicCredentials(url.username, url.password);
    else if (url.username.length >= MIN_TOKEN_USER) redactor.add(url.username, decodeSafely(url.username));
  }
}

function registerBasicPair(redactor: Redactor, env: Env, userEnv: string, passwordEnv: string): void {
  const user = env[userEnv];
  const password = env[passwordEnv];
  if (user !== undefined && password !== undefined && password !== '')
    redactor.addBasicCredentials(user, password);
}

function looksLikeSecret(value: string): boolean {
  const text = value.trim();
  return text.length >= MIN_GUESSED_SECRET && !SETTING_VALUE.test(text) && !PATH_OR_URL.test(text);
}
