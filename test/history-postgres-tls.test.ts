// The postgres:// history over TLS, against a real PostgreSQL server with ssl = on and a CA made
// by openssl for this file: libpq's sslmode meanings, sslrootcert and PGSSLROOTCERT, and the
// refusals. A refused certificate is exit 2 (ConfigError), not 3: the server was reached, and
// what fails is the trust this job was configured with; every retry would fail the same way.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../packages/core/src/environment.js';
import { CiConnectError, ConfigError } from '../packages/core/src/errors.js';
import { openHistoryStore } from '../packages/core/src/history/open-store.js';
import {
  CI_PASSWORD,
  CI_ROLE,
  postgresql,
  startPostgres,
  type PostgresServer,
} from './support/postgres-server.js';
import { describeWithReal, openssl } from './support/real-components.js';

/** A CA, and a server certificate it signed for 127.0.0.1 only (not for "localhost"). */
function makeCertificates(dir: string): { ca: string; otherCa: string; cert: string; key: string } {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  for (const name of ['ca', 'other-ca'])
    openssl(
      ...[
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=ci-connect test ${name}`,
      ],
      ...['-keyout', file(`${name}.key`), '-out', file(`${name}.pem`)],
    );
  openssl(
    ...['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1'],
    ...['-keyout', file('server.key'), '-out', file('server.csr')],
  );
  writeFileSync(file('san.cnf'), 'subjectAltName = IP:127.0.0.1\n');
  openssl(
    ...['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key')],
    ...['-CAcreateserial', '-days', '2', '-out', file('server.crt')],
    ...['-extfile', file('san.cnf')],
  );
  return {
    ca: file('ca.pem'),
    otherCa: file('other-ca.pem'),
    cert: file('server.crt'),
    key: file('server.key'),
  };
}

// The certificates need openssl, the server PostgreSQL: either missing skips (or fails, as in CI).
describeWithReal(openssl, 'postgres:// history over TLS', () =>
  describeWithReal(postgresql, 'against a real server', (found) => {
    let dir: string;
    let server: PostgresServer;
    let certs: ReturnType<typeof makeCertificates>;
    let database: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'ci-connect-pg-tls-'));
      certs = makeCertificates(dir);
      server = await startPostgres(found.bin, { tls: { certFile: certs.cert, keyFile: certs.key } });
      database = await server.createDatabase();
    });
    afterAll(async () => {
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    /** Connects with these URL parameters and env; returns whether the session is encrypted. */
    async function connect(
      params: Record<string, string>,
      env: Record<string, string> = {},
      host = '127.0.0.1',
    ) {
      const url = server.url(database, { params }).replace('@127.0.0.1:', `@${host}:`);
      const store = openHistoryStore(url, {
        baseDir: '/',
        logger: silentLogger,
        env: { PGPASSWORD: CI_PASSWORD, ...env },
      });
      try {
        await store.ready();
        const sessions = await server.admin<{ ssl: boolean }>(
          'SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.usename = $1',
          [CI_ROLE],
        );
        return sessions.rows.map((row) => row.ssl);
      } finally {
        await store.close();
      }
    }

    async function refusal(
      params: Record<string, string>,
      env: Record<string, string> = {},
      host = '127.0.0.1',
    ) {
      const error = await connect(params, env, host).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CiConnectError);
      return error as CiConnectError;
    }

    it('verifies the server with sslmode=verify-full and sslrootcert, from the URL or PGSSLROOTCERT', async () => {
      expect(await connect({ sslmode: 'verify-full', sslrootcert: certs.ca })).toEqual([true]);
      expect(await connect({}, { PGSSLMODE: 'verify-full', PGSSLROOTCERT: certs.ca })).toEqual([true]);
    });

    it('encrypts without verifying with prefer (the default) and require', async () => {
      expect(await connect({})).toEqual([true]);
      expect(await connect({ sslmode: 'require' })).toEqual([true]);
      expect(await connect({ sslmode: 'disable' })).toEqual([false]);
    });

    it('refuses a certificate another CA signed: exit 2, naming sslrootcert', async () => {
      for (const error of [
        await refusal({ sslmode: 'verify-full', sslrootcert: certs.otherCa }),
        await refusal({ sslmode: 'verify-ca' }, { PGSSLROOTCERT: certs.otherCa }),
        // libpq: require with a root certificate checks the chain as verify-ca does.
        await refusal({ sslmode: 'require', sslrootcert: certs.otherCa }),
        // Without sslrootcert, Node's roots: a private CA is not among them.
        await refusal({ sslmode: 'verify-full' }),
      ]) {
        expect(error).toBeInstanceOf(ConfigError);
        expect(error.exitCode).toBe(2);
        expect(error.message).toContain("the server's TLS certificate was refused");
        expect(error.hint).toContain('sslrootcert');
      }
    });

    it('checks the host name with verify-full only', async () => {
      const error = await refusal({ sslmode: 'verify-full', sslrootcert: certs.ca }, {}, 'localhost');
      expect(error.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
      expect(await connect({ sslmode: 'verify-ca', sslrootcert: certs.ca }, {}, 'localhost')).toEqual([true]);
    });

    it('says so when the root certificate file cannot be read', async () => {
      const error = await refusal({ sslmode: 'verify-full', sslrootcert: path.join(dir, 'missing.pem') });
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain("the history's sslrootcert");
    });
  }),
);
