/**
 * Where a `postgres://` history lives and how to reach it, from the URL and the libpq
 * environment variables (https://www.postgresql.org/docs/current/libpq-envars.html), resolved
 * here rather than by node-postgres, which reads `process.env` itself and treats every sslmode
 * but `disable` as `verify-full`. Pure: no file is read and nothing connects.
 */

import { ConfigError } from '../../errors.js';

/** libpq's sslmode values (https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION). */
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** Everything a connection needs, resolved; the password only when one was given. */
export interface PostgresSettings {
  /** A host name or address, or the directory of a Unix socket (starts with "/"). */
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  /** Where the password came from, for hints: "the URL" or "PGPASSWORD". */
  passwordSource?: string;
  sslMode: SslMode;
  /** Where sslmode came from, for hints. */
  sslModeSource: string;
  /** A PEM file of the CAs to trust (`sslrootcert`, PGSSLROOTCERT); `system` means Node's roots. */
  sslRootCert?: string;
  connectTimeoutMs: number;
  applicationName: string;
  /** Server options sent at start-up, e.g. `-c search_path=ci` (`options`, PGOPTIONS). */
  options?: string;
  /** The URL without credentials, for messages. */
  location: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** libpq's connect_timeout is in seconds; 10 s keeps a job with a dead database short. */
const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
const PARAMETERS = [
  'host',
  'port',
  'dbname',
  'user',
  'password',
  'sslmode',
  'sslrootcert',
  'connect_timeout',
  'application_name',
  'options',
] as const;
type Parameter = (typeof PARAMETERS)[number];

const HINT =
  'write e.g. --history postgres://ci@db.example.com:5432/ci_history?sslmode=verify-full (password in PGPASSWORD)';

/** Resolves a `postgres://` or `postgresql://` URL with the environment's PG* variables. */
export function resolvePostgresSettings(url: string, env: Env): PostgresSettings {
  const parsed = parseUrl(url);
  const params = readParameters(parsed);
  const fromUrl = (name: Parameter, inUrl: string): string | undefined =>
    nonEmpty(inUrl) ?? nonEmpty(params.get(name));
  const host =
    fromUrl('host', decode(parsed.hostname).replace(/^\[(.*)\]$/, '$1')) ??
    nonEmpty(env.PGHOST) ??
    'localhost';
  const port = readPort(fromUrl('port', parsed.port) ?? nonEmpty(env.PGPORT));
  const user = fromUrl('user', decode(parsed.username)) ?? nonEmpty(env.PGUSER) ?? nonEmpty(env.USER);
  if (user === undefined) {
    throw new ConfigError(`the history URL ${locationOf(parsed, host, port, '')} names no user`, {
      hint: 'name it in the URL (postgres://<user>@host/db) or set PGUSER',
    });
  }
  const database =
    fromUrl('dbname', decode(parsed.pathname.replace(/^\//, ''))) ?? nonEmpty(env.PGDATABASE) ?? user;
  const password = readPassword(parsed, params, env);
  const sslModeSource = params.has('sslmode') ? 'sslmode in the URL' : 'PGSSLMODE';
  const requestedMode = nonEmpty(params.get('sslmode')) ?? nonEmpty(env.PGSSLMODE);
  const rootCert = nonEmpty(params.get('sslrootcert')) ?? nonEmpty(env.PGSSLROOTCERT);
  const options = nonEmpty(params.get('options')) ?? nonEmpty(env.PGOPTIONS);
  return {
    host,
    port,
    database,
    user,
    ...password,
    // A Unix socket is local: libpq does not encrypt it either.
    sslMode: host.startsWith('/') ? 'disable' : readSslMode(requestedMode, sslModeSource),
    sslModeSource: requestedMode === undefined ? 'the default' : sslModeSource,
    ...(rootCert === undefined ? {} : { sslRootCert: rootCert }),
    connectTimeoutMs: readTimeout(nonEmpty(params.get('connect_timeout')) ?? nonEmpty(env.PGCONNECT_TIMEOUT)),
    applicationName: nonEmpty(params.get('application_name')) ?? nonEmpty(env.PGAPPNAME) ?? 'ci-connect',
    ...(options === undefined ? {} : { options }),
    location: locationOf(parsed, host, port, database),
  };
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    // The URL may hold a password: the message never repeats it.
    throw new ConfigError('the history URL is not a valid postgres:// URL', { hint: HINT });
  }
}

function readParameters(url: URL): Map<Parameter, string> {
  const params = new Map<Parameter, string>();
  for (const [name, value] of url.searchParams) {
    if (!(PARAMETERS as readonly string[]).includes(name)) {
      throw new ConfigError(`the history URL has the parameter "${name}", which ci-connect does not know`, {
        hint: `use only ${PARAMETERS.join(', ')}`,
      });
    }
    params.set(name as Parameter, value);
  }
  return params;
}

function readPassword(
  url: URL,
  params: ReadonlyMap<Parameter, string>,
  env: Env,
): Pick<PostgresSettings, 'password' | 'passwordSource'> {
  const inUrl = nonEmpty(decode(url.password)) ?? nonEmpty(params.get('password'));
  if (inUrl !== undefined) return { password: inUrl, passwordSource: 'the URL' };
  const fromEnv = nonEmpty(env.PGPASSWORD);
  return fromEnv === undefined ? {} : { password: fromEnv, passwordSource: 'PGPASSWORD' };
}

function readSslMode(value: string | undefined, source: string): SslMode {
  if (value === undefined) return 'prefer';
  if ((SSL_MODES as readonly string[]).includes(value)) return value as SslMode;
  throw new ConfigError(`${source} is "${value}", which is no sslmode`, {
    hint: `write one of ${SSL_MODES.join(', ')} (libpq's values)`,
  });
}

function readPort(value: string | undefined): number {
  if (value === undefined) return 5432;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConfigError(`the history's port "${value}" is not a port number`, { hint: HINT });
  return port;
}

function readTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CONNECT_TIMEOUT_SECONDS * 1000;
  const seconds = Number(value);
  // libpq: zero, negative or absent means wait forever; ci-connect never waits forever.
  if (!Number.isFinite(seconds))
    throw new ConfigError(`connect_timeout "${value}" is not a number of seconds`, {
      hint: 'write e.g. connect_timeout=10 in the URL, or set PGCONNECT_TIMEOUT=10',
    });
  return (seconds <= 0 ? DEFAULT_CONNECT_TIMEOUT_SECONDS : Math.max(2, seconds)) * 1000;
}

/** `postgres://host:5432/db`: no user, no password, no parameters. */
function locationOf(url: URL, host: string, port: number, database: string): string {
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  const path = encodeURIComponent(database);
  if (host.startsWith('/')) return `${scheme}:///${path}?host=${host}&port=${port}`;
  return `${scheme}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}/${path}`;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
