import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../environment.js';
import { taskStarted, taskTriggered } from './build-events.js';
import { createCloudEventRun } from './cloudevent-run.js';
import { FileCloudEventSink } from './file-sink.js';

const here = dirname(fileURLToPath(import.meta.url));
const hasMkfifo = spawnSync('mkfifo', ['--version']).error === undefined;
const subject = { project: 'shop', stage: 'dev', service: 'carts', sequence: 'delivery', labels: {} };

let work = '';
let path = '';
const logger = createMemoryLogger();

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ci-connect-cloudevents-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));
beforeEach(async () => {
  path = join(await mkdtemp(join(work, 'run-')), 'nested', 'events.jsonl');
  logger.lines.length = 0;
});

async function readLines(): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n');
}

describe('FileCloudEventSink', () => {
  it('appends each event as one JSON line, creating the directories, and leaves no lock', async () => {
    const run = createCloudEventRun({ env: {} });
    const sink = new FileCloudEventSink({ path, logger });
    const triggered = taskTriggered(run, subject, {
      task: 'test',
      properties: { teststrategy: 'functional' },
    });
    const started = taskStarted(run, subject, { task: 'test', triggeredId: triggered.id });
    expect(await sink.send(triggered)).toEqual({ delivered: true });
    expect(await sink.send(started)).toEqual({ delivered: true });
    const lines = await readLines();
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines.slice(0, 2).map((line) => JSON.parse(line) as unknown)).toStrictEqual([triggered, started]);
    await expect(stat(`${path}.lock`)).rejects.toThrow(/ENOENT/);
    expect(sink.target).toBe(`file:${path}`);
    expect(logger.lines).toEqual([]);
  });

  it('starts a new line after a fragment a killed writer left, so the event stays readable', async () => {
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, '{"specversion":"1.0","id":"torn');
    const event = taskTriggered(createCloudEventRun({ env: {} }), subject, { task: 'test' });
    await new FileCloudEventSink({ path, logger }).send(event);
    const lines = await readLines();
    expect(lines).toEqual(['{"specversion":"1.0","id":"torn', JSON.stringify(event), '']);
  });

  // appendLine's file guard refuses the path before anything is written; the warning says what
  // the path is.
  async function expectRefused(kind: string): Promise<void> {
    const event = taskTriggered(createCloudEventRun({ env: {}, newId: () => 'e-1' }), subject, {
      task: 'test',
    });
    const delivery = await new FileCloudEventSink({ path, logger }).send(event);
    const warning = `the CloudEvent sh.keptn.event.test.triggered (id e-1) was not written to ${path}: the path is ${kind}, not a regular file`;
    expect(delivery).toEqual({ delivered: false, warning, mayHaveArrived: false });
    expect(logger.lines).toEqual([{ level: 'warn', message: warning }]);
  }

  it('returns and logs a warning, without throwing, when the path is a directory', async () => {
    await mkdir(path, { recursive: true });
    await expectRefused('a directory');
  });

  // Opening a FIFO to append would wait for a reader, or hand the event to whoever reads it.
  it.skipIf(!hasMkfifo)(
    'refuses a FIFO at once, with the same warning (needs the mkfifo command)',
    async () => {
      await mkdir(dirname(path), { recursive: true });
      execFileSync('mkfifo', [path]);
      await expectRefused('a named pipe (FIFO)');
    },
    2000,
  );

  it('gives up on an event when the lock stays held, saying who holds it', async () => {
    await mkdir(`${path}.lock`, { recursive: true });
    const sink = new FileCloudEventSink({ path, logger, lock: { timeoutMs: 200, staleMs: 60_000 } });
    const delivery = await sink.send(
      taskTriggered(createCloudEventRun({ env: {} }), subject, { task: 'test' }),
    );
    expect(delivery.delivered).toBe(false);
    expect(logger.lines.map((line) => line.message)).toEqual([
      expect.stringMatching(
        /is locked by another writer and was not released within 0.2 s \(if no ci-connect/,
      ),
    ]);
  });
});

describe('FileCloudEventSink across processes', () => {
  let writer = '';
  beforeAll(async () => {
    // Bundled to one plain JS file: the children start in milliseconds and need no TS loader.
    writer = join(work, 'event-writer.mjs');
    await build({
      entryPoints: [join(here, 'test-support', 'event-writer.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: writer,
      logLevel: 'silent',
    });
  });

  it('loses nothing when 8 processes append 40 events each at once; every line is an event', async () => {
    await mkdir(dirname(path), { recursive: true });
    const children = Array.from({ length: 8 }, (_, w) =>
      spawn(process.execPath, [writer, path, `w${w}`, '40'], { timeout: 50_000 }),
    );
    const exits = children.map(
      (child) =>
        new Promise<{ code: number | null; stderr: string }>((done) => {
          let stderr = '';
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          child.on('exit', (code) => done({ code, stderr }));
        }),
    );
    await Promise.all(
      children.map(
        (child) => new Promise((ready) => createInterface({ input: child.stdout }).once('line', ready)),
      ),
    );
    for (const child of children) child.stdin.write('go\n');
    expect(await Promise.all(exits)).toEqual(children.map(() => ({ code: 0, stderr: '' })));

    const lines = await readLines();
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(320);
    const events = lines.map((line) => JSON.parse(line) as { id: string; shkeptncontext: string });
    const expected = Array.from({ length: 8 }, (_, w) => Array.from({ length: 40 }, (_, i) => `w${w}-${i}`));
    expect(new Set(events.map((event) => event.id))).toEqual(new Set(expected.flat()));
    // Each writer's events keep their order.
    for (const [w, own] of expected.entries()) {
      expect(events.filter((event) => event.shkeptncontext === `w${w}`).map((event) => event.id)).toEqual(
        own,
      );
    }
  });
});
