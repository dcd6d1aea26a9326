// Benchmark (issue 10): what a postgres:// history holding 100,000 evaluations adds to `evaluate`
// over an empty one. Per gate, `evaluate` opens the store (a connection, the schema check),
// finds the baseline (history/baseline.ts: the pin, then the newest evaluations the SLO admits),
// appends its result and closes the store; that is timed here, against a real PostgreSQL server
// this script starts (Debian's postgresql, as the tests do). Target: under 20 ms added.
//
//   node bench/history-postgres.js [--runs 30] [--records 100000]
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { findBaseline, openHistoryStore, silentLogger } from '../packages/core/dist/index.js';
import { CI_PASSWORD, findPostgres, startPostgres } from '../test/support/postgres-process.js';
import { evaluationRecord, median, numberOption } from './support.js';

const runs = numberOption('--runs', 30);
const records = numberOption('--records', 100_000);
const SERVICES = 50;
const target = { project: 'shop', stage: 'hardening', service: 'carts' };
// Keptn's default comparison: the last 3 passed or warned evaluations.
const comparison = {
  compareWith: 'several_results',
  includeResultWithScore: 'pass_or_warn',
  numberOfComparisonResults: 3,
  aggregateFunction: 'avg',
};

function evaluation(id, service, result, at) {
  return evaluationRecord({
    id,
    ...target,
    service,
    version: '1.4.2',
    labels: { buildId: id },
    start: new Date(at - 300_000).toISOString(),
    end: new Date(at).toISOString(),
    evaluatedAt: new Date(at).toISOString(),
    result,
    score: 83.33333333333334,
    objective: () => ({
      value: 512.3,
      comparedValue: 480.1,
      passTargets: [{ criteria: '<=+10%', targetValue: 528.11, violated: false }],
    }),
  });
}

/** One gate's history work: open, baseline, append, close; and the baseline + append alone. */
async function gate(url, n) {
  const started = performance.now();
  const store = openHistoryStore(url, { baseDir: '/', logger: silentLogger, env: {} });
  await store.ready();
  const ready = performance.now();
  const baseline = await findBaseline(store, target, comparison);
  await store.append(evaluation(`bench-${n}-${Math.random()}`, 'carts', 'pass', Date.now()));
  const done = performance.now();
  await store.close();
  return { whole: performance.now() - started, work: done - ready, baseline: baseline.length };
}

async function measure(url) {
  const whole = [];
  const work = [];
  let baseline = 0;
  for (let i = 0; i <= runs; i += 1) {
    const run = await gate(url, i);
    // The first run warms the server's caches and this process's code: left out.
    if (i === 0) continue;
    whole.push(run.whole);
    work.push(run.work);
    baseline = run.baseline;
  }
  return { whole: median(whole), work: median(work), baseline };
}

const found = findPostgres();
if (!found.available) {
  // Skipped visibly, as the tests are; a failure when real components are required.
  console.log(`skipped: PostgreSQL is not available: ${found.reason} (apt-get install -y postgresql)`);
  process.exit(process.env.CI_CONNECT_REQUIRE_REAL === '1' ? 1 : 0);
}
const server = await startPostgres(found.bin);
try {
  const empty = server.url(await server.createDatabase(), { password: CI_PASSWORD });
  const full = server.url(await server.createDatabase(), { password: CI_PASSWORD });
  const store = openHistoryStore(full, { baseDir: '/', logger: silentLogger, env: {} });
  const importStarted = performance.now();
  const now = Date.now() - records * 60_000;
  const tally = await store.import(
    (function* history() {
      for (let i = 0; i < records; i += 1) {
        const service = i % SERVICES === 0 ? 'carts' : `service-${i % SERVICES}`;
        yield evaluation(`e${i}`, service, i % 5 === 0 ? 'fail' : 'pass', now + i * 60_000);
      }
    })(),
  );
  const importSeconds = (performance.now() - importStarted) / 1000;
  await store.close();
  // As autovacuum would have by then: the planner knows how the rows are spread.
  await server.admin('VACUUM ANALYZE ci_connect_history', [], full.split('/').at(-1)?.split('?')[0]);

  const baseline = await measure(empty);
  const loaded = await measure(full);
  const added = loaded.whole - baseline.whole;
  console.log(`postgres:// history, median of ${runs} gates on ${process.version}`);
  console.log(`  import of ${tally.added} evaluations (${SERVICES} services): ${importSeconds.toFixed(1)} s`);
  console.log(
    `  empty history:        ${baseline.whole.toFixed(1)} ms per gate (baseline + append ${baseline.work.toFixed(1)} ms)`,
  );
  console.log(
    `  ${records} evaluations: ${loaded.whole.toFixed(1)} ms per gate (baseline + append ${loaded.work.toFixed(1)} ms, ${loaded.baseline} compared)`,
  );
  console.log(
    `added by the history's size: ${added.toFixed(1)} ms (target < 20 ms) ${added < 20 ? 'met' : 'NOT met'}`,
  );
  console.log(
    JSON.stringify({
      benchmark: 'history-postgres',
      runs,
      records,
      node: process.version,
      importSeconds,
      ms: { empty: baseline, loaded, added },
    }),
  );
  if (added >= 20) process.exitCode = 1;
} finally {
  await server.stop();
}
