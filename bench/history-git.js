// Benchmark (issue #10): what a `git:` history adds to `evaluate` on a throwaway runner, with
// 100,000 evaluations on the branch. Target: under 2 s. A local bare repository stands in for
// GitHub or GitLab and, like them, lets clients fetch without file contents
// (uploadpack.allowFilter); each timed run is a fresh store in a fresh clone, as a new runner
// has: it fetches the branch, finds the baseline (findBaseline, as evaluate does), and appends
// the new evaluation, pushed. The records are the demo's real evaluations (about 2.6 KB each,
// five objectives), spread over 20 services; one service has an evaluation pinned long ago.
// Also timed: the whole `ci-connect evaluate --values` with git: against file:, and, once, a
// remote that cannot leave out file contents (every file is then fetched).
//
//   node bench/history-git.js [--records 100000] [--runs 5]
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { findBaseline, openHistoryStore, silentLogger } from '../packages/core/dist/index.js';
import { median, numberOption } from './support.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const RECORDS = numberOption('--records', 100_000);
const RUNS = numberOption('--runs', 5);
const TARGET_SECONDS = 2;
const BRANCH = 'ci-connect-history';
const SERVICES = 20;
const comparison = {
  compareWith: 'single_result',
  includeResultWithScore: 'pass_or_warn',
  numberOfComparisonResults: 1,
  aggregateFunction: 'avg',
};

