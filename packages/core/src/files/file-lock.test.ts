import { mkdir, mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../environment.js';
import { ExternalSystemError } from '../errors.js';
import { acquireFileLock } from './file-lock.js';

describe('acquireFileLock', () => {
  let dir = '';
  let file = '';
  const logger = createMemoryLogger();
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ci-connect-lock-'));
    file = join(dir, 'history.jsonl');
    logger.lines.length = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates <file>.lock naming its owner and removes it on release', async () => {
    const lock = await acquireFileLock(file, { staleMs: 5000, timeoutMs: 1000 }, logger);
    expect(lock.lockPath).toBe(`${file}.lock`);
    const owner = JSON.parse(await readFile(join(lock.lockPath, 'owner.json'), 'utf8')) as { pid: number };
    expect(owner.pid).toBe(process.pid);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('lets one holder at a time in', async () => {
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const lock = await acquireFileLock(file, { staleMs: 5000, timeoutMs: 10_000 }, logger);
        most = Math.max(most, ++inside);
        await sleep(5);
        inside--;
        await lock.release();
      }),
    );
    expect(most).toBe(1);
  });

  it('gives up after timeoutMs with an ExternalSystemError that names the holder and the lock', async () => {
    const held = await acquireFileLock(file, { staleMs: 5000, timeoutMs: 1000 }, logger);
    const error = await acquireFileLock(file, { staleMs: 5000, timeoutMs: 200 }, logger).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect((error as ExternalSystemError).hint).toContain(`${file}.lock`);
    await held.release();
  });

  it('keeps a held lock fresh, so a waiter does not take it for stale', async () => {
    // Waiting 1.5 s for a lock that would be stale after 0.6 s without its heartbeat.
    const held = await acquireFileLock(file, { staleMs: 600, timeoutMs: 1000 }, logger);
    await expect(acquireFileLock(file, { staleMs: 600, timeoutMs: 1500 }, logger)).rejects.toBeInstanceOf(
      ExternalSystemError,
    );
    await held.release();
    expect(logger.lines).toEqual([]);
  });

  it('removes a stale lock left by a dead writer, with a warning', async () => {
    await mkdir(`${file}.lock`);
    const old = new Date(Date.now() - 60_000);
    await utimes(`${file}.lock`, old, old);
    const started = Date.now();
    const lock = await acquireFileLock(file, { staleMs: 1000, timeoutMs: 5000 }, logger);
    expect(Date.now() - started).toBeLessThan(500);
    expect(logger.lines).toEqual([
      { level: 'warn', message: `removed the stale lock ${file}.lock: its writer stopped` },
    ]);
    await lock.release();
  });

  it('lets one of many waiters take over a stale lock, never two (node-proper-lockfile#121)', async () => {
    await mkdir(`${file}.lock`);
    const old = new Date(Date.now() - 60_000);
    await utimes(`${file}.lock`, old, old);
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const lock = await acquireFileLock(file, { staleMs: 1000, timeoutMs: 10_000 }, logger);
        most = Math.max(most, ++inside);
        await sleep(5);
        inside--;
        await lock.release();
      }),
    );
    expect(most).toBe(1);
    expect(logger.lines.filter((line) => line.message.startsWith('removed the stale lock'))).toHaveLength(1);
  });

  it('clears a stale .break guard left by a breaker that died', async () => {
    const old = new Date(Date.now() - 60_000);
    for (const path of [`${file}.lock`, `${file}.lock.break`]) {
      await mkdir(path);
      await utimes(path, old, old);
    }
    const lock = await acquireFileLock(file, { staleMs: 1000, timeoutMs: 5000 }, logger);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('does not remove a lock another process took over', async () => {
    const lock = await acquireFileLock(file, { staleMs: 5000, timeoutMs: 1000 }, logger);
    await rm(lock.lockPath, { recursive: true });
    const other = await acquireFileLock(file, { staleMs: 5000, timeoutMs: 1000 }, logger);
    await lock.release();
    expect(logger.lines.map((line) => line.message)).toEqual([
      `the lock ${file}.lock was taken over while this process held it`,
    ]);
    expect(await readdir(`${file}.lock`)).toEqual(['owner.json']);
    await other.release();
  });
});
