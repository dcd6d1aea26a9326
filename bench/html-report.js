// Benchmark (issue 10): the HTML report of a long history, 1,000 evaluations × 30 objectives:
// the renderer's time (median of --runs) and the page's size, raw and gzipped (as CI artifact
// stores and web servers keep it), then `ci-connect report --last 1000` end to end (reading the
// history file, rendering, writing). The heatmap has every cell; the per-SLI charts draw lines
// only (no point per evaluation beyond 120 evaluations) and at most 40 objectives.
//
//   node bench/html-report.js [--runs 5]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { renderHtmlReport } from '../packages/core/dist/index.js';
import { syntheticEvaluations } from '../test/support/synthetic-history.js';
import { median, numberOption } from './support.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = numberOption('--runs', 5);
const EVALUATIONS = 1000;
const OBJECTIVES = 30;

const oldestFirst = syntheticEvaluations({ count: EVALUATIONS, objectives: OBJECTIVES });
const newestFirst = [...oldestFirst].reverse().map((e, i) => ({
  ...e,
  ...(i % 97 === 5 ? { invalidated: true } : {}),
  ...(i === 20 ? { pinned: true } : {}),
}));
const input = (evaluations) => ({
  project: 'sockshop',
  stage: 'hardening',
  service: 'carts',
  evaluations,
  currentId: evaluations[0].id,
  thresholds: { pass: 90, warning: 75 },
  generatedAt: new Date().toISOString(),
});

/** The median time of `runs` calls of run(), after one warm-up call. */
function timeOf(run) {
  run();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

for (const count of [50, EVALUATIONS]) {
  const slice = newestFirst.slice(0, count);
  let files;
  const ms = timeOf(() => {
    files = renderHtmlReport(input(slice));
  });
  const html = Buffer.byteLength(files['index.html']);
  const gzipped = gzipSync(files['index.html']).length;
  console.log(
    `render ${String(count).padStart(4)} evaluations × ${OBJECTIVES} objectives: ${ms.toFixed(1).padStart(7)} ms  ` +
      `index.html ${kib(html).padStart(9)} (gzip ${kib(gzipped)}), report.css ${kib(Buffer.byteLength(files['report.css']))}`,
  );
}

// End to end through the CLI, as a pipeline runs it.
const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-html-bench-'));
try {
  const history = path.join(dir, 'history.jsonl');
  writeFileSync(history, oldestFirst.map((e) => `${JSON.stringify(e)}\n`).join(''));
  const args = [
    path.join(root, 'packages/cli/bin/run.js'),
    'report',
    ...[
      '--history',
      `file:${history}`,
      '--project',
      'sockshop',
      '--stage',
      'hardening',
      '--service',
      'carts',
    ],
    ...['--last', String(EVALUATIONS), '--out', path.join(dir, 'out')],
  ];
  const ms = timeOf(() => {
    const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`ci-connect report exited ${run.status}: ${run.stderr}`);
  });
  console.log(
    `ci-connect report --last ${EVALUATIONS} (history ${kib(statSync(history).size)}): ${ms.toFixed(0)} ms end to end`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
