/**
 * Each plugin point is a folder per implementation and one explicit registry (STYLE.md, as
 * Renovate's datasource index test checks): a folder the registry does not list, or an entry
 * without its folder, fails here, and so does an entry that lacks what the rest of ci-connect
 * finds through the registry (settings, schema), so adding a provider or a store cannot
 * half-happen.
 */

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_TASK_RUNNERS } from './config/project-config.js';
import { doctorDeps } from './doctor/test-support/doctor-deps.js';
import { HISTORY_STORES } from './history/registry.js';
import { DEFAULT_SECRET_ENV_VARS } from './redaction/credential-sources.js';
import { SLI_PROVIDERS } from './providers/registry.js';

function foldersIn(relative: string, except: readonly string[]): string[] {
  const dir = fileURLToPath(new URL(relative, import.meta.url));
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !except.includes(entry.name))
    .map((entry) => entry.name)
    .sort();
}

const providers = [...SLI_PROVIDERS.values()];

describe('registries and folders agree', () => {
  it('lists every SLI provider folder in SLI_PROVIDERS, and nothing else', () => {
    // static is the --values file, a source no SLI file configures (evaluation/setup.ts adds it).
    expect(foldersIn('./providers/', ['static', 'test-support'])).toEqual([...SLI_PROVIDERS.keys()].sort());
  });

  it.each(providers)('$name: its folder’s index.ts exports the definition the registry lists', async (d) => {
    const index = new URL(`./providers/${d.name}/index.ts`, import.meta.url).href;
    const exports = (await import(/* @vite-ignore */ index)) as Record<string, unknown>;
    expect(Object.values(exports)).toContain(d);
  });

  it('lists every history store folder in HISTORY_STORES, by its URL scheme', () => {
    expect(foldersIn('./history/', ['test-support'])).toEqual([...HISTORY_STORES.keys()].sort());
  });

  it.each([...HISTORY_STORES.values()])(
    '$scheme: its folder’s index.ts exports the definition the registry lists',
    async (d) => {
      const index = new URL(`./history/${d.scheme}/index.ts`, import.meta.url).href;
      const exports = (await import(/* @vite-ignore */ index)) as Record<string, unknown>;
      expect(Object.values(exports)).toContain(d);
      expect(typeof d.doctorCheck).toBe('function');
    },
  );
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
      ...Object.keys(providerSchemas).filter((k) => SLI_PROVIDERS.has(k)),
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

/** The parts of the ci-connect.yaml schema that registries.test.ts derives. */
interface CiConnectSchema {
  properties: {
    providers: { properties: Record<string, unknown> };
    tasks: { additionalProperties: { oneOf: { enum?: string[] }[] } };
  };
}

describe('each SLI provider’s doctor check comes with its definition', () => {
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
});
