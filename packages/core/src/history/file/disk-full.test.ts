import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, vi } from 'vitest';
import { silentLogger } from '../../environment.js';
import { ExternalSystemError } from '../../errors.js';
import { devFull, itWithReal } from '../../test-support/real-components.js';
import { sampleEvaluation } from '../test-support/history-store-contract.js';
import { FileHistoryStore } from './file-history-store.js';
import type * as JsonLines from '../../files/json-lines.js';

// /dev/full answers every write with ENOSPC, like a full disk. The store refuses devices as
// history files, so the device goes in below the guard: every append writes to it instead.
vi.mock('../../files/json-lines.js', async (importOriginal) => {
  const actual = await importOriginal<typeof JsonLines>();
  const appendToDevFull = async (_path: string, line: string) => {
    const handle = await open('/dev/full', 'a');
    try {
      await actual.writeLine(handle, line);
    } finally {
      await handle.close();
    }
  };
  return { ...actual, appendLine: appendToDevFull };
});

describe('FileHistoryStore on a full disk', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ci-connect-history-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  itWithReal(devFull, 'fails with an ExternalSystemError and leaves no lock behind', async () => {
    const path = join(dir, 'history.jsonl');
    const error = await new FileHistoryStore({ path, logger: silentLogger })
      .append(sampleEvaluation('a'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect((error as Error).message).toBe(
      `cannot append to the history file ${path}: no space left on the device`,
    );
    expect(await readdir(dir)).toEqual([]);
  });
});
