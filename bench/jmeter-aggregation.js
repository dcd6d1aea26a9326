/**
 * Benchmark: ci-connect's streaming JTL aggregation against pandas on the same file.
 *
 * Generates (once, cached in bench/.work/) a JMeter 5 CSV results file of 10 million samples
 * (about 1.7 GB), then runs, each in its own process and measured the same way:
 *   ours:   the jmeter provider computing the default indicators and p95 per label;
 *   pandas: /usr/bin/python3 bench/pandas_aggregate.py computing the same numbers.
 * Reports wall time, MB/s and peak RSS, checks that both agree, prints a table and one JSON
 * line, and exits 1 when the numbers disagree.
 *
 * With `--format xml`, our side reads the same samples from JMeter's XML results format (about
 * 3.1 GB for 10 million samples) and pandas the CSV, so the check also proves that both formats
 * give the same numbers.
 *
 * Usage: node bench/jmeter-aggregation.js [--samples N] [--runs N] [--format csv|xml]
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateJtl, LABELS } from './generate-jtl.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const CORE = join(ROOT, 'packages/core/dist/providers/jmeter/index.js');
const PYTHON = '/usr/bin/python3';
const TIME = '/usr/bin/time';
const GENERATOR_VERSION = 1;
const TOLERANCE = 1e-9;
const COMPARED = [
  'samples',
  'errors',
  'error_rate',
  'throughput',
  'avg',
  'min',
  'max',
  'p50',
  'p90',
  'p95',
  'p99',
];

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

function textOption(name, fallback) {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : process.argv[i + 1];
}

/** The cached results file of `samples` samples in `format`, generated once. */
function resultsFile(samples, format) {
  const path = join(
    HERE,
    '.work',
    `jtl-${samples}-v${GENERATOR_VERSION}${format === 'xml' ? '.xml' : ''}.jtl`,
  );
  if (!existsSync(path)) {
    process.stderr.write(`generating ${relative(ROOT, path)} (${samples} samples, once)...\n`);
    generateJtl(path, samples, {
      format,
      onProgress: (n, bytes) => process.stderr.write(`  ${n} samples, ${(bytes / 1e6).toFixed(0)} MB\n`),
    });
  }
  return path;
}

/** The child process: our side, through the provider exactly as an evaluation uses it. */
async function runOurs(path) {
  const { JmeterProvider } = await import(pathToFileURL(CORE).href);
  const started = performance.now();
  const indicators = Object.fromEntries([
    ['errors', 'measure=errors'],
    ...LABELS.map(({ label }) => [`p95:${label}`, `measure=p95;label=${JSON.stringify(label)}`]),
  ]);
  const warn = (message) => process.stderr.write(`${message}\n`);
  const provider = new JmeterProvider({
    jtlPath: path,
    sliFile: { file: 'bench', indicators },
    logger: { debug() {}, info() {}, warn },
  });
  const window = { start: new Date(0), end: new Date() };
  const context = { project: 'bench', stage: 'bench', service: 'bench', labels: {}, filter: {}, window };
  const values = await provider.fetch(
    provider.indicators.map((i) => i.name),
    context,
  );
  const byName = Object.fromEntries(values.map((v) => [v.sli, v.value]));
  const result = {
    samples: byName.samples,
    errors: byName.errors,
    error_rate: byName.error_rate,
    throughput: byName.throughput,
    avg: byName.response_time_avg,
    min: byName.response_time_min,
    max: byName.response_time_max,
    p50: byName.response_time_p50,
    p90: byName.response_time_p90,
    p95: byName.response_time_p95,
    p99: byName.response_time_p99,
    p95_by_label: Object.fromEntries(LABELS.map(({ label }) => [label, byName[`p95:${label}`]])),
    work_seconds: (performance.now() - started) / 1000,
    max_rss_kb: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Runs one side in a child process; wall time from here, peak RSS from /usr/bin/time -v when present. */
function measure(argv) {
  const useTime = existsSync(TIME);
  const command = useTime ? [TIME, '-v', ...argv] : argv;
  const started = performance.now();
  const child = spawnSync(command[0], command.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = (performance.now() - started) / 1000;
  if (child.status !== 0) {
    throw new Error(`${argv.join(' ')} failed (${child.status ?? child.signal}):\n${child.stderr}`);
  }
  const result = JSON.parse(child.stdout.trim().split('\n').pop());
  const timed = /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr);
  const rssKb = timed === null ? result.max_rss_kb : Number(timed[1]);
  return {
    result,
    wall,
    rssMb: rssKb / 1024,
    rssSource: timed === null ? 'resourceUsage' : '/usr/bin/time -v',
  };
}

/** Reads the file once so both sides start from the page cache, not from disk. */
function warmCache(path) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on('data', () => {})
      .on('end', () => resolve((performance.now() - started) / 1000))
      .on('error', reject);
  });
}

