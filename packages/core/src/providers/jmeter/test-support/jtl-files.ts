// Results files for the JMeter reader tests: each test writes its content into a fresh file of one
// temporary directory, removed after the test file ran.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** Registers the directory's hooks; the function returned writes `content` and gives its path. */
export function useJtlFiles(prefix: string): (content: string | Buffer) => Promise<string> {
  let dir = '';
  let fileNo = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return async (content) => {
    const path = join(dir, `r${fileNo++}.jtl`);
    await writeFile(path, content);
    return path;
  };
}
