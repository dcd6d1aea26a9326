// Benchmark (issue #10): the time the `file:` history adds to `evaluate` when it holds 100,000
// and 1,000,000 evaluations, against an empty one: finding the baseline (the pin, then the
// newest admitted evaluations) and appending the new record, as run-evaluation does. Target:
// under 50 ms. The history mixes three services, as a shared file would. The first look of a
// store at a long history builds the pin cache (`<history>.pins.json`) once; that is timed
// separately. Files go to the system temp directory (about 1 GB for the largest).
//
//   node bench/history-file.js [--runs 15] [--sizes 0,100000,1000000]
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileHistoryStore, findBaseline, silentLogger } from '../packages/core/dist/index.js';
import { evaluationRecord, median, option } from './support.js';

const runs = Number(option('--runs', '15'));
const sizes = option('--sizes', '0,100000,1000000').split(',').map(Number);

const services = ['carts', 'orders', 'payment'];
const target = { project: 'shop', stage: 'hardening', service: 'carts' };
const comparison = {
  compareWith: 'several_results',
  includeResultWithScore: 'pass_or_warn',
  numberOfComparisonResults: 3,
  aggregateFunction: 'avg',
};

function evaluation(i, service) {
  const time = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
  return evaluationRecord({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    service,
    version: `1.${i % 100}.0`,
    labels: { buildId: String(i) },
    start: time,
    end: time,
    evaluatedAt: time,
    result: i % 10 === 0 ? 'fail' : 'pass',
    objective: (k) => ({
      value: 400 + ((i * 7 + k) % 100),
      comparedValue: 450,
      passTargets: [{ criteria: '<=+10%', targetValue: 495, violated: false }],
    }),
  });
}

async function writeHistory(file, count) {
  const out = createWriteStream(file);
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += `${JSON.stringify(evaluation(i, services[i % services.length]))}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise((resolve, reject) => out.on('finish', resolve).on('error', reject));
  // Flush the generated file now, or the first timed append's fsync would write all of it.
  const handle = await open(file, 'r+');
  await handle.sync();
  await handle.close();
}

/** One evaluate's history work: open, baseline, append, close. */
async function evaluateOnce(file, i) {
  const store = new FileHistoryStore({ path: file, logger: silentLogger });
  const baseline = await findBaseline(store, target, comparison);
  if (baseline.length === 0 && i > 0 && file.includes('-n0-') === false) throw new Error('no baseline found');
  await store.append({
    ...evaluation(10_000_000 + i, 'carts'),
    comparedEvaluations: baseline.map((b) => b.id),
  });
  await store.close();
}

const dir = await mkdtemp(path.join(tmpdir(), 'ci-connect-bench-history-'));
try {
  // Warm-up: the first calls of a process are slower (JIT, file system caches).
  const scratch = path.join(dir, 'warm-up-n0-.jsonl');
  for (let i = 0; i < 30; i++) await evaluateOnce(scratch, i);
  const results = [];
  for (const size of sizes) {
    const file = path.join(dir, `h-n${size}-.jsonl`);
    await writeHistory(file, size);
    const bytes = (await stat(file)).size;
    let started = performance.now();
    await evaluateOnce(file, 0); // builds the pin cache: once per history
    const firstMs = performance.now() - started;
    const times = [];
    for (let i = 1; i <= runs; i++) {
      started = performance.now();
      await evaluateOnce(file, i);
      times.push(performance.now() - started);
    }
    results.push({ size, bytes, firstMs, medianMs: median(times) });
    await rm(file, { force: true });
    await rm(`${file}.pins.json`, { force: true });
  }
  const empty = results.find((r) => r.size === 0)?.medianMs ?? 0;
  console.log(`file: history, baseline + append per evaluate (median of ${runs}; target: adds < 50 ms)`);
  for (const r of results) {
    console.log(
      `  ${String(r.size).padStart(9)} records (${(r.bytes / 1e6).toFixed(0).padStart(4)} MB): ` +
        `${r.medianMs.toFixed(2)} ms, adds ${(r.medianMs - empty).toFixed(2)} ms over empty; ` +
        `first look (builds the pin cache) ${r.firstMs.toFixed(0)} ms`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
