// Benchmark (issue #8): the cost of redaction, which every line of output, every record and
// every server message passes through. 30 registered secrets (as a CI job with many tokens has),
// against 1 MB of a JMeter-style log full of "..." cut marks, and a 64 MB error page cut to 300
// characters (the largest body the HTTP client accepts). Reported as throughput, and as the ratio
// to one linear regular-expression pass over the same text (collapsing white space, as every
// server message gets), so that the figure holds on a loaded machine.
//
//   node bench/redaction.js
import { performance } from 'node:perf_hooks';
import { createRedactor } from '../packages/core/dist/index.js';

const secrets = Array.from(
  { length: 30 },
  (_, i) => `tok${i}_${'Zq8vN3xR7pL2mK9tY4wB6cH1jD5fG0sA'.slice(i % 7)}`,
);
const redactor = createRedactor(secrets);

const line =
  'summary +   1000 in 00:00:05 =  200.0/s Avg:    12 Min:     1 Max:   300 Err:     0 (0.00%)... ';
const log = line.repeat(Math.ceil(1_000_000 / line.length)).slice(0, 1_000_000);
const page = `<html><body>${'error at frame ... 42 more '.repeat(2_700_000)}</body></html>`.slice(
  0,
  64 * 1024 * 1024,
);

function time(label, bytes, run, runs = 5) {
  run();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(runs / 2)];
  const throughput = bytes / 1e6 / (median / 1000);
  console.log(
    `${label.padEnd(46)} ${median.toFixed(1).padStart(8)} ms  ${throughput.toFixed(1).padStart(7)} MB/s`,
  );
  return median;
}

const floor = time('1 MB log: one regex pass (white space), the unit', log.length, () =>
  log.replace(/\s+/g, ' '),
);
const full = time('1 MB log: redact, 30 secrets, every form', log.length, () => redactor.redact(log));
const clipped = time(
  '64 MB error page: clip to 300 characters',
  page.length,
  () => redactor.clip(page, 300),
  3,
);
console.log(`\nredact costs ${(full / floor).toFixed(1)}x one regex pass over the same 1 MB`);
console.log(`clip of a 64 MB page takes ${clipped.toFixed(1)} ms: it redacts a bounded head only`);
