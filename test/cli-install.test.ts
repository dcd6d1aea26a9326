// The published package as a user installs it (issue 11): `npm pack` of packages/cli, installed
// from the tarball into an empty prefix with an empty cache and no registry in reach, then a real
// gate run with the installed `ci-connect`, from a directory outside this repository.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type * as Listr2 from 'listr2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findFreePort } from './support/free-port.js';
import { cliPackageDir, installPackedCli, npm, publishDryRun, type PackedCli } from './support/packed-cli.js';
import { describeWithReal, repoRoot } from './support/real-components.js';

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the installed bin itself (its shebang finds `node` on PATH), in `cwd`, with a clean env. */
function runInstalled(
  bin: string,
  args: readonly string[],
  cwd: string,
  extraEnv: Record<string, string> = {},
): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !key.startsWith('CI_CONNECT_') && !/^npm_/i.test(key) && !/_proxy$/i.test(key),
      ),
    ),
    ...extraEnv,
  };
  // The Node running the tests first on PATH: the one `#!/usr/bin/env node` gets.
  env.PATH = [path.dirname(process.execPath), env.PATH ?? ''].join(path.delimiter);
  return new Promise((resolve) => {
    execFile(bin, args, { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ exitCode, stdout, stderr });
    });
  });
}

/** Directories the tests made, removed after them. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A gate in a fresh directory: response time (pass <500, warning <=800) and errors (pass <=1). */
function gateDir(values: Record<string, number | null>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-install-gate-'));
  made.push(dir);
  writeFileSync(
    path.join(dir, 'slo.yaml'),
    [
      'spec_version: "1.0"',
      'objectives:',
      '  - sli: response_time_p95',
      '    pass: [{criteria: ["<500"]}]',
      '    warning: [{criteria: ["<=800"]}]',
      '  - sli: error_rate',
      '    pass: [{criteria: ["<=1"]}]',
      'total_score: {pass: "90%", warning: "50%"}',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'values.json'), JSON.stringify(values));
  return dir;
}

const gateArgs = [
  'evaluate',
  '--slo',
  'slo.yaml',
  '--values',
  'values.json',
  '--history',
  'file:history.jsonl',
  '--project',
  'shop',
  '--stage',
  'hardening',
  '--service',
  'carts',
  '--version',
  '1.4.2',
];

