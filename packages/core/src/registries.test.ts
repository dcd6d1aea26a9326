/**
 * Each plugin point is a folder per implementation and one explicit registry (STYLE.md, as
 * Renovate's datasource index test checks): a folder the registry does not list, or an entry
 * without its folder, fails here; so does an entry without what the rest of ci-connect finds
 * through the registry (settings and their schema, doctor check, docs), and a schema or docs
 * page that lists providers, stores or runners other than the registries do. Adding a provider
 * or a store cannot half-happen.
 */

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_TASK_RUNNERS, TASK_RUNNERS } from './config/project-config.js';
import { doctorDeps } from './doctor/test-support/doctor-deps.js';
import { HISTORY_STORES } from './history/registry.js';
import { DEFAULT_SECRET_ENV_VARS } from './redaction/credential-sources.js';
import { SLI_PROVIDERS } from './providers/registry.js';

const providers = [...SLI_PROVIDERS.values()];
const stores = [...HISTORY_STORES.values()];
const runners = BUILT_IN_TASK_RUNNERS.map((name) => ({ name, ...TASK_RUNNERS[name] }));

function foldersIn(relative: string, except: readonly string[]): string[] {
  const dir = fileURLToPath(new URL(relative, import.meta.url));
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !except.includes(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** What a folder's index.ts exports (a variable path, so vite loads the .ts file as it is). */
async function indexOf(folder: string): Promise<unknown[]> {
  const index = new URL(`./${folder}/index.ts`, import.meta.url).href;
  return Object.values((await import(/* @vite-ignore */ index)) as Record<string, unknown>);
}

describe('registries and folders agree', () => {
  it('lists every SLI provider folder in SLI_PROVIDERS, and nothing else', () => {
    // static is the --values file, a source no SLI file configures (evaluation/setup.ts adds it).
    expect(foldersIn('./providers/', ['static', 'test-support'])).toEqual([...SLI_PROVIDERS.keys()].sort());
  });

  it.each(providers)('$name: its folder’s index.ts exports the definition the registry lists', async (d) => {
    expect(await indexOf(`providers/${d.name}`)).toContain(d);
  });

  it('lists every history store folder in HISTORY_STORES, by its URL scheme', () => {
    expect(foldersIn('./history/', ['test-support'])).toEqual([...HISTORY_STORES.keys()].sort());
  });

  it.each(stores)('$scheme: its folder’s index.ts exports the definition the registry lists', async (d) => {
    expect(await indexOf(`history/${d.scheme}`)).toContain(d);
  });
});

describe('each SLI provider’s settings come with its definition', () => {
  it.each(providers)('$name: settings under providers.$name in ci-connect.yaml', (d) => {
    expect(d.settings.key).toBe(d.name);
  });

  it.each(providers)('$name: a provider whose data lags has the settleSeconds setting --settle sets', (d) => {
    expect(Object.keys(d.settings.schema.properties ?? {}).includes('settleSeconds')).toBe(d.settles);
  });

  it.each(providers)(
    '$name: each env var default is documented, and a default secret is always masked',
    (d) => {
      const properties = (d.settings.schema.properties ?? {}) as Record<string, { description?: string }>;
      for (const [key, name] of Object.entries(d.settings.envDefaults)) {
        expect(properties[key]?.description, `providers.${d.name}.${key}`).toContain(`Default: ${name}.`);
        if (/token|password/i.test(key)) expect(DEFAULT_SECRET_ENV_VARS, key).toContain(name);
      }
    },
  );
});

describe('each doctor check comes with its definition', () => {
  it.each(providers)('$name: a provider with settings to check has a doctor check', (d) => {
    // Only a provider with nothing to connect to may go without one (jmeter reads a file per run).
    const settings = Object.keys(d.settings.schema.properties ?? {});
    if (d.doctorCheck === null) expect(settings).toEqual([]);
    else expect(typeof d.doctorCheck).toBe('function');
  });

  it.each(providers.filter((d) => d.doctorCheck !== null))(
    '$name: its check is named after it and skips a project that does not use it',
    async (d) => {
      const result = await d.doctorCheck?.({ configUnusable: false, sliFiles: new Map() }, doctorDeps({}));
      expect(result).toMatchObject({ name: d.name, status: 'skipped' });
    },
  );

  it.each(stores)('$scheme: a history store has a doctor check', (d) => {
    expect(typeof d.doctorCheck).toBe('function');
  });
});

describe('schemas/ci-connect.schema.json is derived from the registries', () => {
  // The shipped file is what editors read and the build compiles into the validator; the parts
  // that list providers and task runners come from their registries, and
  // `npx vitest run -u packages/core/src/registries.test.ts` rewrites them.
  it('holds each provider’s settings schema under providers, and the built-in runners under tasks', async () => {
    const file = fileURLToPath(new URL('../schemas/ci-connect.schema.json', import.meta.url));
    const schema = JSON.parse(readFileSync(file, 'utf8')) as CiConnectSchema;
    const providerSchemas = schema.properties.providers.properties;
    // Providers the file already has keep their place (the "known keys" hint lists them so).
    const order = new Set([
      ...Object.keys(providerSchemas).filter((key) => SLI_PROVIDERS.has(key)),
      ...SLI_PROVIDERS.keys(),
    ]);
    schema.properties.providers.properties = Object.fromEntries(
      [...order].map((key) => [key, SLI_PROVIDERS.get(key)?.settings.schema]),
    );
    const builtIn = schema.properties.tasks.additionalProperties.oneOf[0];
    if (builtIn !== undefined) builtIn.enum = [...BUILT_IN_TASK_RUNNERS];
    const text = await format(JSON.stringify(schema, null, 2), {
      ...(await resolveConfig(file)),
      filepath: file,
    });
    await expect(text).toMatchFileSnapshot(file);
  });
});

/** The parts of the ci-connect.yaml schema that are derived here. */
interface CiConnectSchema {
  properties: {
    providers: { properties: Record<string, unknown> };
    tasks: { additionalProperties: { oneOf: { enum?: string[] }[] } };
  };
}

describe('the docs are found through the registries, and list what they list', () => {
  it.each([
    ...providers.map((d) => [`provider ${d.name}`, d.docs]),
    ...stores.map((d) => [`history store ${d.scheme}:`, d.docs]),
    ...runners.map((d) => [`task runner ${d.name}`, d.docs]),
  ])('%s: docs/%s is there', (_, pointer) => {
    const [page = '', anchor] = pointer.split('#');
    const path = docsPath(page);
    expect(existsSync(path), `docs/${page}`).toBe(true);
    if (anchor !== undefined) expect(headingAnchors(readFileSync(path, 'utf8'))).toContain(anchor);
  });

  it('config-reference.md names the providers, and has a providers.<name> row for each', () => {
    const text = readDocs('config-reference.md');
    const listed = /The providers are ((?:`[a-z0-9-]+`(?:,\s+|\s+and\s+)?)+)/.exec(text)?.[1];
    expect(namesIn(listed ?? '')).toEqual([...SLI_PROVIDERS.keys()].sort());
    expect(tableKeys(text, /^`providers\.([a-z0-9-]+)`$/, '## ci-connect.yaml')).toEqual(
      [...SLI_PROVIDERS.keys()].sort(),
    );
  });

  it('config-reference.md has a tasks: row for each built-in runner', () => {
    expect(tableKeys(readDocs('config-reference.md'), /^`([a-z]+)`$/, '### tasks')).toEqual(
      [...BUILT_IN_TASK_RUNNERS].sort(),
    );
  });

  it('cli-reference.md describes each provider’s doctor check', () => {
    const checks = tableKeys(readDocs('cli-reference.md'), /^`([a-z0-9-]+)`$/, '## `ci-connect doctor`');
    for (const d of providers) if (d.doctorCheck !== null) expect(checks, d.name).toContain(d.name);
  });
});

function docsPath(page: string): string {
  return fileURLToPath(new URL(`../../../docs/${page}`, import.meta.url));
}

function readDocs(page: string): string {
  return readFileSync(docsPath(page), 'utf8');
}

/** GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as hyphens. */
function headingAnchors(markdown: string): string[] {
  return [...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) =>
    (m[1] ?? '')
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-'),
  );
}

/** The backquoted names in a list such as "`a`, `b` and `c`", sorted. */
function namesIn(list: string): string[] {
  return [...list.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '').sort();
}

/** The first cells of the first table after `after` (or in the page) that match `key`, sorted. */
function tableKeys(markdown: string, key: RegExp, after?: string): string[] {
  const start = after === undefined ? 0 : markdown.indexOf(after);
  const lines = markdown.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const end = lines.findIndex((line, i) => i > first && !line.startsWith('|'));
  return lines
    .slice(first, end)
    .map((line) => key.exec(line.split('|')[1]?.trim() ?? '')?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}
