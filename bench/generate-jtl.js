/**
 * Writes a synthetic but realistic JMeter 5 CSV results file (JTL) for the benchmarks: the
 * default 17 columns with a header, several labels (one that needs quoting), log-normal response
 * times with a tail past 8 s, ~3% failures with quoted messages that contain commas and quotes.
 * Deterministic: the same sample count always gives the same bytes.
 *
 * With `--format xml`, the same samples in JMeter's XML results format.
 *
 * Usage: node bench/generate-jtl.js --samples 1000000 [--format csv|xml] --out bench/.work/x.jtl
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

/** One sample's fields; `i` numbers the sample, `threads` the concurrent virtual users. */
function makeSample(i, r, pick, threads) {
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
  // Drawn in the same order as generator version 1 wrote them, so its CSV bytes stay the same.
  const bytes = 1000 + Math.floor(r() * 20000);
  const sentBytes = 200 + Math.floor(r() * 400);
  return { l, elapsed, f, thread, ts, connect, latency, bytes, sentBytes, threads };
}

function csvRow(s) {
  const { l, f } = s;
  const label = l.label.includes(',') ? `"${l.label}"` : l.label;
  return (
    `${s.ts},${s.elapsed},${label},${f ? f.code : '200'},${f ? f.message : 'OK'},Carts Load 1-${s.thread},text,` +
    `${f ? 'false' : 'true'},${f ? f.failure : ''},${s.bytes},${s.sentBytes},` +
    `${s.threads},${s.threads},http://carts.sock-shop.svc.cluster.local:8080${l.path},${s.latency},0,${s.connect}\n`
  );
}

/** A CSV field's text, for the XML twin: without its quotes, doubled quotes single. */
function unquote(field) {
  return field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field;
}

function escapeXml(text) {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** The same sample as JMeter 5 writes it in XML (jmeter.save.saveservice.output_format=xml). */
function xmlSample(s) {
  const { l, f } = s;
  const url = escapeXml(`http://carts.sock-shop.svc.cluster.local:8080${l.path}`);
  const assertion =
    f && f.failure !== ''
      ? `  <assertionResult>\n    <name>Response Assertion</name>\n    <failure>true</failure>\n    <error>false</error>\n` +
        `    <failureMessage>${escapeXml(unquote(f.failure))}</failureMessage>\n  </assertionResult>\n`
      : '';
  return (
    `<httpSample t="${s.elapsed}" it="0" lt="${s.latency}" ct="${s.connect}" ts="${s.ts}" s="${f ? 'false' : 'true'}" ` +
    `lb="${escapeXml(l.label)}" rc="${f ? f.code : '200'}" rm="${escapeXml(f ? unquote(f.message) : 'OK')}" ` +
    `tn="Carts Load 1-${s.thread}" dt="text" de="UTF-8" by="${s.bytes}" sby="${s.sentBytes}" ng="${s.threads}" na="${s.threads}">\n` +
    `${assertion}  <java.net.URL>${url}</java.net.URL>\n</httpSample>\n`
  );
}

const FORMATS = {
  csv: { start: `${HEADER}\n`, sample: csvRow, end: '' },
  xml: {
    start: '<?xml version="1.0" encoding="UTF-8"?>\n<testResults version="1.2">\n',
    sample: xmlSample,
    end: '</testResults>\n',
  },
};

/**
 * Writes `samples` samples to `path` (through a temporary file, so a cut-off run leaves
 * nothing), as CSV or XML: the same seed gives the same samples in either format.
 */
export function generateJtl(path, samples, { threads = 200, format = 'csv', onProgress = () => {} } = {}) {
  const writer = FORMATS[format];
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  const r = random(20240301);
  const pick = picker(r);
  let bytes = writeSync(fd, writer.start);
  const batch = 20_000;
  for (let start = 0; start < samples; start += batch) {
    let text = '';
    const end = Math.min(samples, start + batch);
    for (let i = start; i < end; i++) text += writer.sample(makeSample(i, r, pick, threads));
    bytes += writeSync(fd, text);
    if (start % 1_000_000 === 0) onProgress(start, bytes);
  }
  bytes += writeSync(fd, writer.end);
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
  const format = arg('--format', 'csv');
  const out = arg('--out', `bench/.work/jtl-${samples}.${format === 'xml' ? 'xml.' : ''}jtl`);
  const bytes = generateJtl(out, samples, { format });
  process.stderr.write(`wrote ${out}: ${samples} samples, ${bytes} bytes\n`);
}
