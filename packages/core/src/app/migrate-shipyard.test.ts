import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keptnExample } from '../config/test-support/diagnostics.js';
import { createMemoryLogger } from '../environment.js';
import { migrateShipyard } from './migrate-shipyard.js';

const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function configDir(): Promise<string> {
  const cwd = await mkdtemp(join(tmpdir(), 'ci-connect-migrate-app-'));
  roots.push(cwd);
  const dir = join(cwd, '.ci-connect');
  await mkdir(dir);
  await copyFile(keptnExample('examples_simplenodeservice_shipyard.yaml'), join(dir, 'shipyard.yaml'));
  return dir;
}

describe('migrateShipyard --write', () => {
  it('is not blocked by a temporary file an interrupted run with the same process id left, and leaves that file alone', async () => {
    const dir = await configDir();
    // Containers reuse process ids: an earlier run killed between writing and renaming left this.
    const stale = join(dir, `.shipyard.yaml.${process.pid}.tmp`);
    await writeFile(stale, 'half a shipyard');
    const result = await migrateShipyard(
      { configDir: dir, write: true },
      { cwd: dir, logger: createMemoryLogger() },
    );
    expect(result.written).toBe(true);
    expect(await readFile(join(dir, 'shipyard.yaml'), 'utf8')).toBe(result.text);
    expect(await readFile(stale, 'utf8')).toBe('half a shipyard');
    expect((await readdir(dir)).sort()).toEqual([`.shipyard.yaml.${process.pid}.tmp`, 'shipyard.yaml']);
  });

  it('keeps a group-writable mode, which the process umask would have taken away', async () => {
    const dir = await configDir();
    const file = join(dir, 'shipyard.yaml');
    await chmod(file, 0o664);
    await migrateShipyard({ configDir: dir, write: true }, { cwd: dir, logger: createMemoryLogger() });
    expect((await stat(file)).mode & 0o777).toBe(0o664);
  });
});
