// bin/run.js loads the bundle with a V8 code cache (packages/cli/src/bundle-loader.ts): an
// optimisation only. Whatever the cache directory holds or refuses, the CLI answers the same.
import { execFile } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import { repoRoot } from './support/real-components.js';

const SLO =
  'spec_version: "1.0"\nobjectives:\n  - sli: error_rate\n    pass: [{criteria: ["<=1"]}]\ntotal_score: {pass: "90%", warning: "75%"}\n';
const evaluateArgs = [
  'evaluate',
  '--slo',
  'slo.yaml',
  '--values',
  'values.json',
  '--history',
  'file:h.jsonl',
];

let work: string;
let cacheDir: string;

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'ci-connect-compile-cache-test-'));
  writeFileSync(path.join(work, 'slo.yaml'), SLO);
  writeFileSync(path.join(work, 'values.json'), '{"error_rate": 0.2}');
  cacheDir = path.join(work, 'cache');
});

// Each test leaves a megabyte or more of cache: not in the shared temp dir for good.
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

function evaluate(env: Record<string, string> = {}): Promise<CliRun> {
  return runCli([...evaluateArgs, '--json'], { cwd: work, env: { CI_CONNECT_CACHE_DIR: cacheDir, ...env } });
}

function expectPass(run: CliRun): void {
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  expect((JSON.parse(run.stdout) as { result: string }).result).toBe('pass');
}

function cacheFiles(): string[] {
  return readdirSync(cacheDir).filter((name) => name.endsWith('.v8cache'));
}

describe('code cache of the bundle', () => {
  it('is written per command on the first run and used, unchanged, by the next', async () => {
    expectPass(await evaluate());
    expect(cacheFiles()).toEqual([expect.stringMatching(/-evaluate\.v8cache$/)]);
    const written = statSync(path.join(cacheDir, cacheFiles()[0] as string));
    expectPass(await evaluate());
    // Rewritten (a new inode, by rename) only when V8 rejected it.
    expect(statSync(path.join(cacheDir, cacheFiles()[0] as string)).ino).toBe(written.ino);
    const version = await runCli(['--version'], { env: { CI_CONNECT_CACHE_DIR: cacheDir } });
    expect(version.exitCode).toBe(0);
    expect(cacheFiles()).toHaveLength(2);
  });

  it("keeps the bundle's dynamic imports working when it comes from the cache", async () => {
    // Node 20 drops a vm script's import() callback with cached data: axios is imported lazily.
    writeFileSync(path.join(work, 'sli.yaml'), 'spec_version: "1.0"\nindicators:\n  error_rate: "up"\n');
    const args = [
      ...evaluateArgs.slice(0, 3),
      '--sli',
      'prometheus=sli.yaml',
      '--history',
      'file:h.jsonl',
      '--json',
    ];
    const env = { CI_CONNECT_CACHE_DIR: cacheDir, PROMETHEUS_URL: 'http://127.0.0.1:1' };
    for (const attempt of ['compiles', 'loads the cache']) {
      const run = await runCli(args, { cwd: work, env });
      expect(JSON.parse(run.stdout), attempt).toMatchObject({
        kind: 'error',
        code: 'UNAVAILABLE',
        exitCode: 3,
      });
    }
  });

  it("is written for a topic's commands too, one cache each", async () => {
    expectPass(await evaluate());
    for (const args of [
      ['history', 'list', '--history', 'file:h.jsonl'],
      ['history', 'export', '--history', 'file:h.jsonl'],
    ]) {
      const run = await runCli(args, { cwd: work, env: { CI_CONNECT_CACHE_DIR: cacheDir } });
      expect(run.exitCode, run.stderr).toBe(0);
    }
    expect(
      cacheFiles()
        .map((name) => /-([a-z.-]+)\.v8cache$/.exec(name)?.[1])
        .sort(),
    ).toEqual(['evaluate', 'history.export', 'history.list']);
  });

  it('is not written for a mistyped command, nor with NODE_DISABLE_COMPILE_CACHE', async () => {
    const typo = await runCli(['evalute'], { cwd: work, env: { CI_CONNECT_CACHE_DIR: cacheDir } });
    expect(typo.exitCode).toBe(2);
    const topicTypo = await runCli(['history', 'lst'], {
      cwd: work,
      env: { CI_CONNECT_CACHE_DIR: cacheDir },
    });
    expect(topicTypo.exitCode).toBe(2);
    expectPass(await evaluate({ NODE_DISABLE_COMPILE_CACHE: '1' }));
    expect(() => cacheFiles()).toThrow(/ENOENT/);
  });

  it('is skipped when its directory cannot be created', async () => {
    writeFileSync(path.join(work, 'a-file'), '');
    cacheDir = path.join(work, 'a-file', 'cache');
    expectPass(await evaluate());
    expectPass(await evaluate());
  });

  it.skipIf(process.getuid?.() === 0)('is skipped in a read-only directory (not as root)', async () => {
    mkdirSync(cacheDir, { mode: 0o500 });
    expectPass(await evaluate());
    expect(cacheFiles()).toEqual([]);
    chmodSync(cacheDir, 0o700);
  });

  it('is neither written nor read in a directory others can write to', async () => {
    mkdirSync(cacheDir);
    chmodSync(cacheDir, 0o777);
    expectPass(await evaluate());
    expect(cacheFiles()).toEqual([]);
  });

  it('is replaced when corrupt, or when V8 rejects it', async () => {
    expectPass(await evaluate());
    const file = path.join(cacheDir, cacheFiles()[0] as string);
    writeFileSync(file, 'not a cache');
    expectPass(await evaluate());
    expect(readFileSync(file).length).toBeGreaterThan(100_000);
    // A whole file (its checksum matches) of data V8 does not accept.
    const data = Buffer.alloc(4096, 7);
    writeFileSync(file, Buffer.concat([createHash('sha256').update(data).digest(), data]));
    expectPass(await evaluate());
    expect(readFileSync(file).length).toBeGreaterThan(100_000);
  });

  it('is not used for a bundle changed in place, even at the same length', async () => {
    const copy = path.join(work, 'cli');
    for (const part of ['bin', 'package.json', 'dist/ci-connect.cjs', 'dist/bundle-loader.js'])
      cpSync(path.join(repoRoot, 'packages/cli', part), path.join(copy, part), { recursive: true });
    const run = (): Promise<CliRun> => runCopy(path.join(copy, 'bin/run.js'));
    expect(JSON.parse((await run()).stdout)).toMatchObject({
      message: expect.stringMatching(/reached the pass/),
    });
    expect(cacheFiles()).toHaveLength(1);
    const bundle = path.join(copy, 'dist/ci-connect.cjs');
    const before = statSync(bundle);
    writeFileSync(
      bundle,
      readFileSync(bundle, 'latin1').replace('reached the pass', 'REACHED THE PASS'),
      'latin1',
    );
    utimesSync(bundle, before.atime, new Date(before.mtimeMs + 1000));
    expect(JSON.parse((await run()).stdout)).toMatchObject({
      message: expect.stringMatching(/REACHED THE PASS/),
    });
  });
});

/** Runs a copy of the CLI (runCli runs the repository's). */
function runCopy(bin: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...evaluateArgs, '--json'],
      { cwd: work, env: { ...process.env, CI_CONNECT_CACHE_DIR: cacheDir } },
      (error, stdout, stderr) =>
        resolve({ exitCode: error === null ? 0 : Number(error.code), stdout, stderr }),
    );
  });
}
