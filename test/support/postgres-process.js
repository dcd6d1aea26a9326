// A real PostgreSQL server (Debian's `postgresql` package) for a test file or a benchmark: initdb
// into a temporary directory, started with pg_ctl on a free port of 127.0.0.1 with its Unix
// socket in that directory, a password-protected role for ci-connect and a fresh database on
// demand. As root the server runs as the `postgres` user (initdb and postgres refuse root).
// stop() ends the server and removes the directory; call it in afterAll (or finally), so that a
// failure leaves nothing behind. Plain JS with JSDoc types, so that bench/history-postgres.js can
// use it too; tests reach it through postgres-server.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** The role ci-connect connects as; its password is meant to be searched for in output. */
export const CI_ROLE = 'ci_gate';
export const CI_PASSWORD = 'pg-Secret-7f3k9Q2x';

/**
 * The directory of initdb, pg_ctl and postgres (CI_CONNECT_POSTGRES_BIN, else the newest
 * /usr/lib/postgresql/<version>/bin), or why there is none.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ available: true, bin: string } | { available: false, reason: string }}
 */
export function findPostgres(env = process.env) {
  const configured = env.CI_CONNECT_POSTGRES_BIN;
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
    try {
      execFileSync('runuser', ['--help'], { stdio: 'ignore' });
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      return {
        available: false,
        reason: 'running as root without `runuser` and a `postgres` user to run the server as',
      };
    }
  }
  return { available: true, bin: dir };
}

/**
 * @typedef {object} PostgresServer
 * @property {string} host
 * @property {number} port
 * @property {(database: string, options?: { password?: string, params?: Record<string, string> }) => string} url
 *   a postgres:// URL of `database` for the ci-connect role; with `password`, in the URL
 * @property {() => Promise<string>} createDatabase a fresh database owned by the ci-connect role
 * @property {<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[], database?: string) => Promise<pg.QueryResult<T>>} admin
 *   SQL as the superuser (over the Unix socket), in `database` (default postgres)
 * @property {() => Promise<void>} stop stops the server and removes its directory; safe to call twice
 */

/**
 * Starts a server from the binaries in `binDir`; rejects (having cleaned up) when it does not
 * come up. With `tls`, it serves TLS with that certificate and key (PEM files).
 * @param {string} binDir
 * @param {{ tls?: { certFile: string, keyFile: string } }} [options]
 * @returns {Promise<PostgresServer>}
 */
export async function startPostgres(binDir, options = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ci-connect-postgres-'));
  const asRoot = process.getuid?.() === 0;
  const idOf = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  const owner = asRoot ? { uid: idOf('-u'), gid: idOf('-g') } : undefined;
  /** @param {string} command @param {string[]} args */
  const run = (command, args) => {
    const bin = path.join(binDir, command);
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
    return execFileSync(file, argv, { stdio: 'pipe', timeout: 60_000 });
  };
  /** @param {string} file */
  const giveAway = async (file) => {
    if (owner !== undefined) await chown(file, owner.uid, owner.gid);
  };
  const data = path.join(dir, 'data');
  const admins = new AdminConnections(dir);
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
    const output = /** @type {{ stderr?: Buffer }} */ (error).stderr?.toString() ?? '';
    throw new Error(
      `PostgreSQL did not start: ${/** @type {Error} */ (error).message}\n${output}\n${log.slice(-4000)}`,
    );
  }
}

/**
 * ssl = on with the certificate and a copy of the key the server may read (0600, its own).
 * @param {string} dir
 * @param {{ certFile: string, keyFile: string }} tls
 * @param {(file: string) => Promise<void>} giveAway
 */
async function tlsSettings(dir, tls, giveAway) {
  const cert = path.join(dir, 'server.crt');
  const key = path.join(dir, 'server.key');
  await copyFile(tls.certFile, cert);
  await copyFile(tls.keyFile, key);
  await chmod(key, 0o600);
  await giveAway(cert);
  await giveAway(key);
  return ['ssl = on', `ssl_cert_file = '${cert}'`, `ssl_key_file = '${key}'`];
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (PostgreSQL must be told its port; the
 * tests' free-port.ts does the same, in TypeScript).
 * @returns {Promise<number>}
 */
function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** One superuser connection per database, over the Unix socket (trusted locally). */
class AdminConnections {
  /** @param {string} socketDir */
  constructor(socketDir) {
    this.socketDir = socketDir;
    /** @type {Map<string, Promise<pg.Client>>} */
    this.clients = new Map();
  }

  /**
   * @template {pg.QueryResultRow} T
   * @param {string} sql
   * @param {unknown[]} values
   * @param {string} database
   * @returns {Promise<pg.QueryResult<T>>}
   */
  async query(sql, values, database) {
    let client = this.clients.get(database);
    if (client === undefined) {
      const socket = readdirSync(this.socketDir).find((name) => /^\.s\.PGSQL\.\d+$/.test(name));
      const created = new pg.Client({
        host: this.socketDir,
        port: Number(socket?.slice('.s.PGSQL.'.length)),
        user: 'postgres',
        database,
      });
      client = created.connect().then(() => created);
      this.clients.set(database, client);
    }
    return (await client).query(sql, values);
  }

  async end() {
    for (const client of this.clients.values()) await (await client.catch(() => undefined))?.end();
    this.clients.clear();
  }
}
