import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { runProcess } from './process.js';
import type { ProcessSpec } from './process.js';

const node = process.execPath;
let dir: string;
beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'run-process-')));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Every pid a test saw is killed afterwards, so a failing test cannot leave sleepers behind.
const seenPids: number[] = [];
afterEach(() => {
  for (const pid of seenPids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
});

/** Asserts the pid was announced and no longer names a running process. */
function expectGone(pid: number | undefined): void {
  expect(pid).toBeGreaterThan(0);
  expect(isAlive(pid ?? Number.NaN)).toBe(false);
}

/** Whether pid names a running process; a zombie waiting to be reaped by PID 1 is not running. */
function isAlive(pid: number): boolean {
  if (!existsSync('/proc/self/stat')) return signalZeroSucceeds(pid);
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

function signalZeroSucceeds(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs node with an inline script; lines are collected per stream. */
async function runNode(script: string, extra: Partial<ProcessSpec> & { args?: string[] } = {}) {
  const lines: { stream: string; line: string }[] = [];
  const result = await runProcess({
    argv: [node, '-e', script, ...(extra.args ?? [])],
    timeoutMs: 20_000,
    onLine: (stream, line) => lines.push({ stream, line }),
    ...extra,
  });
  return { result, lines };
}

// A parent that starts a grandchild in the same process group, prints both pids, and waits.
// With IGNORE_TERM=1 the grandchild survives SIGTERM, so only the SIGKILL escalation ends it.
const PARENT_WITH_GRANDCHILD = `
const { spawn } = require('node:child_process');
const grandchild = spawn(process.execPath, ['-e', \`
  if (process.env.IGNORE_TERM === '1') process.on('SIGTERM', () => {});
  console.log('grandchild ' + process.pid);
  setInterval(() => {}, 1000);
\`], { stdio: ['ignore', 'inherit', 'inherit'] });
console.log('parent ' + process.pid);
setInterval(() => {}, 1000);
`;

/** onLine that records the announced pids and resolves once both are known. */
function pidCollector() {
  const pids: Record<string, number> = {};
  let announce: () => void = () => undefined;
  const bothKnown = new Promise<void>((resolve) => (announce = resolve));
  const onLine = (_stream: 'stdout' | 'stderr', line: string): void => {
    const match = /^(parent|grandchild) (\d+)$/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) return;
    pids[match[1]] = Number(match[2]);
    seenPids.push(Number(match[2]));
    if (pids.parent !== undefined && pids.grandchild !== undefined) announce();
  };
  return { pids, onLine, bothKnown };
}

describe('runProcess', () => {
  it.each([0, 1, 3, 42])('reports exit code %i as a result, not an exception', async (code) => {
    const { result } = await runNode(`process.exit(${code})`);
    expect(result).toMatchObject({ exitCode: code, signal: null, timedOut: false, aborted: false });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('delivers every line of both streams, including a last line without a line break', async () => {
    const { lines, result } = await runNode(
      `process.stdout.write('one\\r\\ntwo\\n'); process.stderr.write('warn: é\\n'); process.stdout.write('three')`,
    );
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => l.line)).toEqual(['one', 'two', 'three']);
    expect(lines.filter((l) => l.stream === 'stderr').map((l) => l.line)).toEqual(['warn: é']);
    expect(result.stdoutTail).toBe('one\r\ntwo\nthree');
    expect(result.stderrTail).toBe('warn: é\n');
  });

  it('keeps only the end of a chatty stream', async () => {
    const { result } = await runNode(
      `for (let i = 0; i < 20000; i++) console.log('line ' + i); console.error('x'.repeat(300000) + 'END')`,
      { onLine: undefined },
    );
    expect(result.stdoutTail.length).toBe(64 * 1024);
    expect(result.stdoutTail.endsWith('line 19999\n')).toBe(true);
    expect(result.stderrTail.length).toBe(64 * 1024);
    expect(result.stderrTail.endsWith('xEND\n')).toBe(true);
  });

  it('writes input to stdin and closes it; without input stdin is empty', async () => {
    const echo = `let s = ''; process.stdin.setEncoding('utf8'); process.stdin.on('data', (d) => (s += d)); process.stdin.on('end', () => console.log(JSON.stringify(s)))`;
    const text = 'first line\nsecond é\n'.repeat(20_000);
    const given = await runNode(echo, { onLine: undefined, input: text, tailBytes: 4 * 1024 * 1024 });
    expect(JSON.parse(given.result.stdoutTail)).toBe(text);
    const bytes = await runNode(echo, { input: Buffer.from('raw') });
    expect(bytes.lines[0]?.line).toBe('"raw"');
    const none = await runNode(echo);
    expect(none.lines[0]?.line).toBe('""');
  });

  it('ends normally when the process exits without reading its input', async () => {
    const { result } = await runNode(`process.exit(3)`, { input: 'x'.repeat(4 * 1024 * 1024) });
    expect(result.exitCode).toBe(3);
  });

  it('honours a smaller tail size', async () => {
    const { result } = await runNode(`console.log('abcdefghij')`, { tailBytes: 4 });
    expect(result.stdoutTail).toBe('hij\n');
  });

  it('passes exactly the given environment and working directory', async () => {
    const { lines } = await runNode(
      `console.log(JSON.stringify({ mine: process.env.CI_CONNECT_TEST_VAR, home: process.env.HOME ?? null, dropped: 'DROPPED' in process.env, cwd: process.cwd() }))`,
      { env: { CI_CONNECT_TEST_VAR: 'from-spec', DROPPED: undefined }, cwd: dir },
    );
    expect(JSON.parse(lines[0]?.line ?? '')).toEqual({
      mine: 'from-spec',
      home: null,
      dropped: false,
      cwd: dir,
    });
  });

  it('passes arguments literally: no shell expands $(...), ; or globs', async () => {
    const marker = join(dir, 'shell-ran');
    const hostile = [`$(touch ${marker})`, `; touch ${marker}`, '`id`', '*', '"quoted" $HOME'];
    const { lines } = await runNode(`console.log(JSON.stringify(process.argv.slice(1)))`, {
      args: hostile,
    });
    expect(JSON.parse(lines[0]?.line ?? '')).toEqual(hostile);
    expect(existsSync(marker)).toBe(false);
  });

  it('kills the whole process group on timeout', async () => {
    const { pids, onLine } = pidCollector();
    const result = await runProcess({
      argv: [node, '-e', PARENT_WITH_GRANDCHILD],
      timeoutMs: 3000,
      killGraceMs: 20_000,
      onLine,
    });
    expect(result).toMatchObject({ timedOut: true, aborted: false, exitCode: null, signal: 'SIGTERM' });
    // SIGTERM reached the grandchild too: nothing waited for the 20 s SIGKILL escalation.
    expect(result.durationMs).toBeLessThan(15_000);
    expectGone(pids.parent);
    expectGone(pids.grandchild);
  });

  it('escalates to SIGKILL after the grace period for a child that ignores SIGTERM', async () => {
    const { pids, onLine, bothKnown } = pidCollector();
    const controller = new AbortController();
    void bothKnown.then(() => controller.abort());
    const result = await runProcess({
      argv: [node, '-e', PARENT_WITH_GRANDCHILD],
      env: { ...process.env, IGNORE_TERM: '1' },
      timeoutMs: 20_000,
      killGraceMs: 400,
      signal: controller.signal,
      onLine,
    });
    expect(result).toMatchObject({ aborted: true, timedOut: false });
    expect(result.durationMs).toBeGreaterThanOrEqual(400);
    expectGone(pids.parent);
    expectGone(pids.grandchild);
  });

  it('kills the whole process group on abort, well before the timeout', async () => {
    const { pids, onLine, bothKnown } = pidCollector();
    const controller = new AbortController();
    void bothKnown.then(() => controller.abort());
    const result = await runProcess({
      argv: [node, '-e', PARENT_WITH_GRANDCHILD],
      timeoutMs: 60_000,
      killGraceMs: 20_000,
      signal: controller.signal,
      onLine,
    });
    expect(result).toMatchObject({ aborted: true, timedOut: false, signal: 'SIGTERM' });
    // Well before the timeout, and without waiting for the 20 s SIGKILL escalation.
    expect(result.durationMs).toBeLessThan(15_000);
    expectGone(pids.parent);
    expectGone(pids.grandchild);
  });

  it('does not start anything when the signal is already aborted', async () => {
    const marker = join(dir, 'started');
    const result = await runProcess({
      argv: [node, '-e', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '')`],
      timeoutMs: 5000,
      signal: AbortSignal.abort(),
    });
    expect(result).toMatchObject({ aborted: true, exitCode: null });
    expect(existsSync(marker)).toBe(false);
  });

  it('turns a missing executable into a ConfigError (exit 2) with the caller hint', async () => {
    const run = runProcess({
      argv: ['ci-connect-no-such-tool', 'version'],
      timeoutMs: 5000,
      notFoundHint: 'install it or set tasks.deployment.helmBinary',
    });
    await expect(run).rejects.toBeInstanceOf(ConfigError);
    await expect(run).rejects.toMatchObject({
      message: 'ci-connect-no-such-tool not found on PATH',
      exitCode: 2,
      hint: 'install it or set tasks.deployment.helmBinary',
    });
  });

  it('names a missing absolute path and a missing working directory precisely', async () => {
    await expect(runProcess({ argv: [join(dir, 'no-such-helm')], timeoutMs: 5000 })).rejects.toMatchObject({
      message: `${join(dir, 'no-such-helm')} does not exist`,
      exitCode: 2,
    });
    await expect(
      runProcess({ argv: [node, '-e', ''], cwd: join(dir, 'no-such-dir'), timeoutMs: 5000 }),
    ).rejects.toMatchObject({ message: `working directory ${join(dir, 'no-such-dir')} does not exist` });
  });

  it('reports a file that is not executable as a ConfigError', async () => {
    const script = join(dir, 'not-executable');
    await writeFile(script, '#!/bin/sh\necho hi\n', { mode: 0o644 });
    await expect(runProcess({ argv: [script], timeoutMs: 5000 })).rejects.toMatchObject({
      message: `${script} cannot be run: permission denied`,
      exitCode: 2,
    });
  });

  it('stops the process and rejects with the error when onLine throws', async () => {
    const { pids, onLine: collect } = pidCollector();
    const run = runProcess({
      argv: [node, '-e', PARENT_WITH_GRANDCHILD],
      timeoutMs: 30_000,
      onLine: (stream, line) => {
        collect(stream, line);
        if (pids.parent !== undefined && pids.grandchild !== undefined) throw new Error('callback bug');
      },
    });
    await expect(run).rejects.toThrow('callback bug');
    expectGone(pids.parent);
    expectGone(pids.grandchild);
  });
});