function differences(ours, theirs) {
  const close = (a, b) => Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(b));
  const out = [];
  for (const key of COMPARED)
    if (!close(ours[key], theirs[key])) out.push(`${key}: ${ours[key]} vs ${theirs[key]}`);
  const labels = new Set([...Object.keys(ours.p95_by_label), ...Object.keys(theirs.p95_by_label)]);
  for (const label of labels) {
    const [a, b] = [ours.p95_by_label[label], theirs.p95_by_label[label]];
    if (a == null || b == null || !close(a, b)) out.push(`p95 of ${JSON.stringify(label)}: ${a} vs ${b}`);
  }
  return out;
}

function best(runs) {
  return runs.reduce((a, b) => (b.wall < a.wall ? b : a));
}

async function main() {
  const samples = option('--samples', 10_000_000);
  const runs = option('--runs', 1);
  const format = textOption('--format', 'csv');
  if (
    !Number.isInteger(samples) ||
    samples < 1 ||
    !Number.isInteger(runs) ||
    runs < 1 ||
    !['csv', 'xml'].includes(format)
  ) {
    throw new Error(
      'usage: node bench/jmeter-aggregation.js [--samples N] [--runs N] [--format csv|xml] (positive integers)',
    );
  }
  if (!existsSync(CORE))
    throw new Error(`${relative(ROOT, CORE)} is missing: run npm run build -w packages/core first`);
  if (!existsSync(PYTHON))
    throw new Error(`${PYTHON} is missing: the pandas side needs Debian's python3-pandas`);
  const csv = resultsFile(samples, 'csv');
  const path = format === 'xml' ? resultsFile(samples, 'xml') : csv;
  const bytes = statSync(path).size;
  const mb = bytes / 1e6;
  const readSeconds = await warmCache(path);
  const oursRuns = [];
  const pandasRuns = [];
  for (let i = 0; i < runs; i++) {
    oursRuns.push(measure([process.execPath, fileURLToPath(import.meta.url), '--child', path]));
    if (format === 'xml') await warmCache(csv);
    pandasRuns.push(measure([PYTHON, join(HERE, 'pandas_aggregate.py'), csv]));
    if (format === 'xml') await warmCache(path);
  }
  const ours = best(oursRuns);
  const pandas = best(pandasRuns);
  const diffs = differences(ours.result, pandas.result);
  report({ path, bytes, mb, samples, format, readSeconds, ours, pandas, diffs });
  if (diffs.length > 0) process.exitCode = 1;
}

function report({ path, bytes, mb, samples, format, readSeconds, ours, pandas, diffs }) {
  // MB/s of the file each side read: with --format xml pandas reads the (smaller) CSV twin.
  const pandasMb = format === 'xml' ? statSync(resultsFile(samples, 'csv')).size / 1e6 : mb;
  const row = (name, m, size) =>
    `${name.padEnd(22)} ${m.wall.toFixed(2).padStart(8)} ${m.result.work_seconds.toFixed(2).padStart(8)} ` +
    `${(size / m.wall).toFixed(0).padStart(8)} ${m.rssMb.toFixed(0).padStart(9)}`;
  const lines = [
    `file: ${relative(ROOT, path)}, ${samples} samples, ${(bytes / 1e9).toFixed(2)} GB (warm-up read ${(mb / readSeconds).toFixed(0)} MB/s)`,
    `${'side'.padEnd(22)} ${'wall s'.padStart(8)} ${'work s'.padStart(8)} ${'MB/s'.padStart(8)} ${'peak RSS'.padStart(9)} MB`,
    row(`ci-connect (node, ${format})`, ours, mb),
    row('pandas (python3, csv)', pandas, pandasMb),
    `speed-up ${(pandas.wall / ours.wall).toFixed(2)}x; peak RSS measured with ${ours.rssSource}`,
    `targets: faster than pandas ${ours.wall < pandas.wall ? 'yes' : 'NO'}; our peak RSS < 100 MB ${ours.rssMb < 100 ? 'yes' : 'NO'}`,
    diffs.length === 0
      ? `results agree (count, errors, error rate, throughput, avg, min, max, p50/p90/p95/p99, p95 per label)`
      : `RESULTS DISAGREE:\n  ${diffs.join('\n  ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const side = (m, size) => ({
    wallSeconds: m.wall,
    workSeconds: m.result.work_seconds,
    mbPerSecond: size / m.wall,
    peakRssMb: m.rssMb,
  });
  const json = {
    bench: 'jmeter-aggregation',
    format,
    samples,
    bytes,
    ours: side(ours, mb),
    pandas: side(pandas, pandasMb),
    agree: diffs.length === 0,
  };
  process.stdout.write(`${JSON.stringify(json)}\n`);
}

if (process.argv[2] === '--child') await runOurs(process.argv[3]);
else await main();
