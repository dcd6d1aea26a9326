import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../environment.js';
import { ConfigError } from '../../errors.js';
import { startTestServer } from '../../http/test-support/test-server.js';
import type { TestServer } from '../../http/test-support/test-server.js';
import { createRedactor } from '../../redaction/redaction.js';
import type { SliContext } from '../provider.js';
import { prometheusDefinition } from './prometheus-definition.js';
import { PrometheusProvider } from './prometheus-provider.js';
import type { PrometheusProviderOptions } from './prometheus-provider.js';

const TOKEN = 'prom-SECRET-token-42';
const CONTEXT: SliContext = {
  project: 'shop',
  stage: 'hardening',
  service: 'carts',
  labels: {},
  filter: {},
  window: { start: new Date('2024-01-01T00:00:00Z'), end: new Date('2024-01-01T00:05:00.500Z') },
};
const END_SECONDS = String(Date.parse('2024-01-01T00:05:00.500Z') / 1000);

interface Answer {
  status?: number;
  body: unknown;
  delayMs?: number;
  /** Sent as it is, with this content type, instead of `body` as JSON. */
  raw?: { text: string; contentType: string };
}

const LOGIN_PAGE = {
  text: '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form></form></body></html>',
  contentType: 'text/html; charset=utf-8',
};

const ok = (value: string): Answer => ({
  body: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, value] }] } },
});

let server: TestServer | undefined;
let inFlight = 0;
let mostInFlight = 0;
const unknownQueries: string[] = [];

/** A strict fake Prometheus: answers /api/v1/query from `answers` by query text; anything else is a 404 the test sees. */
async function startPrometheus(answers: Record<string, Answer>): Promise<TestServer> {
  inFlight = 0;
  mostInFlight = 0;
  unknownQueries.length = 0;
  server = await startTestServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = url.searchParams.get('query') ?? '';
    const answer = url.pathname === '/prom/api/v1/query' ? answers[query] : undefined;
    if (answer === undefined) {
      unknownQueries.push(`${url.pathname} ${query}`);
      res.writeHead(404).end();
      return;
    }
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(answer.status ?? 200, { 'content-type': answer.raw?.contentType ?? 'application/json' });
      res.end(answer.raw?.text ?? JSON.stringify(answer.body));
    }, answer.delayMs ?? 0);
  });
  return server;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
  expect(unknownQueries).toEqual([]);
});

function provider(
  indicators: Record<string, string>,
  env: Record<string, string> = {},
  extra: Partial<PrometheusProviderOptions> = {},
) {
  const logger = createMemoryLogger();
  const redactor = createRedactor();
  const p = new PrometheusProvider({
    env: { PROMETHEUS_URL: `${server?.url ?? 'http://127.0.0.1:9'}/prom/`, ...env },
    redactor,
    logger,
    sliFile: { file: 'sli/prometheus.yaml', indicators },
    http: { sleep: () => Promise.resolve(), timeoutMs: 2_000 },
    ...extra,
  });
  return { p, logger };
}

