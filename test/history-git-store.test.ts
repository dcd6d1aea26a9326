/**
 * The `git:` history store against real git and real repositories: a bare repository as the
 * remote and job clones of it whose working tree, index, HEAD and refs must stay exactly as they
 * were. The contract suite runs unchanged; the rest is what only a branch on a remote has.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createMemoryLogger } from '../packages/core/src/environment.js';
import { CiConnectError } from '../packages/core/src/errors.js';
import { GitHistoryStore } from '../packages/core/src/history/git/git-history-store.js';
import { parseGitHistoryUrl } from '../packages/core/src/history/git/git-history-url.js';
import type { HistoryRecord } from '../packages/core/src/history/history-store.js';
import {
  describeHistoryStoreContract,
  sampleEvaluation,
} from '../packages/core/src/history/test-support/history-store-contract.js';
import { createRedactor } from '../packages/core/src/redaction/redaction.js';
import { runProcess, type ProcessSpec } from '../packages/core/src/tools/process.js';
import { createGitWorld, git, gitIn, jobState, openGitStore, type GitWorld } from './support/git-remote.js';
import { describeWithReal } from './support/real-components.js';

const BRANCH = 'ci-connect-history';
const carts = { project: 'shop', stage: 'hardening', service: 'carts' };

describeWithReal(git, 'git: history store', () => {
  let world: GitWorld | undefined;
  let job = '';

  function setUp(options: { filters?: boolean } = {}): GitWorld {
    world = createGitWorld(mkdtempSync(path.join(tmpdir(), 'ci-connect-git-store-')), options);
    job = world.clone('job');
    return world;
  }

  function tearDown(): void {
    if (world !== undefined) rmSync(world.root, { recursive: true, force: true });
    world = undefined;
  }

  describeHistoryStoreContract('git:', {
    setup: () => {
      setUp();
      return Promise.resolve();
    },
    open: () => openGitStore(`git:${BRANCH}`, job, world!.env),
    teardown: () => Promise.resolve(tearDown()),
  });

  // The tests below make their own world.
  beforeEach(() => tearDown());
  afterEach(() => tearDown());

  it('creates the branch on the first append and leaves the job exactly as it was', async () => {
    const { env, inRemote } = setUp();
    const before = jobState(job, env);
    const store = openGitStore(`git:${BRANCH}`, job, env);
    expect(await store.query({ ...carts })).toEqual([]);
    await store.append(sampleEvaluation('e1'));
    await store.append(sampleEvaluation('e2'));
    await store.close();
    expect(jobState(job, env)).toEqual(before);

    const log = inRemote('log', '--format=%P|%an <%ae>|%cn <%ce>|%s', BRANCH).trim().split('\n');
    expect(log).toHaveLength(2);
    expect(log[1]).toMatch(
      /^\|ci-connect <ci-connect@localhost>\|ci-connect <ci-connect@localhost>\|ci-connect: append 1 record$/,
    );
    expect(inRemote('ls-tree', '--name-only', BRANCH).trim()).toBe('history.jsonl');
    const lines = inRemote('cat-file', 'blob', `${BRANCH}:history.jsonl`).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as HistoryRecord).id)).toEqual(['e1', 'e2']);
    expect(inRemote('rev-parse', 'main')).toBe(gitIn(job, env, 'rev-parse', 'origin/main'));
  });

  /** A store on `git:ci-connect-history` of the job with small segments and a recording runner. */
  function segmentedStore(calls: string[][] = [], logger = createMemoryLogger()): GitHistoryStore {
    const recording = (spec: ProcessSpec) => {
      calls.push([...spec.argv]);
      return runProcess(spec);
    };
    return new GitHistoryStore({
      url: parseGitHistoryUrl(`git:${BRANCH}`),
      baseDir: job,
      context: { env: world!.env, runProcess: recording, redactor: createRedactor() },
      logger,
      segmentBytes: 3000,
    });
  }

  it('seals history.jsonl into segments, and reads back only as far as a query needs', async () => {
    const { inRemote } = setUp();
    const writer = segmentedStore();
    for (let i = 1; i <= 12; i++) await writer.append(sampleEvaluation(`e${i}`, { service: `svc${i % 3}` }));
    await writer.pin('e3');
    for (let i = 13; i <= 30; i++) await writer.append(sampleEvaluation(`e${i}`, { service: `svc${i % 3}` }));
    await writer.close();

    const files = inRemote('ls-tree', '-r', '--name-only', BRANCH).trim().split('\n');
    expect(files).toContain('segments/000001.jsonl');
    expect(files).toContain('segments/pins.json');
    expect(files[0]).toBe('history.jsonl');
    const inOrder = files
      .filter((file) => file.endsWith('.jsonl'))
      .sort((a, b) => (a === 'history.jsonl' ? 1 : b === 'history.jsonl' ? -1 : a.localeCompare(b)))
      .flatMap((file) => inRemote('cat-file', 'blob', `${BRANCH}:${file}`).trim().split('\n'))
      .map((line) => (JSON.parse(line) as HistoryRecord).kind);
    expect(inOrder).toHaveLength(31);
    expect(inOrder[12]).toBe('pin');

    const calls: string[][] = [];
    const reader = segmentedStore(calls);
    const pinned = await reader.pinned({ ...carts, service: 'svc0' });
    expect(pinned).toMatchObject({ id: 'e3', pinned: true });
    // One shallow fetch without file contents, then history.jsonl and pins.json to find the pin,
    // and the one segment that holds e3 (pins.json says which).
    expect(calls.filter((argv) => argv[1] === 'fetch').map((argv) => argv.at(-1))).toEqual([
      `+refs/heads/${BRANCH}:refs/ci-connect/history/${BRANCH}`,
    ]);
    expect(calls.filter((argv) => argv[1] === 'cat-file')).toHaveLength(3);
    const reads = () => calls.filter((argv) => argv[1] === 'cat-file' || argv[1] === 'fetch').length;
    const newest = await reader.query({ ...carts, service: 'svc1', kind: 'evaluation', limit: 1 });
    expect(newest.map((r) => r.id)).toEqual(['e28']);
    const before = reads();
    expect((await reader.query({ ...carts, service: 'svc1', limit: 1 })).map((r) => r.id)).toEqual(['e28']);
    expect(reads()).toBe(before);
    // Further back: segments are fetched a few at a time, newest first.
    expect(
      (await reader.query({ ...carts, service: 'svc1', kind: 'evaluation', limit: 3 })).map((r) => r.id),
    ).toEqual(['e28', 'e25', 'e22']);
    // The whole history, in append order, for export.
    const ids: string[] = [];
    for await (const record of reader.entries()) if (record.kind === 'evaluation') ids.push(record.id);
    expect(ids).toEqual(Array.from({ length: 30 }, (_, i) => `e${i + 1}`));
    await reader.close();
  });

  it('reads a pin from history.jsonl, from pins.json, and without pins.json from the segments', async () => {
    const { env } = setUp();
    const writer = segmentedStore();
    await writer.append(sampleEvaluation('old'));
    await writer.pin('old');
    for (let i = 0; i < 12; i++) await writer.append(sampleEvaluation(`n${i}`, { service: 'other' }));
    await writer.close();
    const reader = segmentedStore();
    expect(await reader.pinned({ ...carts })).toMatchObject({ id: 'old', pinned: true });
    await reader.close();
    // A branch whose pins.json is gone (edited by hand) is read back through its segments.
    const clone = path.join(world!.root, 'edit');
    gitIn(world!.root, env, 'clone', '--quiet', '--branch', BRANCH, world!.remote, clone);
    gitIn(clone, env, 'rm', '--quiet', 'segments/pins.json');
    gitIn(clone, env, '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '--quiet', '-m', 'edit');
    gitIn(clone, env, 'push', '--quiet', 'origin', BRANCH);
    const rereader = segmentedStore();
    expect(await rereader.pinned({ ...carts })).toMatchObject({ id: 'old', pinned: true });
    await rereader.unpin({ ...carts });
    expect(await rereader.pinned({ ...carts })).toBeUndefined();
    // Pinned again, sealed, then invalidated and sealed: pins.json says it is no baseline.
    await rereader.pin('old');
    for (let i = 0; i < 6; i++) await rereader.append(sampleEvaluation(`m${i}`, { service: 'other' }));
    await rereader.invalidate('old', 'wrong cluster');
    for (let i = 0; i < 6; i++) await rereader.append(sampleEvaluation(`k${i}`, { service: 'other' }));
    await rereader.close();
    const summary = JSON.parse(
      gitIn(world!.remote, env, 'cat-file', 'blob', `${BRANCH}:segments/pins.json`),
    ) as {
      pins: unknown[];
    };
    expect(summary.pins).toEqual([{ ...carts, target: 'old', segment: 1, invalidated: true }]);
    const last = segmentedStore();
    expect(await last.pinned({ ...carts })).toBeUndefined();
    expect(await last.get('old')).toMatchObject({ invalidated: true });
    await last.close();
  });

  it('imports in one commit, sealing segments as it goes, and importing again adds nothing', async () => {
    const { inRemote } = setUp();
    const records = Array.from({ length: 25 }, (_, i) => sampleEvaluation(`i${i}`));
    const store = segmentedStore();
    await store.append(sampleEvaluation('i3'));
    expect(await store.import(records)).toEqual({ added: 24, present: 1 });
    expect(inRemote('rev-list', '--count', BRANCH).trim()).toBe('2');
    expect(inRemote('log', '-1', '--format=%s', BRANCH).trim()).toBe('ci-connect: import 24 records');
    expect(await store.import(records)).toEqual({ added: 0, present: 25 });
    expect(inRemote('rev-list', '--count', BRANCH).trim()).toBe('2');
    await store.close();
    const reader = segmentedStore();
    expect(await reader.query({ ...carts })).toHaveLength(25);
    await reader.close();
  });

  it('skips a damaged line with one warning, and refuses a branch that holds other files', async () => {
    const { env, inRemote } = setUp();
    const clone = path.join(world!.root, 'edit');
    gitIn(world!.root, env, 'clone', '--quiet', world!.remote, clone);
    gitIn(clone, env, 'checkout', '--quiet', '--orphan', BRANCH);
    gitIn(clone, env, 'rm', '-r', '--quiet', '--cached', '.');
    writeFileSync(
      path.join(clone, 'history.jsonl'),
      `${JSON.stringify(sampleEvaluation('a'))}\n{"schemaVersion":1,"id":"cut\n${JSON.stringify(sampleEvaluation('b'))}\n`,
    );
    gitIn(clone, env, 'add', 'history.jsonl');
    gitIn(clone, env, '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '--quiet', '-m', 'by hand');
    gitIn(clone, env, 'push', '--quiet', 'origin', BRANCH);
    const logger = createMemoryLogger();
    const store = openGitStore(`git:${BRANCH}`, job, env, { logger });
    expect((await store.query({ ...carts })).map((r) => r.id)).toEqual(['b', 'a']);
    await store.append(sampleEvaluation('c'));
    expect(logger.lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
      `${BRANCH}:history.jsonl:2: skipped a line that is not a complete history record (a writer was probably interrupted)`,
    ]);
    await store.close();

    const main = openGitStore('git:main', job, env);
    const before = inRemote('rev-parse', 'main');
    const error = await failure(main.append(sampleEvaluation('x')), 2);
    expect(error.message).toContain('is not a ci-connect history branch: it holds README.md');
    expect(inRemote('rev-parse', 'main')).toBe(before);
    await main.close();
  });

  it('works with a remote that cannot leave out file contents (no uploadpack.allowFilter)', async () => {
    const { env } = setUp({ filters: false });
    const store = openGitStore(`git:${BRANCH}`, job, env);
    await store.append(sampleEvaluation('e1'));
    await store.close();
    const reader = openGitStore(`git:${BRANCH}@origin`, job, env);
    expect(await reader.get('e1')).toStrictEqual(sampleEvaluation('e1'));
    await reader.close();
  });
});

/** Rejects with a CiConnectError of this exit code; returns it. */
async function failure(promise: Promise<unknown>, exitCode: number): Promise<CiConnectError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CiConnectError);
  expect((error as CiConnectError).exitCode, (error as Error).message).toBe(exitCode);
  return error as CiConnectError;
}
