import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors.js';
import { createRedactor } from '../../redaction/redaction.js';
import { resolvePostgresSettings, type PostgresSettings } from './connection-settings.js';
import { postgresTlsOptions } from './tls-options.js';

const env = { USER: 'runner' };

describe('resolvePostgresSettings', () => {
  it.each<[string, Record<string, string>, Partial<PostgresSettings>]>([
    [
      'postgres://ci:p%40ss@db.example.com:6543/history',
      {},
      {
        host: 'db.example.com',
        port: 6543,
        user: 'ci',
        database: 'history',
        password: 'p@ss',
        passwordSource: 'the URL',
        sslMode: 'prefer',
        location: 'postgres://db.example.com:6543/history',
      },
    ],
    [
      'postgresql://db.example.com/history',
      { PGUSER: 'gate', PGPASSWORD: 'from-env', PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/ca.pem' },
      {
        user: 'gate',
        password: 'from-env',
        passwordSource: 'PGPASSWORD',
        sslMode: 'verify-full',
        sslModeSource: 'PGSSLMODE',
        sslRootCert: '/ca.pem',
        location: 'postgresql://db.example.com:5432/history',
      },
    ],
    [
      'postgres://',
      { PGHOST: 'pg.internal', PGPORT: '5433', PGDATABASE: 'ci', PGCONNECT_TIMEOUT: '3', PGAPPNAME: 'gate' },
      {
        host: 'pg.internal',
        port: 5433,
        database: 'ci',
        user: 'runner',
        connectTimeoutMs: 3000,
        applicationName: 'gate',
      },
    ],
    [
      'postgres://ci@db/h?sslmode=require&sslrootcert=/etc/ca.pem&connect_timeout=0&options=-c%20search_path%3Dci',
      { PGSSLMODE: 'disable' },
      {
        sslMode: 'require',
        sslModeSource: 'sslmode in the URL',
        sslRootCert: '/etc/ca.pem',
        connectTimeoutMs: 10_000,
        options: '-c search_path=ci',
      },
    ],
    ['postgres://ci@[::1]:5432/h', {}, { host: '::1', location: 'postgres://[::1]:5432/h' }],
    [
      'postgres:///h?host=/var/run/postgresql',
      {},
      {
        host: '/var/run/postgresql',
        sslMode: 'disable',
        location: 'postgres:///h?host=/var/run/postgresql&port=5432',
      },
    ],
    ['postgres://ci@db', {}, { database: 'ci', applicationName: 'ci-connect', connectTimeoutMs: 10_000 }],
  ])('reads %s', (url, extra, expected) => {
    expect(resolvePostgresSettings(url, { ...env, ...extra })).toMatchObject(expected);
  });

  it.each([
    ['postgres://ci@db/h?sslmode=verify', {}, 'sslmode in the URL is "verify", which is no sslmode'],
    ['postgres://ci@db/h', { PGSSLMODE: 'on' }, 'PGSSLMODE is "on", which is no sslmode'],
    ['postgres://ci@db/h?schema=ci', {}, 'the parameter "schema", which ci-connect does not know'],
    ['postgres://ci@db:99999/h', {}, 'is not a valid postgres:// URL'],
    ['postgres://ci@db/h', { PGPORT: 'x' }, 'port "x" is not a port number'],
    ['postgres://ci@db/h?connect_timeout=soon', {}, 'connect_timeout "soon" is not a number of seconds'],
  ])('refuses %s with a ConfigError', (url, extra, message) => {
    expect(() => resolvePostgresSettings(url, { ...env, ...extra })).toThrow(ConfigError);
    expect(() => resolvePostgresSettings(url, { ...env, ...extra })).toThrow(message);
  });

  it('needs a user from the URL, PGUSER or USER', () => {
    expect(() => resolvePostgresSettings('postgres://db/h', {})).toThrow('names no user');
  });

  it('never repeats the password of a URL it cannot read', () => {
    expect(() => resolvePostgresSettings('postgres://ci:s3cret@db:x/h', env)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret') as unknown }) as Error,
    );
  });
});

describe('postgresTlsOptions: libpq sslmode', () => {
  const settings = (extra: Partial<PostgresSettings>) => ({
    ...resolvePostgresSettings('postgres://ci@db/h', env),
    ...extra,
  });
  const redactor = createRedactor();

  it.each<[Partial<PostgresSettings>, unknown]>([
    [{ sslMode: 'disable' }, false],
    [{ sslMode: 'allow' }, { rejectUnauthorized: false }],
    [{ sslMode: 'prefer' }, { rejectUnauthorized: false }],
    [{ sslMode: 'require' }, { rejectUnauthorized: false }],
    [{ sslMode: 'verify-full' }, { rejectUnauthorized: true }],
    [{ sslMode: 'verify-full', sslRootCert: 'system' }, { rejectUnauthorized: true }],
  ])('%j', async (extra, expected) => {
    expect(await postgresTlsOptions(settings(extra), redactor)).toStrictEqual(expected);
  });

  it('checks the chain but not the host name with verify-ca', async () => {
    const options = await postgresTlsOptions(settings({ sslMode: 'verify-ca' }), redactor);
    expect(options).toMatchObject({ rejectUnauthorized: true });
    expect(options === false ? undefined : options.checkServerIdentity?.('db', {} as never)).toBeUndefined();
  });

  it('refuses a root certificate that is no regular file, as exit 2', async () => {
    await expect(
      postgresTlsOptions(settings({ sslMode: 'verify-full', sslRootCert: '/dev/zero' }), redactor),
    ).rejects.toThrow(ConfigError);
  });
});
