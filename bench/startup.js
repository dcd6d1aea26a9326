// Start-up benchmark: `ci-connect --version` and a small `ci-connect evaluate --values ...`
// against bare `node -e 0`, as ratios of median wall time. Target (issue #2): the evaluation's
// whole run under 2.5 times bare Node start-up.
//
//   node bench/startup.js [--runs 30]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 30;
const bin = path.join(root, 'packages/cli/bin/run.js');

const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-startup-'));
writeFileSync(
  path.join(dir, 'slo.yaml'),
  'spec_version: "1.0"\nobjectives:\n  - sli: response_time_p95\n    pass: [{criteria: ["<=+10%", "<600"]}]\n    warning: [{criteria: ["<=800"]}]\n  - sli: error_rate\n    pass: [{criteria: ["<=1"]}]\ntotal_score: {pass: "90%", warning: "75%"}\n',
);
writeFileSync(path.join(dir, 'values.json'), '{"response_time_p95": 412, "error_rate": 0.2}');

const commands = {
  'node -e 0': ['-e', '0'],
  'ci-connect --version': [bin, '--version'],
  'ci-connect evaluate --values': [
    bin,
    'evaluate',
    ...['--slo', 'slo.yaml', '--values', 'values.json', '--history', 'file:history.jsonl', '--json'],
  ],
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Interleaved, so that every command sees the same machine load; one warm-up round first
// fills the OS file cache, as on a CI runner that has just installed, and writes the CLI's code
// cache (docs/cli-reference.md), as the first command of a pipeline does.
const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (let i = 0; i <= runs; i += 1) {
  for (const [name, args] of Object.entries(commands)) {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
    const elapsed = performance.now() - started;
    if (run.status !== 0) throw new Error(`${name} exited ${run.status}: ${run.stderr}`);
    if (i > 0) times[name].push(elapsed);
  }
}
const results = Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]));
rmSync(dir, { recursive: true, force: true });

const bare = results['node -e 0'];
console.log(`start-up, median of ${runs} runs on ${process.version}`);
for (const [name, ms] of Object.entries(results)) {
  console.log(`  ${name.padEnd(32)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / bare).toFixed(2)}x`);
}
const ratio = results['ci-connect evaluate --values'] / bare;
console.log(
  `evaluation / bare node: ${ratio.toFixed(2)}x (target < 2.5x) ${ratio < 2.5 ? 'met' : 'NOT met'}`,
);
console.log(
  JSON.stringify({ benchmark: 'startup', runs, node: process.version, ms: results, evaluationRatio: ratio }),
);