describe('PrometheusProvider', () => {
  it('sends one instant query per SLI at the window’s end and reads one sample', async () => {
    await startPrometheus({ "sum(rate(x{job='carts'}[301s]))": ok('12.5') });
    const { p } = provider({ rps: "sum(rate(x{job='$SERVICE'}[$DURATION_SECONDS]))" });
    expect(await p.fetch(['rps'], CONTEXT)).toEqual([{ sli: 'rps', provider: 'prometheus', value: 12.5 }]);
    expect(server?.requests).toHaveLength(1);
    const sent = new URL(server?.requests[0]?.url ?? '', 'http://x');
    expect(sent.searchParams.get('time')).toBe(END_SECONDS);
    expect(server?.requests[0]?.method).toBe('GET');
  });

  it('sends Keptn’s default query for a built-in indicator', async () => {
    const query = "sum(rate(http_requests_total{job='carts-shop-hardening-canary',handler='Items'}[301s]))";
    await startPrometheus({ [query]: ok('3') });
    const { p } = provider({});
    const values = await p.fetch(['throughput'], { ...CONTEXT, filter: { handler: 'Items' } });
    expect(values).toEqual([{ sli: 'throughput', provider: 'prometheus', value: 3 }]);
  });

  it('scores each SLI on its own: no data, several series, NaN, bad_data', async () => {
    const badData = {
      status: 'error',
      errorType: 'bad_data',
      error: "1:6: parse error: unexpected right bracket ']'",
    };
    const several = [
      { metric: { a: '1' }, value: [1, '1'] },
      { metric: { a: '2' }, value: [1, '2'] },
    ];
    await startPrometheus({
      none: { body: { status: 'success', data: { resultType: 'vector', result: [] } } },
      many: { body: { status: 'success', data: { resultType: 'vector', result: several } } },
      nan: ok('NaN'),
      inf: ok('+Inf'),
      'sum(x])': { status: 400, body: badData },
      good: ok('1'),
    });
    const { p } = provider({
      none: 'none',
      many: 'many',
      nan: 'nan',
      inf: 'inf',
      broken: 'sum(x])',
      good: 'good',
    });
    const values = await p.fetch(['none', 'many', 'nan', 'inf', 'broken', 'good'], CONTEXT);
    expect(values.map((v) => (v.value === null ? [v.failure, v.message] : v.value))).toEqual([
      ['no-data', 'query "none" did not return any values'],
      ['error', expect.stringContaining('"many" returned 2 series; aggregate it (e.g. sum(...))')],
      ['no-data', expect.stringContaining('"nan"')],
      ['no-data', expect.stringContaining('"inf" returned +Inf')],
      ['error', `query "sum(x])" failed: bad_data: 1:6: parse error: unexpected right bracket ']'`],
      1,
    ]);
  });

  it('marks an SLI unavailable when Prometheus keeps answering 503', async () => {
    await startPrometheus({
      q: { status: 503, body: { status: 'error', errorType: 'timeout', error: 'query timed out' } },
    });
    const { p } = provider({ q: 'q' });
    const [value] = await p.fetch(['q'], CONTEXT);
    expect(value).toMatchObject({
      value: null,
      failure: 'unavailable',
      message: expect.stringContaining('HTTP 503'),
    });
    expect(server?.requests).toHaveLength(3);
  });

  it('marks an SLI unavailable, not "no data", when Prometheus answers 200 with a login page or broken JSON', async () => {
    await startPrometheus({
      login: { body: undefined, raw: LOGIN_PAGE },
      cut: {
        body: undefined,
        raw: { text: '{"status":"success","data":{"resu', contentType: 'application/json' },
      },
      good: ok('2'),
    });
    const { p } = provider({ login: 'login', cut: 'cut', good: 'good' });
    const values = await p.fetch(['login', 'cut', 'good'], CONTEXT);
    expect(values).toEqual([
      {
        sli: 'login',
        provider: 'prometheus',
        value: null,
        failure: 'unavailable',
        message: expect.stringMatching(
          /^GET http:\/\/127\.0\.0\.1:\d+\/prom\/api\/v1\/query answered HTTP 200 with an HTML page titled "Sign in" \(a login page or a proxy\?\) instead of JSON$/,
        ),
        hint: expect.stringMatching(/^check that the URL .*single sign-on/),
      },
      {
        sli: 'cut',
        provider: 'prometheus',
        value: null,
        failure: 'unavailable',
        message: expect.stringContaining('with JSON that does not parse'),
        hint: expect.stringContaining('single sign-on'),
      },
      { sli: 'good', provider: 'prometheus', value: 2 },
    ]);
    // Not retried: a login page does not go away in the seconds a retry waits.
    expect(server?.requests).toHaveLength(3);
  });

  it('fails an SLI with an error, not "no data", when the JSON is not a Prometheus answer', async () => {
    await startPrometheus({
      bare: { body: { status: 'success' } },
      list: { body: { status: 'success', data: { resultType: 'vector' } } },
    });
    const { p } = provider({ bare: 'bare', list: 'list' });
    const values = await p.fetch(['bare', 'list'], CONTEXT);
    expect(values.map((v) => (v.value === null ? [v.failure, v.message] : v.value))).toEqual([
      ['error', 'query "bare": the answer is not a Prometheus API response'],
      ['error', 'query "list": the answer has no result list'],
    ]);
  });

  it('marks every SLI unavailable when nothing listens', async () => {
    const { p } = provider({ a: 'a', b: 'b' }, { PROMETHEUS_URL: 'http://127.0.0.1:9' }, {});
    const values = await p.fetch(['a', 'b'], CONTEXT);
    expect(values.map((v) => v.value === null && v.failure)).toEqual(['unavailable', 'unavailable']);
    // The client's hint travels apart from the message, for the error when every system is down.
    expect(values[0]).toMatchObject({
      message: expect.not.stringContaining('check the port'),
      hint: expect.stringContaining('check the port'),
    });
  });

  it.each([401, 403])('throws a ConfigError naming the token env var on %i', async (status) => {
    await startPrometheus({ q: { status, body: 'Unauthorized' } });
    const { p } = provider({ q: 'q' }, { CI_PROM_TOKEN: TOKEN }, { settings: { tokenEnv: 'CI_PROM_TOKEN' } });
    const error = await p.fetch(['q'], CONTEXT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as ConfigError).hint).toContain('CI_PROM_TOKEN');
  });

  it('throws a ConfigError naming PROMETHEUS_URL when no URL is configured', async () => {
    const p = new PrometheusProvider({ env: {}, redactor: createRedactor(), logger: createMemoryLogger() });
    const error = await p.fetch(['throughput'], CONTEXT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).hint).toMatch(/PROMETHEUS_URL.*providers\.prometheus\.url/);
  });

  it("a stage run's check (checkConfigured) refuses a --ca-file it cannot read, as fetch would, asking nothing", () => {
    const missing = join(tmpdir(), 'ci-connect-no-such-ca.pem');
    const p = new PrometheusProvider({
      env: { PROMETHEUS_URL: 'https://prometheus.example.com' },
      redactor: createRedactor(),
      logger: createMemoryLogger(),
      http: { caFile: missing },
    });
    expect(() => p.checkConfigured()).toThrow(ConfigError);
    expect(() => p.checkConfigured()).toThrow(/--ca-file/);
  });

  it('prefers settings.url and the env vars the settings name', async () => {
    await startPrometheus({ q: ok('1') });
    const { p } = provider(
      { q: 'q' },
      { PROMETHEUS_URL: 'http://127.0.0.1:9', MY_USER: 'alice', MY_PASS: 'pa:ss' },
      { settings: { url: `${server?.url}/prom`, userEnv: 'MY_USER', passwordEnv: 'MY_PASS' } },
    );
    await p.fetch(['q'], CONTEXT);
    const expected = `Basic ${Buffer.from('alice:pa:ss').toString('base64')}`;
    expect(server?.requests[0]?.headers.authorization).toBe(expected);
  });

  it('sends the bearer token when one is set', async () => {
    await startPrometheus({ q: ok('1') });
    const { p } = provider(
      { q: 'q' },
      { PROMETHEUS_TOKEN: TOKEN, PROMETHEUS_USER: 'u', PROMETHEUS_PASSWORD: 'p' },
    );
    await p.fetch(['q'], CONTEXT);
    expect(server?.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('refuses half a basic-auth pair', async () => {
    const { p } = provider({ q: 'q' }, { PROMETHEUS_USER: 'alice' });
    await expect(p.fetch(['q'], CONTEXT)).rejects.toThrow(/PROMETHEUS_PASSWORD is not set/);
  });

  it('never has more queries in flight than settings.concurrency', async () => {
    const names = Array.from({ length: 9 }, (_, i) => `q${i}`);
    await startPrometheus(Object.fromEntries(names.map((n) => [n, { ...ok('1'), delayMs: 30 }])));
    const indicators = Object.fromEntries(names.map((n) => [n, n]));
    const { p } = provider(indicators, {}, { settings: { concurrency: 2 } });
    const values = await p.fetch(names, CONTEXT);
    expect(values.every((v) => v.value === 1)).toBe(true);
    expect(mostInFlight).toBe(2);
  });

  it('defaults to 4 queries at once', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `q${i}`);
    await startPrometheus(Object.fromEntries(names.map((n) => [n, { ...ok('1'), delayMs: 30 }])));
    const { p } = provider(Object.fromEntries(names.map((n) => [n, n])));
    await p.fetch(names, CONTEXT);
    expect(mostInFlight).toBe(4);
  });

  it('lets the token reach no SLI message and no log line, even when the server echoes it', async () => {
    const echo = { status: 'error', errorType: 'bad_data', error: `bad token ${TOKEN} in Bearer ${TOKEN}` };
    await startPrometheus({
      echo: { status: 400, body: echo },
      down: { status: 503, body: { status: 'error', error: `upstream saw ${TOKEN}` } },
    });
    const { p, logger } = provider({ echo: 'echo', down: 'down' }, { PROMETHEUS_TOKEN: TOKEN });
    const values = await p.fetch(['echo', 'down'], CONTEXT);
    expect(values.map((v) => v.value === null && v.failure)).toEqual(['error', 'unavailable']);
    const everything = JSON.stringify(values) + JSON.stringify(logger.lines);
    expect(everything).not.toContain(TOKEN);
    expect(everything).toContain('***');
    expect(logger.lines.length).toBeGreaterThan(0);
  });
});

describe('prometheusDefinition', () => {
  it('names Keptn’s defaults and lets the SLI file replace one', () => {
    expect(prometheusDefinition.builtInIndicators).toEqual([
      'throughput',
      'error_rate',
      'response_time_p50',
      'response_time_p90',
      'response_time_p95',
    ]);
    const p = prometheusDefinition.create({
      sliFile: {
        file: 'sli/prometheus.yaml',
        indicators: { throughput: { query: 'sum(x)', line: 3, column: 3 } },
      },
      settings: {},
      env: {},
      redactor: createRedactor(),
      clock: { now: () => new Date(0) },
      logger: createMemoryLogger(),
    });
    expect(p.name).toBe('prometheus');
    expect(p.indicators.find((i) => i.name === 'throughput')).toEqual({
      name: 'throughput',
      query: 'sum(x)',
      origin: 'file',
      file: 'sli/prometheus.yaml',
    });
    expect(p.indicators.filter((i) => i.origin === 'default')).toHaveLength(4);
  });

  it('refuses an empty query', () => {
    expect(prometheusDefinition.checkQuery?.('  ')).toMatchObject({ message: 'the query is empty' });
    expect(prometheusDefinition.checkQuery?.('up')).toBeUndefined();
  });
});
