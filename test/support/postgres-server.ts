// A real PostgreSQL server (Debian's `postgresql` package) for one test file: initdb into a
// temporary directory, started with pg_ctl on a free port of 127.0.0.1 with its Unix socket in that
// directory, a password-protected role for ci-connect and a fresh database per test. As root the
// server runs as the `postgres` user (initdb and postgres refuse root). stop() ends the server
// and removes the directory; call it in afterAll so that a failing test leaves nothing behind.
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { findFreePort } from './free-port.js';
import {
  defineRealComponent,
  findExecutable,
  type Detection,
  type FoundComponent,
} from './real-components.js';

/** Real PostgreSQL, as the tests run it: `bin` is the directory of initdb, pg_ctl and postgres. */
export const postgresql = defineRealComponent({
  name: 'PostgreSQL',
  installHint: 'apt-get install -y postgresql (its server binaries are in /usr/lib/postgresql/<version>/bin)',
  detect: detectPostgres,
});

/** The role ci-connect connects as; its password is meant to be searched for in output. */
export const CI_ROLE = 'ci_gate';
export const CI_PASSWORD = 'pg-Secret-7f3k9Q2x';

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  /** A postgres:// URL of `database` for the ci-connect role; with `password`, in the URL. */
  url(database: string, options?: { password?: string; params?: Record<string, string> }): string;
  /** Creates a fresh, empty database owned by the ci-connect role and returns its name. */
  createDatabase(): Promise<string>;
  /** Runs SQL as the superuser (over the Unix socket), in `database` (default postgres). */
  admin<T extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    values?: unknown[],
    database?: string,
  ): Promise<pg.QueryResult<T>>;
  /** Stops the server and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Serve TLS with this certificate and key (PEM files). */
  tls?: { certFile: string; keyFile: string };
}

function detectPostgres(): Detection {
  const configured = process.env.CI_CONNECT_POSTGRES_BIN;
  const candidates =
    configured !== undefined && configured !== ''
      ? [configured]
      : existsSync('/usr/lib/postgresql')
        ? readdirSync('/usr/lib/postgresql')
            .filter((v) => /^\d+$/.test(v))
            .sort((a, b) => Number(b) - Number(a))
            .map((v) => `/usr/lib/postgresql/${v}/bin`)
        : [];
  const dir = candidates.find((d) =>
    ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(path.join(d, b))),
  );
  if (dir === undefined)
    return {
      available: false,
      reason: 'no initdb, pg_ctl and postgres in /usr/lib/postgresql/<version>/bin',
    };
  if (process.getuid?.() === 0) {
    if (findExecutable('runuser') === undefined)
      return { available: false, reason: 'no `runuser` to leave root' };
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      return { available: false, reason: 'no `postgres` user to run the server as (root cannot)' };
    }
  }
  return { available: true, bin: dir, details: `PostgreSQL in ${dir}` };
}

/** Starts a server; rejects (having cleaned up) when it does not come up within pg_ctl's wait. */
export async function startPostgres(
  found: FoundComponent,
  options: StartOptions = {},
): Promise<PostgresServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ci-connect-postgres-'));
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })) : undefined;
  const group = asRoot ? Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) : undefined;
  const run = (command: string, args: readonly string[], extra: ExecFileSyncOptions = {}) => {
    const bin = path.join(found.bin, command);
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, [...args]];
    return execFileSync(file, argv, { stdio: 'pipe', timeout: 60_000, ...extra });
  };
  const giveAway = async (file: string) => {
    if (owner !== undefined && group !== undefined) await chown(file, owner, group);
  };
  const data = path.join(dir, 'data');
  let started = false;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await admins.end();
    if (started) {
      try {
        run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
      } catch {
        // Already gone: nothing to stop.
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  const admins = new AdminConnections(dir);
  try {
    await giveAway(dir);
    const superPassword = path.join(dir, 'superuser-password');
    await writeFile(superPassword, 'unused-superuser-password\n', { mode: 0o600 });
    await giveAway(superPassword);
    run('initdb', [
      ...['-D', data, '-U', 'postgres', '--pwfile', superPassword, '-E', 'UTF8', '--locale=C'],
      ...['--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync'],
    ]);
    const port = await findFreePort();
    const settings = [
      `listen_addresses = '127.0.0.1'`,
      `port = ${port}`,
      `unix_socket_directories = '${dir}'`,
      // A test database need not survive a crash of the machine.
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'max_connections = 200',
      ...(options.tls === undefined ? [] : await tlsSettings(dir, options.tls, giveAway)),
    ];
    const conf = path.join(data, 'postgresql.conf');
    await writeFile(conf, `${await readFile(conf, 'utf8')}\n${settings.join('\n')}\n`);
    run('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', path.join(dir, 'server.log')]);
    started = true;
    await admins.query(`CREATE ROLE ${CI_ROLE} LOGIN PASSWORD '${CI_PASSWORD}'`, [], 'postgres');
    let databases = 0;
    return {
      host: '127.0.0.1',
      port,
      url: (database, urlOptions = {}) => {
        const auth =
          urlOptions.password === undefined
            ? CI_ROLE
            : `${CI_ROLE}:${encodeURIComponent(urlOptions.password)}`;
        const query = new URLSearchParams(urlOptions.params ?? {}).toString();
        return `postgres://${auth}@127.0.0.1:${port}/${database}${query === '' ? '' : `?${query}`}`;
      },
      createDatabase: async () => {
        databases += 1;
        const name = `history_${databases}`;
        await admins.query(`CREATE DATABASE ${name} OWNER ${CI_ROLE}`, [], 'postgres');
        return name;
      },
      admin: (sql, values = [], database = 'postgres') => admins.query(sql, values, database),
      stop,
    };
  } catch (error) {
    const log = await readFile(path.join(dir, 'server.log'), 'utf8').catch(() => '');
    await stop();
    const output = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${output}\n${log.slice(-4000)}`);
  }
}

/** ssl = on with the certificate and a copy of the key the server may read (0600, its own). */
async function tlsSettings(
  dir: string,
  tls: { certFile: string; keyFile: string },
  giveAway: (file: string) => Promise<void>,
): Promise<string[]> {
  const cert = path.join(dir, 'server.crt');
  const key = path.join(dir, 'server.key');
  await copyFile(tls.certFile, cert);
  await copyFile(tls.keyFile, key);
  await chmod(key, 0o600);
  await giveAway(cert);
  await giveAway(key);
  return ['ssl = on', `ssl_cert_file = '${cert}'`, `ssl_key_file = '${key}'`];
}

/** One superuser connection per database, over the Unix socket (trusted locally). */
class AdminConnections {
  private readonly clients = new Map<string, Promise<pg.Client>>();

  constructor(private readonly socketDir: string) {}

  async query<T extends pg.QueryResultRow>(
    sql: string,
    values: unknown[],
    database: string,
  ): Promise<pg.QueryResult<T>> {
    let client = this.clients.get(database);
    if (client === undefined) {
      const created = new pg.Client({ host: this.socketDir, user: 'postgres', database, port: this.port() });
      client = created.connect().then(() => created);
      this.clients.set(database, client);
    }
    return (await client).query<T>(sql, values);
  }

  async end(): Promise<void> {
    for (const client of this.clients.values()) await (await client.catch(() => undefined))?.end();
    this.clients.clear();
  }

  private port(): number {
    const socket = readdirSync(this.socketDir).find(
      (name) => name.startsWith('.s.PGSQL.') && !name.endsWith('.lock'),
    );
    return Number(socket?.slice('.s.PGSQL.'.length));
  }
}
