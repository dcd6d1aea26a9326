/**
 * A cross-process lock beside a file: the directory `<file>.lock`, created with mkdir (atomic on
 * local and network file systems), refreshed by a heartbeat, removed when its heartbeat stops.
 * This is proper-lockfile's scheme, written out because (a) its stale-lock takeover lets two
 * waiters break the same stale lock, the later one deleting the earlier one's fresh lock, so both
 * write (moxystudio/node-proper-lockfile#121); the `.break` guard below prevents that; and (b) its
 * default reaction to a lost lock is an exception thrown from a timer, which kills the process.
 * Node has no flock(2), which would free the lock by itself when a process dies.
 */

import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../environment.js';
import { errorCode, ExternalSystemError } from '../errors.js';
import { readRegularFile } from './regular-file.js';

/** How long to trust a lock and how long to wait for it. */
export interface FileLockOptions {
  /** A lock not refreshed for this long was left by a writer that died, and is removed. */
  staleMs: number;
  /** Waiting for the lock longer than this fails with an ExternalSystemError. */
  timeoutMs: number;
}

/** Long enough that a slow disk never looks dead; short enough that a killed writer delays CI little. */
export const defaultFileLockOptions: FileLockOptions = { staleMs: 10_000, timeoutMs: 60_000 };

/** A held lock; release it in a `finally`. */
export interface FileLock {
  readonly lockPath: string;
  release(): Promise<void>;
}

interface LockOwner {
  token: string;
  pid: number;
  host: string;
  acquiredAt: string;
}

/** Takes the lock on `file`, waiting (with backoff) while another process holds it. */
export async function acquireFileLock(
  file: string,
  options: FileLockOptions,
  logger: Logger,
): Promise<FileLock> {
  const lockPath = `${file}.lock`;
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 0; ; attempt++) {
    if (await tryMkdir(lockPath)) return holdLock(lockPath, options.staleMs, logger);
    if (await breakIfStale(lockPath, options.staleMs, logger)) continue;
    if (Date.now() >= deadline) throw await lockTimeoutError(file, lockPath, options.timeoutMs);
    // Short, jittered polls: with 20 writers the lock changes hands every few milliseconds.
    await sleep(Math.min(32, 2 ** attempt) * (0.5 + Math.random()));
  }
}

async function tryMkdir(path: string): Promise<boolean> {
  try {
    await mkdir(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

async function holdLock(lockPath: string, staleMs: number, logger: Logger): Promise<FileLock> {
  const owner: LockOwner = {
    token: randomUUID(),
    pid: process.pid,
    host: hostname(),
    acquiredAt: new Date().toISOString(),
  };
  try {
    await writeFile(join(lockPath, 'owner.json'), JSON.stringify(owner));
  } catch (error) {
    // E.g. a full disk: do not leave a lock that blocks others until it goes stale.
    await rm(lockPath, { recursive: true, force: true });
    throw error;
  }
  // The heartbeat keeps a slow but living writer from looking stale; unref: it must not keep
  // the process alive.
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch(() => undefined);
  }, staleMs / 3);
  heartbeat.unref();
  return {
    lockPath,
    release: async () => {
      clearInterval(heartbeat);
      const current = await readOwner(lockPath);
      if (current?.token === owner.token) {
        await rm(lockPath, { recursive: true, force: true });
      } else {
        logger.warn(`the lock ${lockPath} was taken over while this process held it`);
      }
    },
  };
}

/**
 * Removes the lock if its heartbeat stopped. Only the process that creates `<lock>.break` may
 * remove it, and it checks the age again once it holds that guard, so a lock another waiter has
 * just re-created is never deleted. True when the caller should try mkdir again at once.
 */
async function breakIfStale(lockPath: string, staleMs: number, logger: Logger): Promise<boolean> {
  const age = await ageOf(lockPath);
  if (age === undefined) return true;
  if (age <= staleMs) return false;
  const breakPath = `${lockPath}.break`;
  if (!(await tryMkdir(breakPath))) {
    // A breaker that died between its mkdir and rm would block every later one.
    if (((await ageOf(breakPath)) ?? 0) > staleMs) await rm(breakPath, { recursive: true, force: true });
    return false;
  }
  try {
    const again = await ageOf(lockPath);
    if (again === undefined || again <= staleMs) return true;
    const owner = await readOwner(lockPath);
    await rm(lockPath, { recursive: true, force: true });
    logger.warn(`removed the stale lock ${lockPath}${describeOwner(owner)}: its writer stopped`);
    return true;
  } finally {
    await rm(breakPath, { recursive: true, force: true });
  }
}

/** Milliseconds since the path was last touched; undefined if it does not exist. */
async function ageOf(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    // Through the shared guard: a FIFO planted there must not hang the wait for the lock.
    const text = await readRegularFile(join(lockPath, 'owner.json'), { maxBytes: 64 * 1024 });
    return JSON.parse(text.toString('utf8')) as LockOwner;
  } catch {
    // Missing (the holder died between mkdir and writeFile) or unreadable: owner unknown.
    return undefined;
  }
}

function describeOwner(owner: LockOwner | undefined): string {
  return owner ? ` (pid ${owner.pid} on ${owner.host}, since ${owner.acquiredAt})` : '';
}

async function lockTimeoutError(file: string, lockPath: string, timeoutMs: number): Promise<Error> {
  const owner = await readOwner(lockPath);
  return new ExternalSystemError(
    `${file} is locked by another writer${describeOwner(owner)} and was not released within ${timeoutMs / 1000} s`,
    { hint: `if no ci-connect process is writing to it any more, remove the directory ${lockPath}` },
  );
}
