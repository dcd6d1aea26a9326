import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../environment.js';
import { ConfigError } from '../errors.js';
import { resolveFileHistoryPath } from './file/open-file-history-store.js';
import { DEFAULT_CONFIG_DIR, defaultHistoryUrl } from '../config/project-context.js';
import { FileHistoryStore } from './file/file-history-store.js';
import { openHistoryStore, redactCredentials } from './open-store.js';
import { HISTORY_STORES } from './registry.js';

const options = { baseDir: '/work/project', logger: silentLogger };

describe('openHistoryStore', () => {
  it.each([
    [defaultHistoryUrl(DEFAULT_CONFIG_DIR), '/work/project/.ci-connect/history.jsonl'],
    ['file:history.jsonl', '/work/project/history.jsonl'],
    ['file:./a/../h.jsonl', '/work/project/h.jsonl'],
    ['file:../shared/h.jsonl', '/work/shared/h.jsonl'],
    ['file:/var/lib/ci/h.jsonl', '/var/lib/ci/h.jsonl'],
    ['file:///var/lib/ci/my%20history.jsonl', '/var/lib/ci/my history.jsonl'],
    ['file://localhost/var/h.jsonl', '/var/h.jsonl'],
    ['FILE:h.jsonl', '/work/project/h.jsonl'],
    ['  file:h.jsonl ', '/work/project/h.jsonl'],
    ['file:with space.jsonl', '/work/project/with space.jsonl'],
  ])('opens %j as the file %s', (url, path) => {
    const store = openHistoryStore(url, options);
    expect(store).toBeInstanceOf(FileHistoryStore);
    expect(store.location).toBe(path);
  });

  it.each([
    ['postgres://ci:s3cret@db.example/ci', 'postgres://db.example:5432/ci'],
    ['postgresql://ci@db.example:6543/ci?sslmode=verify-full', 'postgresql://db.example:6543/ci'],
  ])('opens %j as the database %s, without its credentials', (url, location) => {
    const store = openHistoryStore(url, options);
    expect(store.location).toBe(location);
  });

  it.each([
    [
      's3://bucket/history.jsonl',
      'history stores of the kind "s3:" are not supported; supported: file:, git:, postgres:, postgresql:',
    ],
    ['history.jsonl', 'the history store "history.jsonl" is not a URL'],
    ['', 'the history store "" is not a URL'],
    ['//ci:s3cret@db/ci', 'the history store "//***@db/ci" is not a URL'],
    ['file:', 'the history URL "file:" names no file'],
    ['file://otherhost/h.jsonl', 'the history URL "file://otherhost/h.jsonl" is not a local file URL'],
  ])('rejects %j with a ConfigError and a hint', (url, message) => {
    const open = () => openHistoryStore(url, options);
    expect(open).toThrow(ConfigError);
    try {
      open();
    } catch (error) {
      expect((error as ConfigError).message).toContain(message);
      expect((error as ConfigError).message).not.toContain('s3cret');
      expect((error as ConfigError).hint).toContain('--history file:path/to/history.jsonl');
      expect((error as ConfigError).hint).toContain('CI_CONNECT_HISTORY');
    }
  });

  it('resolves relative paths against the base directory only', () => {
    expect(resolveFileHistoryPath('file:h.jsonl', '/elsewhere')).toBe('/elsewhere/h.jsonl');
  });

  it('masks credentials in URLs', () => {
    expect(redactCredentials('postgres://user:pw@host:5432/db')).toBe('postgres://***@host:5432/db');
    expect(redactCredentials('file:a@b.jsonl')).toBe('file:a@b.jsonl');
  });

  it('has one registry entry per store folder (STYLE.md: the map and the folders agree)', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const entries = await readdir(here, { withFileTypes: true });
    const folders = entries.filter((e) => e.isDirectory() && e.name !== 'test-support').map((e) => e.name);
    // postgresql: is libpq's other spelling of postgres:, defined beside it.
    const schemes = [...HISTORY_STORES.keys()].filter((scheme) => scheme !== 'postgresql');
    expect(schemes.sort()).toEqual(folders.sort());
    expect(HISTORY_STORES.get('postgresql')?.open).toBe(HISTORY_STORES.get('postgres')?.open);
  });
});
