// DESIGN.md section 8: the prometheus provider against a real Prometheus (Debian's package)
// scraping the real demo app under real load. The provider's values must equal what the same
// PromQL returns when asked directly, and agree with the load this test sent.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMemoryLogger } from '../packages/core/src/environment.js';
import { createRedactor } from '../packages/core/src/redaction/redaction.js';
import type { SliContext } from '../packages/core/src/providers/provider.js';
import { PrometheusProvider } from '../packages/core/src/providers/prometheus/index.js';
import { cleanUpDemo, startDemoApp, type DemoApp } from './support/demo-app.js';
import { prometheus, startPrometheus, type PrometheusServer } from './support/prometheus-server.js';
import { describeWithReal } from './support/real-components.js';

const JOB = 'carts-shop-hardening-canary';
const REQUESTS = 300;
const WORKERS = 4;
const PAUSE_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The single value of an instant-query answer, as a number. */
function onlyValue(body: unknown): number {
  const result = (body as { data?: { result?: { value: [number, string] }[] } }).data?.result ?? [];
  expect(result).toHaveLength(1);
  return Number(result[0]?.value[1]);
}

/** Sends REQUESTS requests (every third a POST) from WORKERS workers; counts the answers by status. */
async function sendLoad(port: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      const i = next++;
      const cart = `c${i % 7}`;
      const response =
        i % 3 === 0
          ? await fetch(`http://127.0.0.1:${port}/carts/${cart}/items`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ itemId: `item-${i % 5}`, unitPrice: 2.5 }),
            })
          : await fetch(`http://127.0.0.1:${port}/carts/${cart}`);
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      await sleep(PAUSE_MS);
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return statuses;
}