const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-bench-git-'));
const home = path.join(dir, 'home');
mkdirSync(home);
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_'))),
  HOME: home,
  GIT_CONFIG_NOSYSTEM: '1',
};
const git = (cwd, ...args) =>
  execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function remote(name, filters) {
  const bare = path.join(dir, name);
  git(dir, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  if (filters) git(bare, 'config', 'uploadpack.allowFilter', 'true');
  const seed = path.join(dir, `${name}-seed`);
  mkdirSync(seed);
  writeFileSync(path.join(seed, 'README.md'), '# shop\n');
  git(seed, 'init', '--quiet', '--initial-branch=main');
  git(seed, 'add', '.');
  git(seed, '-c', 'user.name=dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '-m', 'app');
  git(seed, 'push', '--quiet', bare, 'main');
  return bare;
}

let clones = 0;
function clone(bare) {
  const job = path.join(dir, `job${clones++}`);
  git(dir, 'clone', '--quiet', '--depth=1', `file://${bare}`, job);
  return job;
}

const open = (job) => openHistoryStore(`git:${BRANCH}`, { baseDir: job, logger: silentLogger, env });

const seeds = readFileSync(path.join(root, 'fixtures/demo/history-seed.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));
const target = (i) => ({ project: 'sockshop', stage: 'hardening', service: `svc-${i % SERVICES}` });

function evaluation(i) {
  const record = structuredClone(seeds[i % seeds.length]);
  record.id = randomUUID();
  Object.assign(record, target(i));
  record.labels = { buildId: String(i) };
  record.evaluatedAt = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
  for (const objective of record.objectives)
    if (typeof objective.value === 'number')
      objective.value = Math.round(objective.value * (0.8 + (i % 40) / 100));
  return record;
}

/** The records of the branch: one pinned evaluation early on, for svc-1. */
function* history() {
  for (let i = 0; i < RECORDS; i++) {
    const record = evaluation(i);
    yield record;
    if (i === 41)
      yield {
        schemaVersion: 1,
        kind: 'pin',
        id: randomUUID(),
        target: record.id,
        ...target(41),
        at: record.evaluatedAt,
        reason: 'known good',
      };
  }
}

async function seed(bare) {
  const started = performance.now();
  const store = open(clone(bare));
  const tally = await store.import(history());
  await store.close();
  return { seconds: (performance.now() - started) / 1000, tally };
}

/** One fresh runner: fetch, baseline, append; seconds. */
async function gate(bare, i) {
  const job = clone(bare);
  const started = performance.now();
  const store = open(job);
  const baseline = await findBaseline(store, target(i), comparison);
  await store.append({ ...evaluation(RECORDS + i), comparedEvaluations: baseline.map((b) => b.id) });
  await store.close();
  const seconds = (performance.now() - started) / 1000;
  rmSync(job, { recursive: true, force: true });
  return { seconds, baseline: baseline.length };
}

function cli(job, history) {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      path.join(root, 'packages/cli/bin/run.js'),
      'evaluate',
      ...['--slo', 'slo.yaml', '--values', 'values.json', '--history', history, '--json'],
      ...['--project', 'sockshop', '--stage', 'hardening', '--service', 'svc-3'],
    ],
    { cwd: job, env, encoding: 'utf8' },
  );
  // 1 is a failed gate, which is as much work as a passed one.
  if (run.status !== 0 && run.status !== 1) throw new Error(`evaluate exited ${run.status}: ${run.stderr}`);
  return (performance.now() - started) / 1000;
}

try {
  const bare = remote('remote.git', true);
  const seeded = await seed(bare);
  const kib = [...git(bare, 'count-objects', '-v').matchAll(/^size(?:-pack)?: (\d+)$/gm)].reduce(
    (sum, [, value]) => sum + Number(value),
    0,
  );
  const size = `${(kib / 1024).toFixed(1)} MiB`;
  const files = git(bare, 'ls-tree', '-r', '--name-only', BRANCH).trim().split('\n').length;
  console.log(
    `branch: ${seeded.tally.added} records in ${files} files (${size} in the remote), imported in one commit in ${seeded.seconds.toFixed(1)} s`,
  );

  const plain = [];
  const pinned = [];
  for (let i = 0; i < RUNS; i++) {
    plain.push(await gate(bare, 2 + i * SERVICES));
    pinned.push(await gate(bare, 1 + i * SERVICES));
  }
  const show = (runs) =>
    `median ${median(runs.map((r) => r.seconds)).toFixed(2)} s, max ${Math.max(...runs.map((r) => r.seconds)).toFixed(2)} s`;
  console.log(`fresh runner, findBaseline + append (newest evaluation of a service): ${show(plain)}`);
  console.log(
    `fresh runner, findBaseline + append (a service pinned ${RECORDS.toLocaleString('en')} records ago): ${show(pinned)}`,
  );
  if (plain.some((r) => r.baseline !== 1) || pinned.some((r) => r.baseline !== 1))
    throw new Error('a baseline was not found');

  const job = clone(bare);
  writeFileSync(
    path.join(job, 'slo.yaml'),
    'spec_version: "1.0"\nobjectives:\n  - sli: response_time_p95\n    pass: [{criteria: ["<=+10%", "<600"]}]\ntotal_score: {pass: "90%", warning: "75%"}\n',
  );
  writeFileSync(path.join(job, 'values.json'), '{"response_time_p95": 412}');
  const withGit = [];
  const withFile = [];
  for (let i = 0; i < RUNS; i++) {
    withFile.push(cli(job, `file:${path.join(dir, `history-${i}.jsonl`)}`));
    withGit.push(cli(job, `git:${BRANCH}`));
  }
  const added = median(withGit) - median(withFile);
  console.log(
    `ci-connect evaluate --values: git: median ${median(withGit).toFixed(2)} s, file: (new file) median ${median(withFile).toFixed(2)} s; git: adds ${added.toFixed(2)} s`,
  );

  const unfiltered = remote('unfiltered.git', false);
  git(bare, 'push', '--quiet', `file://${unfiltered}`, BRANCH);
  const degraded = await gate(unfiltered, 2);
  console.log(
    `fresh runner on a remote without partial fetch (every file fetched): ${degraded.seconds.toFixed(2)} s (no target)`,
  );

  const worst = Math.max(...plain.map((r) => r.seconds), ...pinned.map((r) => r.seconds), added);
  console.log(
    `${worst < TARGET_SECONDS ? 'PASS' : 'FAIL'}: target < ${TARGET_SECONDS} s (worst ${worst.toFixed(2)} s)`,
  );
  process.exitCode = worst < TARGET_SECONDS ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
