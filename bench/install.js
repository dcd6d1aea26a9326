// Install benchmark (issue 11): a cold CI job from nothing to a finished gate. Each run installs
// the packed CLI (`npm pack` of packages/cli, once) into an empty prefix with an empty npm cache
// and no registry in reach, then runs `ci-connect evaluate --values` with an empty code cache, as
// the first command of a fresh runner does. Targets: under 5 s, and under 10 MB installed.
//
//   npm run build && node bench/install.js [--runs 5]
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  lstatSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { median, numberOption } from './support.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cliDir = path.join(root, 'packages/cli');
const runs = numberOption('--runs', 5);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** A local port nobody listens on: the registry npm is pointed at, so any fetch fails at once. */
function closedPort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command and returns its wall time in ms; throws with its output when it fails. */
function timed(command, args, options) {
  const started = performance.now();
  const run = spawnSync(command, args, { encoding: 'utf8', ...options });
  const ms = performance.now() - started;
  if (run.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${run.status ?? run.signal}:\n${run.stdout}${run.stderr}`,
    );
  }
  return { ms, stdout: run.stdout };
}

/** Bytes and files under `dir`, symbolic links counted as themselves (as `du -b` does). */
function sizeOf(dir) {
  let bytes = 0;
  let files = 0;
  for (const name of readdirSync(dir)) {
    const entry = path.join(dir, name);
    const stat = lstatSync(entry);
    if (stat.isDirectory()) {
      const inner = sizeOf(entry);
      bytes += inner.bytes;
      files += inner.files;
    } else {
      bytes += stat.size;
      files += 1;
    }
  }
  return { bytes, files };
}

const work = mkdtempSync(path.join(tmpdir(), 'ci-connect-bench-install-'));
try {
  // npm with none of this machine's set-up: an empty user config, no npm_config_* inherited.
  const userconfig = path.join(work, 'npmrc');
  writeFileSync(userconfig, '');
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(npm_|CI_CONNECT_)/i.test(name)),
  );
  const npmEnv = {
    ...inherited,
    npm_config_userconfig: userconfig,
    npm_config_registry: `http://127.0.0.1:${await closedPort()}/`,
    npm_config_update_notifier: 'false',
  };
  const pack = timed(npm, ['pack', '--json', '--pack-destination', work], { cwd: cliDir, env: npmEnv });
  const tarball = path.join(work, JSON.parse(pack.stdout)[0].filename);

  const gate = path.join(work, 'gate');
  mkdirSync(gate);
  writeFileSync(
    path.join(gate, 'slo.yaml'),
    'spec_version: "1.0"\nobjectives:\n  - sli: response_time_p95\n    pass: [{criteria: ["<=+10%", "<600"]}]\n    warning: [{criteria: ["<=800"]}]\n  - sli: error_rate\n    pass: [{criteria: ["<=1"]}]\ntotal_score: {pass: "90%", warning: "75%"}\n',
  );
  writeFileSync(path.join(gate, 'values.json'), '{"response_time_p95": 412, "error_rate": 0.2}');

  const samples = { install: [], gate: [], total: [] };
  let size;
  for (let i = 0; i < runs; i += 1) {
    const job = path.join(work, `job-${i}`);
    const prefix = path.join(job, 'prefix');
    mkdirSync(prefix, { recursive: true });
    const env = { ...npmEnv, npm_config_cache: path.join(job, 'npm-cache') };
    const install = timed(
      npm,
      ['install', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball],
      {
        cwd: prefix,
        env,
      },
    );
    const bin = path.join(prefix, 'node_modules/.bin/ci-connect');
    // The Node running the benchmark is the one the bin's `#!/usr/bin/env node` finds.
    const gateEnv = {
      ...inherited,
      PATH: [path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter),
      CI_CONNECT_CACHE_DIR: path.join(job, 'code-cache'),
    };
    const run = timed(
      bin,
      [
        'evaluate',
        '--slo',
        'slo.yaml',
        '--values',
        'values.json',
        '--history',
        `file:${path.join(job, 'history.jsonl')}`,
        '--json',
      ],
      {
        cwd: gate,
        env: gateEnv,
      },
    );
    if (JSON.parse(run.stdout).result !== 'pass') throw new Error(`the gate did not pass: ${run.stdout}`);
    samples.install.push(install.ms);
    samples.gate.push(run.ms);
    samples.total.push(install.ms + run.ms);
    size ??= sizeOf(prefix);
  }

  const ms = Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, median(list)]));
  const tarballBytes = statSync(tarball).size;
  const manifest = JSON.parse(readFileSync(path.join(cliDir, 'package.json'), 'utf8'));
  const load = loadavg().map((value) => value.toFixed(2));
  const mb = (bytes) => (bytes / 1e6).toFixed(2);
  console.log(
    `cold install and gate, median of ${runs} runs on ${process.version}, load average ${load.join(' ')}`,
  );
  console.log(`  npm install (empty cache, offline)   ${ms.install.toFixed(0).padStart(6)} ms`);
  console.log(`  ci-connect evaluate --values         ${ms.gate.toFixed(0).padStart(6)} ms`);
  console.log(
    `  from nothing to a finished gate      ${ms.total.toFixed(0).padStart(6)} ms  (target < 5000) ${ms.total < 5000 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  installed size                       ${mb(size.bytes).padStart(6)} MB in ${size.files} files  (target < 10 MB) ${size.bytes < 10e6 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  tarball                              ${mb(tarballBytes).padStart(6)} MB  (${manifest.name}@${manifest.version})`,
  );
  console.log(
    JSON.stringify({
      benchmark: 'install',
      runs,
      node: process.version,
      loadavg: load.map(Number),
      ms,
      samples,
      installedBytes: size.bytes,
      installedFiles: size.files,
      tarballBytes,
    }),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