describeWithReal(prometheus, 'prometheus provider against a real Prometheus', (found) => {
  let app: DemoApp | undefined;
  let server: PrometheusServer | undefined;

  beforeAll(async () => {
    app = await startDemoApp(['--seed', '42']);
    server = await startPrometheus(found.bin, [{ job: JOB, target: `127.0.0.1:${app.port}` }]);
    // Wait for the first successful scrape of the app.
    for (let i = 0; i < 100; i++) {
      const body = await server.query(`up{job='${JOB}'}`, Date.now() / 1000);
      if ((body as { data?: { result?: unknown[] } }).data?.result?.length === 1) return;
      await sleep(200);
    }
    throw new Error('Prometheus never scraped the demo app');
  });

  afterAll(async () => {
    await server?.stop();
    await cleanUpDemo();
  });

  it('returns what Prometheus itself answers, and what the load was', async () => {
    if (app === undefined || server === undefined) throw new Error('beforeAll did not start the servers');
    const start = new Date(Date.now() - 1000);
    const statuses = await sendLoad(app.port);
    const sent = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(sent).toBe(REQUESTS);

    // The window ends at a time Prometheus has certainly ingested, after a scrape that saw every request.
    let endSeconds = 0;
    for (let i = 0; i < 60 && endSeconds === 0; i++) {
      await sleep(500);
      const t = (Date.now() - 1500) / 1000;
      const body = await server.query(`sum(http_requests_total{job='${JOB}'})`, t);
      const result = (body as { data?: { result?: { value: [number, string] }[] } }).data?.result ?? [];
      if (Number(result[0]?.value[1]) === sent) endSeconds = t;
    }
    expect(endSeconds, 'Prometheus never scraped the final counts').toBeGreaterThan(0);
    const end = new Date(endSeconds * 1000);
    const d = `${Math.ceil((end.getTime() - start.getTime()) / 1000)}s`;

    const job = "job='$SERVICE-$PROJECT-$STAGE-canary'";
    const provider = new PrometheusProvider({
      env: { PROMETHEUS_URL: server.url },
      redactor: createRedactor(),
      logger: createMemoryLogger(),
      sliFile: {
        file: 'sli/prometheus.yaml',
        indicators: {
          requests: `sum(http_requests_total{${job}})`,
          errors: `sum(http_requests_total{${job},status='500'})`,
          response_time_p95: `histogram_quantile(0.95,sum(rate(http_request_duration_seconds_bucket{${job}}[$DURATION_SECONDS]))by(le))*1000`,
          missing: 'sum(no_such_metric_total)',
          broken: 'sum(rate(http_requests_total[$DURATION_SECONDS])',
        },
      },
    });
    const context: SliContext = {
      ...{ project: 'shop', stage: 'hardening', service: 'carts' },
      ...{ labels: {}, filter: {}, window: { start, end } },
    };
    const names = [
      'throughput',
      'error_rate',
      'requests',
      'errors',
      'response_time_p95',
      'missing',
      'broken',
    ];
    const values = Object.fromEntries((await provider.fetch(names, context)).map((v) => [v.sli, v]));

    // The same PromQL, written out by hand, asked directly.
    const f = `job='${JOB}'`;
    const direct: Record<string, string> = {
      throughput: `sum(rate(http_requests_total{${f}}[${d}]))`,
      error_rate: `sum(rate(http_requests_total{${f},status!~'2..'}[${d}]))/sum(rate(http_requests_total{${f}}[${d}]))`,
      requests: `sum(http_requests_total{${f}})`,
      errors: `sum(http_requests_total{${f},status='500'})`,
      response_time_p95: `histogram_quantile(0.95,sum(rate(http_request_duration_seconds_bucket{${f}}[${d}]))by(le))*1000`,
    };
    for (const [sli, promql] of Object.entries(direct)) {
      expect(values[sli]?.value, sli).toBe(onlyValue(await server.query(promql, endSeconds)));
    }

    // Plausible against the load: every request counted, every 500 the app answered counted.
    const seconds = (end.getTime() - start.getTime()) / 1000;
    expect(values['requests']?.value).toBe(REQUESTS);
    expect(statuses.get(500)).toBe(2); // every 50th of the 100 POSTs
    expect(values['errors']?.value).toBe(2);
    const throughput = values['throughput']?.value ?? 0;
    expect(throughput * seconds).toBeGreaterThan(REQUESTS * 0.6);
    expect(throughput * seconds).toBeLessThan(REQUESTS * 1.4);
    expect(values['error_rate']?.value).toBeGreaterThanOrEqual(0);
    expect(values['error_rate']?.value).toBeLessThan(0.05);
    expect(values['response_time_p95']?.value).toBeGreaterThan(5);
    expect(values['response_time_p95']?.value).toBeLessThan(250);

    // Failures come back per SLI, with Prometheus's own words.
    expect(values['missing']).toMatchObject({ value: null, failure: 'no-data' });
    expect(values['broken']).toMatchObject({
      value: null,
      failure: 'error',
      message: expect.stringContaining('bad_data: '),
    });
  }, 45_000);

  // Keptn's prometheus-service refused these ("not a Vector"); ci-connect takes their value
  // (docs/monitoring.md, the differences table). Pinned against what a real Prometheus answers.
  it('takes the value of a scalar answer; a NaN scalar is "no data", a string an error', async () => {
    if (server === undefined) throw new Error('beforeAll did not start the servers');
    const end = new Date();
    const provider = new PrometheusProvider({
      env: { PROMETHEUS_URL: server.url },
      redactor: createRedactor(),
      logger: createMemoryLogger(),
      sliFile: {
        file: 'sli/prometheus.yaml',
        indicators: {
          literal: '42',
          scrapes: `scalar(count(up{job='${JOB}'}))`,
          empty: 'scalar(sum(no_such_metric_total))',
          text: '"fast"',
        },
      },
    });
    const context: SliContext = {
      ...{ project: 'shop', stage: 'hardening', service: 'carts' },
      ...{ labels: {}, filter: {}, window: { start: new Date(end.getTime() - 60_000), end } },
    };
    const direct = (await server.query(`scalar(count(up{job='${JOB}'}))`, end.getTime() / 1000)) as {
      data: { resultType: string; result: [number, string] };
    };
    expect(direct.data.resultType).toBe('scalar');
    const values = await provider.fetch(['literal', 'scrapes', 'empty', 'text'], context);
    expect(values).toMatchObject([
      { sli: 'literal', value: 42 },
      { sli: 'scrapes', value: Number(direct.data.result[1]) },
      { sli: 'empty', value: null, failure: 'no-data' },
      { sli: 'text', value: null, failure: 'error', message: expect.stringContaining('returned a string') },
    ]);
    expect(values[1]?.value).toBe(1);
  }, 20_000);
});