describeWithReal(npm, 'the packed CLI, installed with the registry out of reach', () => {
  let cli: PackedCli;
  beforeAll(async () => {
    cli = await installPackedCli();
  }, 180_000);

  it('installs the bin as an executable outside the repository', () => {
    expect(path.isAbsolute(cli.bin)).toBe(true);
    const target = realpathSync(cli.bin);
    expect(target).toBe(realpathSync(path.join(cli.prefix, 'node_modules/ci-connect/bin/run.js')));
    expect(path.relative(repoRoot, target).startsWith('..')).toBe(true);
  });

  it('names no path of the checkout it was built in', () => {
    const installed = path.join(cli.prefix, 'node_modules/ci-connect');
    const files = readdirSync(installed, { recursive: true, withFileTypes: true }).filter((entry) =>
      entry.isFile(),
    );
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = readFileSync(path.join(file.parentPath, file.name), 'latin1');
      expect(text.includes(repoRoot), file.name).toBe(false);
      expect(text.includes(realpathSync(repoRoot)), file.name).toBe(false);
    }
  });

  it('declares nothing that needs a registry: no dependencies of any kind', () => {
    const manifest = JSON.parse(
      readFileSync(path.join(cli.prefix, 'node_modules/ci-connect/package.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      name: 'ci-connect',
      version: '0.1.0',
      bin: { 'ci-connect': 'bin/run.js' },
    });
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies']) {
      expect(manifest[field], field).toBeUndefined();
    }
    // npm installed the CLI alone.
    const lock = JSON.parse(readFileSync(path.join(cli.prefix, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>;
    };
    expect(Object.keys(lock.packages).sort()).toEqual(['', 'node_modules/ci-connect']);
  });

  it('ships every file the bundle imports lazily, with the names it takes from them', async () => {
    const dist = path.join(cli.prefix, 'node_modules/ci-connect/dist');
    const bundle = readFileSync(path.join(dist, 'ci-connect.cjs'), 'utf8');
    const imported = [...bundle.matchAll(/__impt\("(\.\/[^"]+)"\)/g)].map((match) => match[1]);
    expect([...new Set(imported)].sort()).toEqual([
      './vendor/axios.mjs',
      './vendor/gitbeaker-rest.mjs',
      './vendor/listr2.mjs',
    ]);
    // The vendored gitbeaker has the resource core's GitLab merge request note is written with.
    const gitbeaker = (await import(
      pathToFileURL(path.join(dist, 'vendor/gitbeaker-rest.mjs')).href
    )) as Record<string, unknown>;
    expect(typeof gitbeaker.MergeRequestNotes).toBe('function');
    const axios = (await import(pathToFileURL(path.join(dist, 'vendor/axios.mjs')).href)) as Record<
      string,
      unknown
    >;
    expect(typeof (axios.default as { create?: unknown }).create).toBe('function');
    expect(typeof axios.getProxyForUrl).toBe('function');
    expect(typeof axios.shouldBypassProxy).toBe('function');
    // The vendored listr2 draws a task list the way src/output/stage-progress.ts has it draw one.
    const listr2 = (await import(pathToFileURL(path.join(dist, 'vendor/listr2.mjs')).href)) as typeof Listr2;
    class StderrRenderer extends listr2.DefaultRenderer {
      static override nonTTY = true;
    }
    const stream = new PassThrough();
    let drawn = '';
    stream.on('data', (chunk: Buffer) => (drawn += chunk.toString('utf8')));
    // listr2 writes to it and reads nothing a terminal has that a stream has not.
    const terminal = stream as unknown as NodeJS.WriteStream;
    const tasks = [
      { title: 'deployment', task: () => undefined },
      { title: 'test', task: () => Promise.reject(new Error('test failed')) },
    ];
    await new listr2.Listr(tasks, {
      concurrent: false,
      exitOnError: false,
      renderer: StderrRenderer,
      rendererOptions: {
        logger: new listr2.ListrLogger({ processOutput: new listr2.ProcessOutput(terminal, terminal) }),
      },
    })
      .run()
      .catch(() => undefined);
    expect(drawn).toContain('✔ deployment\n✖ test failed');
    expect(readFileSync(path.join(dist, 'THIRD-PARTY-NOTICES.txt'), 'utf8')).toMatch(/^axios@\S+ \(MIT\)$/m);
  });

  it('publishes as packed: npm corrects nothing in package.json, and only what runs is uploaded', async () => {
    const { files, stderr } = await publishDryRun();
    expect(stderr).not.toMatch(/auto-corrected|invalid and removed/);
    expect(files).toEqual([
      'LICENSE',
      'README.md',
      'bin/run.js',
      'dist/THIRD-PARTY-NOTICES.txt',
      'dist/bundle-loader.js',
      'dist/ci-connect.cjs',
      'dist/vendor/axios.mjs',
      'dist/vendor/gitbeaker-rest.mjs',
      'dist/vendor/listr2.mjs',
      'package.json',
    ]);
  });

  it('carries the licence package.json declares, the text of the repository root', () => {
    const manifest = JSON.parse(readFileSync(path.join(cliPackageDir, 'package.json'), 'utf8')) as {
      license: string;
    };
    expect(manifest.license).toBe('Apache-2.0');
    const root = readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8');
    expect(root).toMatch(/^\s*Apache License\n\s*Version 2\.0, January 2004\n/);
    expect(readFileSync(path.join(cli.prefix, 'node_modules/ci-connect/LICENSE'), 'utf8')).toBe(root);
  });

  it('prints its version', async () => {
    const run = await runInstalled(cli.bin, ['--version'], cli.prefix);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ci-connect\/0\.1\.0 /);
  });

  it.each(['test', 'development'])(
    'writes nothing to stderr with NODE_ENV=%s (oclif would look for TypeScript sources)',
    async (nodeEnv) => {
      const run = await runInstalled(cli.bin, ['--version'], cli.prefix, { NODE_ENV: nodeEnv });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
    },
  );

  it.each([
    ['passes', { response_time_p95: 300, error_rate: 0.5 }, [], 0, 'pass'],
    ['fails', { response_time_p95: 900, error_rate: 5 }, [], 1, 'fail'],
    ['warns, exit 0 by default', { response_time_p95: 600, error_rate: 0.5 }, [], 0, 'warning'],
    [
      'warns, exit 4 with --on-warning warn',
      { response_time_p95: 600, error_rate: 0.5 },
      ['--on-warning', 'warn'],
      4,
      'warning',
    ],
  ])('runs a gate that %s', async (_title, values, extra, exitCode, result) => {
    const dir = gateDir(values);
    const run = await runInstalled(cli.bin, [...gateArgs, '--json', ...extra], dir);
    expect(run.exitCode, run.stderr).toBe(exitCode);
    const evaluation = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(evaluation).toMatchObject({
      schemaVersion: 1,
      kind: 'evaluation',
      project: 'shop',
      stage: 'hardening',
      service: 'carts',
      version: '1.4.2',
      result,
    });
    expect((evaluation.objectives as unknown[]).length).toBe(2);
    const history = readFileSync(path.join(dir, 'history.jsonl'), 'utf8').trim().split('\n');
    expect(history.map((line) => (JSON.parse(line) as { id: string }).id)).toEqual([evaluation.id]);
  });

  it('redacts tokens from an internal error, exits 70 and says where to report the bug', async () => {
    const dir = gateDir({ response_time_p95: 300, error_rate: 0.5 });
    const token = 'dt0c01.INSTALLEDTESTTOKEN0000000.SECRETPART0000000000000000000000000000000000000000000000';
    // randomUUID throws with the token in its message: an error ci-connect did not anticipate.
    const preload = `data:text/javascript,${encodeURIComponent(
      "import crypto from 'node:crypto'; import { syncBuiltinESMExports } from 'node:module'; crypto.randomUUID = () => { throw new TypeError('simulated bug with ' + process.env.DT_API_TOKEN); }; syncBuiltinESMExports();",
    )}`;
    const run = await runInstalled(cli.bin, [...gateArgs, '--json'], dir, {
      DT_API_TOKEN: token,
      NODE_OPTIONS: `--import=${preload}`,
      CI_CONNECT_DEBUG: '1',
    });
    expect(run.exitCode, run.stderr).toBe(70);
    expect(run.stderr).toContain('internal error: simulated bug with ***');
    expect(run.stdout + run.stderr).not.toContain('SECRETPART');
    const { bugs } = JSON.parse(readFileSync(path.join(cliPackageDir, 'package.json'), 'utf8')) as {
      bugs: string;
    };
    expect(bugs).toMatch(/^https:\/\//);
    expect(run.stderr).toMatch(new RegExp(`hint: this is a bug in ci-connect; please report it .*${bugs}`));
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'error', code: 'INTERNAL', exitCode: 70 });
  });

  it('reaches monitoring APIs with the bundled axios, and names the proxy it goes through', async () => {
    const port = await findFreePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-install-doctor-'));
    made.push(dir);
    const run = await runInstalled(cli.bin, ['doctor'], dir, {
      PROMETHEUS_URL: 'http://prometheus.invalid:9090',
      HTTP_PROXY: `http://127.0.0.1:${port}`,
    });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stdout + run.stderr).toContain(
      `the proxy 127.0.0.1:${port} (from HTTP_PROXY) refused the connection`,
    );
  });

  it('prints the table without --json, compares with the previous run, and keeps a code cache', async () => {
    const dir = gateDir({ response_time_p95: 300, error_rate: 0.5 });
    const cache = { CI_CONNECT_CACHE_DIR: path.join(dir, 'code-cache') };
    const first = await runInstalled(cli.bin, gateArgs, dir, cache);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain('Quality gate shop / hardening / carts 1.4.2');
    expect(first.stdout).toMatch(/Score 100%\s+Result PASS/);
    // The first run of a command writes the compiled code of the installed bundle for the next.
    expect(readdirSync(cache.CI_CONNECT_CACHE_DIR)).toEqual([
      expect.stringMatching(/^ci-connect\.cjs-.*-evaluate\.v8cache$/),
    ]);
    const { id } = JSON.parse(readFileSync(path.join(dir, 'history.jsonl'), 'utf8')) as { id: string };
    const second = await runInstalled(cli.bin, [...gateArgs, '--json'], dir, cache);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ result: 'pass', comparedEvaluations: [id] });
  });
});
