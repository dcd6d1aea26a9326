/**
 * The `file:` history store under real concurrency: separate Node processes appending to one
 * file at once, and writers killed with SIGKILL (DESIGN.md section 4: concurrent writers lose
 * nothing; a crash never leaves a torn line that breaks reading).
 *
 * The children run plain JS: beforeAll transpiles the history module and what it imports from
 * packages/core/src with TypeScript's transpileModule into a temporary directory. That needs no
 * build of the whole package (which other work in progress may break) and no TS loader in the
 * children: 20 of them are up in about two seconds on 2 cores.
 */

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../packages/core/src/environment.js';
import { ExternalSystemError } from '../packages/core/src/errors.js';
import { FileHistoryStore } from '../packages/core/src/history/file/file-history-store.js';
import { sampleEvaluation } from '../packages/core/src/history/test-support/history-store-contract.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const coreSrc = join(root, 'packages/core/src');
const writerScript = join(root, 'test/support/history-writer.js');
const carts = { project: 'shop', stage: 'hardening', service: 'carts' };

let work = '';
let moduleDir = '';
let historyFile = '';
const children = new Set<ChildProcessWithoutNullStreams>();

/** Transpiles `entry` and every relative module it imports at run time into `outDir`. */
async function transpileClosure(entry: string, outDir: string): Promise<void> {
  const pending = [entry];
  const done = new Set<string>();
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (done.has(file)) continue;
    done.add(file);
    const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2023,
        verbatimModuleSyntax: true,
      },
    });
    const out = join(outDir, relative(coreSrc, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, outputText);
    // Type-only imports are gone from the output, so these are exactly the run-time ones.
    for (const match of outputText.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
      pending.push(resolve(dirname(file), `${match[1]}.ts`));
    }
  }
  await writeFile(join(outDir, 'package.json'), '{"type":"module"}\n');
}

function startWriter(...args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [writerScript, moduleDir, historyFile, ...args]);
  children.add(child);
  child.on('exit', () => children.delete(child));
  child.stderr.setEncoding('utf8');
  return child;
}

/** Resolves with the first stdout line `accept` returns true for. */
function waitForLine(
  child: ChildProcessWithoutNullStreams,
  accept: (line: string) => boolean,
): Promise<string> {
  return new Promise((done, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (!accept(line)) return;
      lines.close();
      done(line);
    });
    child.on('exit', (code) => fail(new Error(`writer exited (${code}) before printing the line`)));
  });
}

/** The exit code and everything written to stderr (warnings included: none are expected). */
function waitForExit(
  child: ChildProcessWithoutNullStreams,
): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr.on('data', (text: string) => (stderr += text));
  return new Promise((done) => child.on('exit', (code) => done({ code, stderr })));
}

async function readLines(): Promise<string[]> {
  return (await readFile(historyFile, 'utf8')).split('\n');
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ci-connect-history-processes-'));
  moduleDir = join(work, 'core');
  await transpileClosure(join(coreSrc, 'history/index.ts'), moduleDir);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(work, { recursive: true, force: true });
});

describe('file: history store across processes', () => {
  const logger = createMemoryLogger();
  beforeEach(async () => {
    historyFile = join(await mkdtemp(join(work, 'run-')), 'history.jsonl');
    logger.lines.length = 0;
  });

  it('loses nothing when 20 processes append 25 records each at once', async () => {
    const writers = Array.from({ length: 20 }, (_, i) => startWriter('batch', `w${i}`, '25'));
    await Promise.all(writers.map((child) => waitForLine(child, (line) => line === 'ready')));
    const exits = writers.map(waitForExit);
    for (const child of writers) child.stdin.write('go\n');
    expect(await Promise.all(exits)).toEqual(writers.map(() => ({ code: 0, stderr: '' })));

    const lines = await readLines();
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(500);
    const ids = lines.map((line) => (JSON.parse(line) as { id: string }).id);
    const expected = Array.from({ length: 20 }, (_, w) => Array.from({ length: 25 }, (_, i) => `w${w}-${i}`));
    expect(new Set(ids)).toEqual(new Set(expected.flat()));
    // Each writer's own records keep their order.
    for (const own of expected) expect(ids.filter((id) => own.includes(id))).toEqual(own);
    expect(await new FileHistoryStore({ path: historyFile, logger }).query(carts)).toHaveLength(500);
    expect(logger.lines).toEqual([]);
  });

  it('stays readable and writable after a writer is killed mid-run', async () => {
    const child = startWriter('loop', 'k', '1000');
    const appended: string[] = [];
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => appended.push(line));
    await waitForLine(child, (line) => line === 'k-40');
    const exited = new Promise((done) => child.on('exit', done));
    child.kill('SIGKILL');
    await exited;

    const raw = await readLines();
    const fragment = raw.pop();
    for (const line of raw) expect(() => JSON.parse(line) as unknown).not.toThrow();
    const store = new FileHistoryStore({
      path: historyFile,
      logger,
      lock: { staleMs: 1000, timeoutMs: 5000 },
    });
    const started = Date.now();
    await store.append(sampleEvaluation('after-kill'));
    expect(Date.now() - started).toBeLessThan(4000);

    const stored = (await store.query(carts)).map((record) => record.id);
    expect(stored[0]).toBe('after-kill');
    expect(stored).toEqual(expect.arrayContaining(appended));
    // At most the one fragment the kill may have cut is skipped, and only if there was one.
    const skipped = logger.lines.filter((line) => line.message.includes('not a complete history record'));
    expect(skipped.length).toBeLessThanOrEqual(fragment === '' ? 0 : 1);
  });

  it('waits for a living lock holder, and takes over within seconds once it is killed', async () => {
    const holder = startWriter('hold', '1500');
    await waitForLine(holder, (line) => line === 'locked');
    const store = (timeoutMs: number) =>
      new FileHistoryStore({ path: historyFile, logger, lock: { staleMs: 1500, timeoutMs } });
    // Longer than staleMs: the holder's heartbeat keeps the lock fresh, so it is not broken.
    await expect(store(2500).append({ schemaVersion: 1, id: 'x', kind: 'k' })).rejects.toBeInstanceOf(
      ExternalSystemError,
    );

    const exited = new Promise((done) => holder.on('exit', done));
    holder.kill('SIGKILL');
    await exited;
    const started = Date.now();
    await store(10_000).append(sampleEvaluation('after-kill'));
    expect(Date.now() - started).toBeLessThan(4000);
    expect((await store(10_000).get('after-kill'))?.id).toBe('after-kill');
    expect(logger.lines.map((line) => line.message)).toEqual([
      expect.stringMatching(
        /^removed the stale lock .*history\.jsonl\.lock \(pid \d+ on .*\): its writer stopped$/,
      ),
    ]);
  });
});
