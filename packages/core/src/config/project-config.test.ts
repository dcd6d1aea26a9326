import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { PROVIDER_SETTINGS } from '../providers/registry.js';
import { loadProjectConfig, resolveHistory } from './project-config.js';
import type { ProjectConfigLoadOptions } from './project-config.js';
import { isSecretKey } from './secrets.js';
import { expectDiagnostics, fixture, makeTempDir, removeTempDirs } from './test-support/diagnostics.js';

afterAll(removeTempDirs);

/** Loads as the commands do: with the registry's provider settings. */
function load(path: string, options: Partial<ProjectConfigLoadOptions> = {}) {
  return loadProjectConfig(path, { providerSettings: PROVIDER_SETTINGS, ...options });
}

describe('loadProjectConfig', () => {
  it('reads every key', async () => {
    const file = fixture('ci-connect', 'full.yaml');
    const { config, diagnostics } = await load(file);
    expect(diagnostics).toEqual([]);
    expect(config).toEqual({
      file,
      root: fixture(),
      project: 'shop',
      // Relative to the directory that contains the config directory (here: fixtures/config/).
      history: `file:${join(fixture(), '.ci-connect', 'history.jsonl')}`,
      defaults: { stage: 'hardening', onWarning: 'warn' },
      providers: {
        prometheus: {
          url: 'https://prometheus.example.com',
          tokenEnv: 'PROMETHEUS_TOKEN',
          userEnv: 'PROMETHEUS_USER',
          passwordEnv: 'PROMETHEUS_PASSWORD',
          timeoutSeconds: 30,
          concurrency: 8,
        },
        dynatrace: {
          url: 'https://abc12345.live.dynatrace.com',
          urlEnv: 'DT_URL',
          tokenEnv: 'DT_API_TOKEN',
          timeoutSeconds: 10.5,
          concurrency: 2,
          settleSeconds: 60,
        },
        jmeter: {},
      },
      events: {
        dynatrace: { enabled: true, entitySelector: 'type(SERVICE),tag(app:$SERVICE)' },
        cloudevents: {
          sink: 'https://events.example.com/keptn',
          tokenEnv: 'CLOUDEVENTS_TOKEN',
          timeoutSeconds: 5,
        },
      },
      helm: { namespace: 'shop-$STAGE', releaseName: '$SERVICE', timeoutSeconds: 600 },
      tasks: { deployment: 'helm' },
    });
  });

  it('treats a missing file as the defaults when optional, and as an error otherwise', async () => {
    const path = join('no', 'such', '.ci-connect', 'ci-connect.yaml');
    const optional = await load(path, { optional: true });
    expect(optional).toEqual({
      config: { root: resolve('no', 'such'), defaults: {}, providers: {}, events: {}, helm: {}, tasks: {} },
      diagnostics: [],
    });
    const required = await load(path);
    expect(required.config).toBeUndefined();
    expect(required.diagnostics.map((d) => [d.file, d.message, d.hint])).toEqual([
      [path, 'file not found', expect.stringContaining('--config-dir') as unknown],
    ]);
  });

  it('accepts an empty file or one with only comments', async () => {
    const file = fixture('yaml', 'only-comments.yaml');
    const result = await load(file);
    expect(result.diagnostics).toEqual([]);
    expect(result.config?.file).toBe(file);
  });

  it('reports bad values, with a suggestion for a misspelt provider', async () => {
    const result = await load(fixture('ci-connect', 'bad-values.yaml'));
    expect(result.config).toBeUndefined();
    expectDiagnostics(result.diagnostics, [
      [
        'error',
        '1:10',
        'project',
        'does not have the required form',
        'Lowercase letters, digits and hyphens',
      ],
      [
        'error',
        '2:10',
        'history',
        'does not have the required form',
        'file:<path>, postgres://host/db or git:<branch>[@<remote>]',
      ],
      ['error', '5:14', 'defaults.onWarning', '"warning" is not one of pass, warn, fail'],
      ['error', '8:10', 'providers.prometheus.url', 'does not have the required form', 'http:// or https://'],
      ['error', '9:21', 'providers.prometheus.timeoutSeconds', 'must be > 0, not 0'],
      [
        'error',
        '11:15',
        'providers.dynatrace.tokenEnv',
        'does not have the required form',
        'environment variable',
      ],
      ['warning', '12:3', 'providers.promethues', 'unknown key "promethues"', 'did you mean "prometheus"?'],
      ['error', '13:8', 'tasks', 'must be a mapping (key: value), not a list'],
    ]);
  });

  it('checks events.dynatrace, and suggests the key that was meant', async () => {
    const result = await load(
      await temp('events:\n  dynatrace:\n    enabled: yes please\n    entitySelektor: type(SERVICE)\n'),
    );
    expect(result.config).toBeUndefined();
    expectDiagnostics(result.diagnostics, [
      ['error', '3:14', 'events.dynatrace.enabled', 'must be true or false, not text'],
      ['warning', '4:5', 'events.dynatrace.entitySelektor', 'unknown key', 'did you mean "entitySelector"?'],
    ]);
  });

  it('reads a file: CloudEvents sink relative to the project root', async () => {
    const file = await temp('events:\n  cloudevents:\n    sink: file:out/events.jsonl\n');
    const { config, diagnostics } = await load(file);
    expect(diagnostics).toEqual([]);
    expect(config?.events).toEqual({
      cloudevents: { sink: `file:${resolve(file, '..', '..', 'out', 'events.jsonl')}` },
    });
  });

  it('checks events.cloudevents: a sink is required, and is file: or http(s)', async () => {
    const result = await load(
      await temp('events:\n  cloudevents:\n    tokenEnv: my token\n    timeout: 5\n'),
    );
    expect(result.config).toBeUndefined();
    expectDiagnostics(result.diagnostics, [
      ['error', '3:5', 'events.cloudevents.sink', 'missing'],
      [
        'error',
        '3:15',
        'events.cloudevents.tokenEnv',
        'does not have the required form',
        'environment variable',
      ],
      ['warning', '4:5', 'events.cloudevents.timeout', 'unknown key', 'timeoutSeconds'],
    ]);
    const ftp = await load(await temp('events:\n  cloudevents:\n    sink: ftp://example.com\n'));
    expectDiagnostics(ftp.diagnostics, [
      ['error', '3:11', 'events.cloudevents.sink', 'does not have the required form', 'file:<path>'],
    ]);
  });

  it.each([['shop'], ['a'], ['shop-2'], ['s1']])('accepts the project name %j', async (name) => {
    expect((await load(await temp(`project: ${name}\n`))).diagnostics).toEqual([]);
  });
});

