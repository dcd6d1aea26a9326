// Benchmark (issue #3): 20 SLIs against a monitoring API that answers each query after 300 ms,
// fetched with the default concurrency (4 at once) and one by one. A local node:http server
// stands in for Prometheus; the provider, HTTP client and retries are the real ones.
//
//   node bench/concurrency.js
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { createRedactor, PrometheusProvider, silentLogger } from '../packages/core/dist/index.js';

const SLIS = 20;
const DELAY_MS = 300;

let inFlight = 0;
let maxInFlight = 0;
const server = createServer((req, res) => {
  inFlight += 1;
  maxInFlight = Math.max(maxInFlight, inFlight);
  setTimeout(() => {
    inFlight -= 1;
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, value: [1, '42'] }] },
      }),
    );
  }, DELAY_MS);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}`;

const indicators = Object.fromEntries(
  Array.from({ length: SLIS }, (_, i) => [`sli_${i}`, `up{instance="${i}"}`]),
);
const names = Object.keys(indicators);
const end = new Date();
const context = {
  project: 'p',
  stage: 's',
  service: 'svc',
  labels: {},
  filter: {},
  window: { start: new Date(end.getTime() - 300_000), end },
};

async function measure(concurrency) {
  maxInFlight = 0;
  const provider = new PrometheusProvider({
    settings: { url, ...(concurrency === undefined ? {} : { concurrency }) },
    env: {},
    redactor: createRedactor(),
    logger: silentLogger,
    sliFile: { file: 'bench', indicators },
  });
  const started = performance.now();
  const values = await provider.fetch(names, context);
  const seconds = (performance.now() - started) / 1000;
  if (values.some((v) => v.value !== 42)) throw new Error(`unexpected values: ${JSON.stringify(values)}`);
  return { seconds, maxInFlight };
}

const parallel = await measure(undefined);
const serial = await measure(1);
server.close();
console.log(`${SLIS} SLIs, each answered after ${DELAY_MS} ms`);
console.log(
  `  default concurrency: ${parallel.seconds.toFixed(2)} s (at most ${parallel.maxInFlight} in flight)`,
);
console.log(
  `  one by one:          ${serial.seconds.toFixed(2)} s (at most ${serial.maxInFlight} in flight)`,
);
console.log(`  speed-up ${(serial.seconds / parallel.seconds).toFixed(2)}x`);
console.log(JSON.stringify({ benchmark: 'concurrency', slis: SLIS, delayMs: DELAY_MS, parallel, serial }));
process.exitCode = parallel.maxInFlight <= 4 && serial.maxInFlight === 1 ? 0 : 1;
