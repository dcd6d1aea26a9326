/**
 * Writes a synthetic but realistic JMeter 5 CSV results file (JTL) for the benchmarks: the
 * default 17 columns with a header, several labels (one that needs quoting), log-normal response
 * times with a tail past 8 s, ~3% failures with quoted messages that contain commas and quotes.
 * Deterministic: the same sample count always gives the same bytes.
 *
 * Usage: node bench/generate-jtl.js --samples 1000000 --out bench/.work/x.jtl
 */
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const HEADER =
  'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,' +
  'bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect';

/** Labels with their share of samples (weights), median time in ms and URL path. */
export const LABELS = [
  { label: 'GET /', weight: 20, median: 35, path: '/' },
  { label: 'GET /catalogue', weight: 18, median: 120, path: '/catalogue?size=5&page=1' },
  {
    label: 'GET /catalogue/{id}',
    weight: 16,
    median: 80,
    path: '/catalogue/03fef6ac-1896-4ce8-bd69-b798f85c6e0b',
  },
  { label: 'GET /carts/{id}', weight: 14, median: 60, path: '/carts/57a98d98e4b00679b4a830af' },
  { label: 'POST /carts/{id}/items', weight: 12, median: 150, path: '/carts/57a98d98e4b00679b4a830af/items' },
  {
    label: 'DELETE /carts/{id}/items/{item}',
    weight: 8,
    median: 90,
    path: '/carts/57a98d98e4b00679b4a830af/items/1',
  },
  { label: 'POST /orders', weight: 7, median: 450, path: '/orders' },
  // A label with a comma: JMeter quotes it, which takes the scanner's slow path.
  { label: 'Checkout, confirm', weight: 5, median: 900, path: '/orders/confirm' },
];

const FAILURES = [
  {
    code: '500',
    message: '"Internal Server Error, please retry"',
    failure: '"Test failed: code expected to match /200/, but was ""500"""',
  },
  { code: '503', message: '"Service Unavailable, upstream carts-db timed out"', failure: '' },
  { code: '404', message: 'Not Found', failure: '"Test failed: text expected to contain /""id""/"' },
];

/** mulberry32: a tiny seeded PRNG, so the file is the same on every machine. */
function random(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function picker(r) {
  const total = LABELS.reduce((s, l) => s + l.weight, 0);
  const table = [];
  for (const l of LABELS) for (let i = 0; i < l.weight; i++) table.push(l);
  return () => table[Math.floor(r() * total)];
}

/** One row; `i` numbers the sample, `threads` the concurrent virtual users. */
function makeRow(i, r, pick, threads) {
  const l = pick();
  const gauss = Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  let elapsed = Math.max(1, Math.round(l.median * Math.exp(0.6 * gauss)));
  if (r() < 0.004) elapsed = 8000 + Math.floor(r() * 52000); // timeouts: the tail past the dense histogram
  const failed = r() < 0.03;
  const f = failed ? FAILURES[Math.floor(r() * FAILURES.length)] : undefined;
  const thread = 1 + (i % threads);
  const ts = 1_700_000_000_000 + Math.floor(i * 0.9) + Math.floor(r() * 50);
  const connect = r() < 0.05 ? 1 + Math.floor(r() * 12) : 0;
  const latency = Math.max(0, elapsed - Math.floor(r() * Math.min(elapsed, 20)));
  const label = l.label.includes(',') ? `"${l.label}"` : l.label;
  return (
    `${ts},${elapsed},${label},${f ? f.code : '200'},${f ? f.message : 'OK'},Carts Load 1-${thread},text,` +
    `${f ? 'false' : 'true'},${f ? f.failure : ''},${1000 + Math.floor(r() * 20000)},${200 + Math.floor(r() * 400)},` +
    `${threads},${threads},http://carts.sock-shop.svc.cluster.local:8080${l.path},${latency},0,${connect}\n`
  );
}

/** Writes `samples` rows to `path` (through a temporary file, so a cut-off run leaves nothing). */
export function generateJtl(path, samples, { threads = 200, onProgress = () => {} } = {}) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  const r = random(20240301);
  const pick = picker(r);
  let bytes = writeSync(fd, `${HEADER}\n`);
  const batch = 20_000;
  for (let start = 0; start < samples; start += batch) {
    let text = '';
    const end = Math.min(samples, start + batch);
    for (let i = start; i < end; i++) text += makeRow(i, r, pick, threads);
    bytes += writeSync(fd, text);
    if (start % 1_000_000 === 0) onProgress(start, bytes);
  }
  closeSync(fd);
  renameSync(tmp, path);
  return bytes;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i < 0 ? fallback : process.argv[i + 1];
  };
  const samples = Number(arg('--samples', '1000000'));
  const out = arg('--out', `bench/.work/jtl-${samples}.jtl`);
  const bytes = generateJtl(out, samples);
  process.stderr.write(`wrote ${out}: ${samples} samples, ${bytes} bytes\n`);
}
