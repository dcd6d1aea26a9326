/**
 * Each plugin point is a folder per implementation and one explicit registry (STYLE.md, as
 * Renovate's datasource index test checks): a folder the registry does not list, or an entry
 * without its folder, fails here, so adding a provider or a store cannot half-happen.
 */

import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { historyStoreFactories } from './history/open-store.js';
import { SLI_PROVIDERS } from './providers/registry.js';

function foldersIn(relative: string, except: readonly string[]): string[] {
  const dir = fileURLToPath(new URL(relative, import.meta.url));
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !except.includes(entry.name))
    .map((entry) => entry.name)
    .sort();
}

describe('registries and folders agree', () => {
  it('lists every SLI provider folder in SLI_PROVIDERS, and nothing else', () => {
    // static is the --values file, a source no SLI file configures (evaluation/setup.ts adds it).
    expect(foldersIn('./providers/', ['static', 'test-support'])).toEqual([...SLI_PROVIDERS.keys()].sort());
  });

  it('lists every history store folder in historyStoreFactories, by its URL scheme', () => {
    // Another spelling of a scheme (libpq takes postgresql:// as well as postgres://) is one more
    // entry with the same factory, and no folder of its own.
    const aliases: Readonly<Record<string, string>> = { postgresql: 'postgres' };
    const schemes = [...historyStoreFactories.keys()];
    expect(foldersIn('./history/', ['test-support'])).toEqual(
      [...new Set(schemes.map((scheme) => aliases[scheme] ?? scheme))].sort(),
    );
    for (const [alias, scheme] of Object.entries(aliases))
      expect(historyStoreFactories.get(alias), alias).toBe(historyStoreFactories.get(scheme));
  });
});