describe('secrets in ci-connect.yaml', () => {
  it('are errors that name the key, never the value', async () => {
    const file = fixture('ci-connect', 'secrets.yaml');
    const result = await load(file);
    expect(result.config).toBeUndefined();
    expectDiagnostics(result.diagnostics, [
      ['error', '2:10', 'history', 'the URL contains a password', 'set PGPASSWORD'],
      ['error', '5:10', 'providers.prometheus.url', 'the URL contains a password', 'userEnv, passwordEnv'],
      [
        'error',
        '6:5',
        'providers.prometheus.password',
        'password holds a secret',
        'name it with passwordEnv',
      ],
      [
        'error',
        '8:5',
        'providers.dynatrace.apiToken',
        'apiToken holds a secret',
        'put the token in an env var and name it with tokenEnv',
      ],
      [
        'error',
        '9:5',
        'providers.dynatrace.tokenEnv',
        'this looks like a secret itself',
        'the name of the environment variable',
      ],
      ['error', '13:5', 'events.cloudevents.client_secret', 'client_secret holds a secret'],
    ]);
    const everything = JSON.stringify(result) + result.diagnostics.map(formatDiagnostic).join('\n');
    expect(everything).not.toContain('hunter2');
    expect(await readFile(file, 'utf8')).toContain('hunter2'); // the test would prove nothing otherwise
  });

  it('finds a token in the remote of a git: history, and says how to keep it out', async () => {
    const result = await load(
      await temp(
        'history: git:ci-connect-history@https://oauth2:glpat-hunter2hunter2@gitlab.com/shop/app.git\n',
      ),
    );
    expectDiagnostics(result.diagnostics, [
      ['error', '1:10', 'history', 'the URL contains a password', 'name a remote of the repository instead'],
    ]);
    expect(JSON.stringify(result) + result.diagnostics.map(formatDiagnostic).join('\n')).not.toContain(
      'hunter2',
    );
    const plain = await load(await temp('history: git:ci-connect-history@upstream\n'));
    expect(plain.diagnostics).toEqual([]);
    expect(plain.config?.history).toBe('git:ci-connect-history@upstream');
  });

  it.each([
    ['token', true],
    ['apiToken', true],
    ['api_token', true],
    ['password', true],
    ['clientSecret', true],
    ['API-KEY', true],
    ['tokenEnv', false],
    ['passwordEnv', false],
    ['url', false],
    ['tokens_used', false],
  ])('isSecretKey(%j) is %s', (key, secret) => {
    expect(isSecretKey(key)).toBe(secret);
  });

  it('allows an empty secret key (nothing to leak) but still warns that the key is unknown', async () => {
    const result = await load(await temp('providers:\n  dynatrace:\n    apiToken:\n'));
    expectDiagnostics(result.diagnostics, [
      [
        'warning',
        '3:5',
        'providers.dynatrace.apiToken',
        'unknown key "apiToken"',
        'known keys: url, urlEnv, tokenEnv',
      ],
    ]);
  });
});

describe('resolveHistory', () => {
  it.each([
    ['file:.ci-connect/history.jsonl', '/repo', 'file:/repo/.ci-connect/history.jsonl'],
    ['file:/var/lib/history.jsonl', '/repo', 'file:/var/lib/history.jsonl'],
    ['file:///var/lib/history.jsonl', '/repo', 'file:/var/lib/history.jsonl'],
    ['postgres://db.example.com/ci', '/repo', 'postgres://db.example.com/ci'],
  ])('%s in %s', (url, root, expected) => {
    expect(resolveHistory(url, root)).toBe(expected);
  });
});

async function temp(text: string): Promise<string> {
  const dir = await makeTempDir();
  const file = join(dir, 'ci-connect.yaml');
  await writeFile(file, text);
  return file;
}
