import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../environment.js';
import { ConfigError } from '../../errors.js';
import type { SliValue } from '../../gate/types.js';
import { createHttpClient } from '../../http/http-client.js';
import type { HttpClient } from '../../http/http-client.js';
import { createRedactor } from '../../redaction/redaction.js';
import type { DynatraceProviderOptions } from './dynatrace-provider.js';
import { DynatraceProvider } from './dynatrace-provider.js';
import { CLASSIC, CONTEXT, FROM, PLATFORM, TO, startStandIn, type StandIn } from './test-support/stand-in.js';

const RT_DQL =
  'DQL;timeseries rt = avg(dt.service.request.response_time), filter: {k8s.deployment.name == "$SERVICE"}\n| fields value = arrayAvg(rt)';
const RT_SENT =
  'timeseries rt = avg(dt.service.request.response_time), filter: {k8s.deployment.name == "carts"}\n| fields value = arrayAvg(rt)';
const EXECUTE = '/platform/storage/query/v1/query:execute';
const POLL = '/platform/storage/query/v1/query:poll';
const CANCEL = '/platform/storage/query/v1/query:cancel';
const LOGIN_PAGE = '<html><head><title>Dynatrace SSO</title></head><body>Log in</body></html>';
const REQUEST_TOKEN = 'fHNlY3JldC1yZXF1ZXN0LXRva2VuLTAwMDE';
const executeBody = (query: string, requestTimeoutMilliseconds = 10_000) => ({
  query,
  defaultTimeframeStart: '2022-09-28T00:00:00.000Z',
  defaultTimeframeEnd: '2022-09-29T00:00:00.000Z',
  timezone: 'UTC',
  locale: 'en_US',
  requestTimeoutMilliseconds,
  maxResultRecords: 10,
  includeTypes: true,
});
const pollQuery = (ms = 10_000) => ({
  'request-token': REQUEST_TOKEN,
  'request-timeout-milliseconds': String(ms),
});

let standIn: StandIn;
let logger: ReturnType<typeof createMemoryLogger>;
let now: number;
let sleeps: number[];

beforeEach(() => {
  logger = createMemoryLogger();
  now = TO + 600_000;
  sleeps = [];
});
afterEach(async () => {
  expect(standIn.violations).toEqual([]);
  expect(standIn.unusedExpectations()).toEqual([]);
  await standIn.close();
});

function provider(
  indicators: Record<string, string>,
  overrides: Partial<DynatraceProviderOptions> & { token?: string } = {},
): DynatraceProvider {
  const { token = PLATFORM, ...rest } = overrides;
  return new DynatraceProvider({
    sliFile: { file: 'base/carts/sli/dynatrace.yaml', indicators },
    settings: { url: standIn.url },
    env: { DT_API_TOKEN: token },
    redactor: createRedactor(),
    // The clock moves only when the provider sleeps, so deadlines are exact.
    clock: { now: () => new Date(now) },
    logger,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    ...rest,
  });
}

async function fetchOne(query: string, overrides: Partial<DynatraceProviderOptions> = {}): Promise<SliValue> {
  const [value] = await provider({ rt: query }, overrides).fetch(['rt'], CONTEXT);
  if (value === undefined) throw new Error('no value');
  return value;
}

async function caught(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('DQL SLIs', () => {
  beforeEach(async () => {
    standIn = await startStandIn(PLATFORM);
  });

  it('answered at once (200 SUCCEEDED): the window, UTC and the substituted query go to Grail', async () => {
    standIn.expect({
      method: 'POST',
      path: EXECUTE,
      query: {},
      respond: 'grail-query-execute_200_succeeded_one-record',
    });
    expect(await fetchOne(RT_DQL)).toEqual({ sli: 'rt', provider: 'dynatrace', value: 31846.08512740705 });
    expect(standIn.requests).toEqual([
      {
        method: 'POST',
        path: EXECUTE,
        query: {},
        authorization: `Bearer ${PLATFORM}`,
        body: executeBody(RT_SENT),
      },
    ]);
  });

  it('202 RUNNING, then two long polls, then SUCCEEDED', async () => {
    standIn
      .expect({ method: 'POST', path: EXECUTE, query: {}, respond: 'grail-query-execute_202_running' })
      .expect({ path: POLL, query: pollQuery(), respond: 'grail-query-poll_200_running' })
      .expect({ path: POLL, query: pollQuery(), respond: 'grail-query-poll_200_succeeded_one-record-long' });
    const value = await fetchOne('DQL;fetch logs | filter loglevel == "ERROR" | summarize count()');
    expect(value).toMatchObject({ value: 42 });
    expect(standIn.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST ${EXECUTE}`,
      `GET ${POLL}`,
      `GET ${POLL}`,
    ]);
  });

  it.each<[string, string, Record<string, unknown>]>([
    [
      'zero records → no data',
      'grail-query-execute_200_succeeded_zero-records',
      { failure: 'no-data', message: /returned no records/ },
    ],
    [
      'several records → error saying how to aggregate',
      'grail-query-execute_200_succeeded_three-records',
      { failure: 'error', message: /returned 3 records, but one is expected \(aggregate them/ },
    ],
    [
      'a bare timeseries → error saying how to reduce it',
      'grail-query-execute_200_succeeded_timeseries-array',
      { failure: 'error', message: /returned the fields timeframe, interval, rt.*\| fields value = / },
    ],
  ])('%s', async (_name, fixture, { failure, message }) => {
    standIn.expect({ method: 'POST', path: EXECUTE, query: {}, respond: fixture });
    const value = await fetchOne(RT_DQL);
    expect(value).toMatchObject({ value: null, failure });
    if (value.value !== null) throw new Error('expected no value');
    expect(value.message).toMatch(message as RegExp);
    // The message names where the query is and what it was.
    expect(value.message).toContain(
      `base/carts/sli/dynatrace.yaml: indicator rt: DQL query "${RT_SENT.replace('\n', ' ')}"`,
    );
  });

  it('FAILED → the SLI fails, saying so', async () => {
    standIn
      .expect({ method: 'POST', path: EXECUTE, query: {}, respond: 'grail-query-execute_202_running' })
      .expect({ path: POLL, query: pollQuery(), respond: 'grail-query-poll_200_failed' });
    expect(await fetchOne(RT_DQL)).toMatchObject({
      value: null,
      failure: 'error',
      message: expect.stringMatching(/indicator rt: DQL query ".*" failed in Grail$/),
    });
  });

  it('CANCELLED by Dynatrace → unavailable (a new run may succeed)', async () => {
    standIn
      .expect({ method: 'POST', path: EXECUTE, query: {}, respond: 'grail-query-execute_202_running' })
      .expect({
        path: POLL,
        query: pollQuery(),
        respond: { status: 200, body: { state: 'CANCELLED', progress: 10 } },
      });
    expect(await fetchOne(RT_DQL)).toMatchObject({
      failure: 'unavailable',
      message: expect.stringContaining('ended in the state CANCELLED'),
    });
  });

  it.each([
    [
      'execute answers a login page',
      { status: 200, body: LOGIN_PAGE, contentType: 'text/html' },
      /an HTML page titled "Dynatrace SSO"/,
    ],
    ['execute answers JSON cut short', { status: 200, body: '{"state":"SUCC' }, /JSON that does not parse/],
  ])('%s → unavailable, saying what came back', async (_name, respond, said) => {
    standIn.expect({ method: 'POST', path: EXECUTE, query: {}, respond });
    const value = await fetchOne(RT_DQL);
    expect(value).toMatchObject({ value: null, failure: 'unavailable' });
    if (value.value !== null) throw new Error('expected no value');
    expect(value.message).toMatch(said);
  });

  it('a poll answering a login page → unavailable', async () => {
    standIn
      .expect({ method: 'POST', path: EXECUTE, query: {}, respond: 'grail-query-execute_202_running' })
      .expect({
        path: POLL,
        query: pollQuery(),
        respond: { status: 200, body: LOGIN_PAGE, contentType: 'text/html' },
      });
    expect(await fetchOne(RT_DQL)).toMatchObject({
      failure: 'unavailable',
      message: expect.stringMatching(/query:poll answered HTTP 200 with an HTML page/),
    });
  });

  it.each([
    ['no state', { records: [] }, /the answer has no state \(not a Grail query answer\)$/],
    ['RUNNING without a requestToken', { state: 'RUNNING' }, /says RUNNING but has no requestToken/],
  ])('JSON of the wrong shape (%s) → error, not unavailable', async (_name, body, message) => {
    standIn.expect({ method: 'POST', path: EXECUTE, query: {}, respond: { status: 200, body } });
    expect(await fetchOne(RT_DQL)).toMatchObject({
      value: null,
      failure: 'error',
      message: expect.stringMatching(message),
    });
  });

  it('a query still running at the deadline is cancelled and the SLI is unavailable', async () => {
    // timeoutSeconds 1: execute may hold 500 ms; each poll half of what is left after a 250 ms pause.
    standIn
      .expect({ method: 'POST', path: EXECUTE, query: {}, respond: 'grail-query-execute_202_running' })
      .expect({ path: POLL, query: pollQuery(375), respond: 'grail-query-poll_200_running' })
      .expect({ path: POLL, query: pollQuery(250), respond: 'grail-query-poll_200_running' })
      .expect({ path: POLL, query: pollQuery(125), respond: 'grail-query-poll_200_running' })
      .expect({
        method: 'POST',
        path: CANCEL,
        query: { 'request-token': REQUEST_TOKEN },
        respond: { status: 202, body: '' },
      });
    const value = await fetchOne(RT_DQL, { settings: { url: standIn.url, timeoutSeconds: 1 } });
    expect(value).toMatchObject({
      failure: 'unavailable',
      message: expect.stringMatching(/did not finish within 1 s and was cancelled.*timeoutSeconds/),
    });
    expect(standIn.requests[0]?.body).toEqual(executeBody(RT_SENT, 500));
    expect(sleeps).toEqual([250, 250, 250, 250]);
  });

  it('400 with the Grail error envelope → ConfigError naming the indicator, the query and the position', async () => {
    standIn.expect({
      method: 'POST',
      path: EXECUTE,
      query: {},
      respond: 'grail-query-execute_400_parse-error',
    });
    const error = await caught(
      fetchOne('DQL;timeseries rt = avg(dt.service.request.response_time)\n| fieldz value = arrayAvg(rt)'),
    );
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'base/carts/sli/dynatrace.yaml: indicator rt: DQL query "timeseries rt = avg(dt.service.request.response_time) | fieldz value = arrayAvg(rt)" ' +
        "was refused by Grail with HTTP 400: UNEXPECTED_TOKEN: There's an unexpected token `fieldz`. Please check the syntax. " +
        '(at line 2, column 3 of the query)',
    );
    expect(error.hint).toMatch(/fix the query/);
  });

  it.each([
    [
      '403 → the missing scope',
      'grail-query-execute_403_missing-scope',
      /give the token the scopes storage:metrics:read$/,
    ],
    [
      '401 → a platform token is needed',
      'error_401_missing-authorization-parameter',
      /missing, invalid or expired: DT_API_TOKEN must hold a platform token \(dt0s16\.\)/,
    ],
  ])('%s: ConfigError, exit 2, and no token anywhere', async (_name, fixture, hint) => {
    standIn.expect({ method: 'POST', path: EXECUTE, query: {}, respond: fixture });
    const error = await caught(fetchOne(RT_DQL));
    expect(error.exitCode).toBe(2);
    expect(error.hint).toMatch(hint);
    expect(`${error.message} ${error.hint} ${error.stack}`).not.toContain(PLATFORM.slice(7));
  });

  it('retries query:execute on 503 (it only reads), then reports the SLI unavailable', async () => {
    standIn.expect({
      method: 'POST',
      path: EXECUTE,
      query: {},
      respond: { status: 503, body: 'down' },
      times: 2,
    });
    expect(await fetchOne(RT_DQL, { retries: 1 })).toMatchObject({
      failure: 'unavailable',
      message: expect.stringContaining('503'),
    });
    expect(standIn.requests.filter((r) => r.path === EXECUTE)).toHaveLength(2);
  });

  it('the token reaches no value, message or log line, even when the server echoes it', async () => {
    standIn
      .expect({
        method: 'POST',
        path: EXECUTE,
        query: {},
        respond: { status: 503, body: `overloaded, token ${PLATFORM}` },
        times: 2,
      })
      .expect({
        method: 'POST',
        path: EXECUTE,
        query: {},
        respond: {
          status: 200,
          body: {
            state: 'SUCCEEDED',
            result: {
              records: [],
              metadata: { grail: { notifications: [{ message: `scanned as ${PLATFORM}` }] } },
            },
          },
        },
      });
    const p = provider(
      { a: RT_DQL, b: 'DQL;fetch logs | filter token == "$ENV.DT_API_TOKEN" | summarize count()' },
      { retries: 1, settings: { url: standIn.url, concurrency: 1 } },
    );
    const values = await p.fetch(['a', 'b'], CONTEXT);
    expect(values.map((v) => v.value)).toEqual([null, null]);
    const everything = JSON.stringify({ values, log: logger.lines });
    expect(everything).toContain('***');
    expect(everything).not.toContain(PLATFORM.slice(7));
  });
});

describe('DQL setup errors come before any request or wait', () => {
  beforeEach(async () => {
    standIn = await startStandIn(CLASSIC);
  });

  it.each([
    [
      'a classic API token',
      { url: 'https://abc12345.live.dynatrace.com' },
      /holds a classic API token \(dt0c01\.\)/,
    ],
    [
      'a Managed URL',
      { url: 'https://dynatrace.example.com/e/abc12345' },
      /Managed or ActiveGate environment URL/,
    ],
  ])('%s → ConfigError', async (_name, settings, message) => {
    now = TO; // the data would still need to settle: nothing may wait for it
    const error = await caught(fetchOne(RT_DQL, { settings, env: { DT_API_TOKEN: CLASSIC } }));
    expect(error.message).toMatch(message);
    expect(standIn.requests).toEqual([]);
    expect(sleeps).toEqual([]);
  });

  it.each([
    ['a classic API token', 'https://abc12345.live.dynatrace.com', /holds a classic API token \(dt0c01\.\)/],
    ['a Managed URL', 'https://dynatrace.example.com/e/abc12345', /Managed or ActiveGate environment URL/],
  ])(
    "%s: a stage run's check (checkConfigured) finds it before the deployment, asking nothing",
    (_name, url, message) => {
      const p = provider(
        { rt: RT_DQL, calls: 'metricSelector=builtin:service.requestCount.total' },
        {
          settings: { url },
          env: { DT_API_TOKEN: CLASSIC },
        },
      );
      expect(() => p.checkConfigured(['rt'])).toThrow(message);
      // Only a DQL SLI needs the platform: metrics queries with a classic token are fine.
      expect(() => p.checkConfigured(['calls'])).not.toThrow();
      // A --ca-file that cannot be read fails fetch at once: the check says so too.
      const withCa = provider(
        { calls: 'metricSelector=builtin:service.requestCount.total' },
        {
          settings: { url },
          env: { DT_API_TOKEN: CLASSIC },
          caFile: '/nonexistent/ci-connect-ca.pem',
        },
      );
      expect(() => withCa.checkConfigured(['calls'])).toThrow(/--ca-file/);
      expect(standIn.requests).toEqual([]);
    },
  );
});

/** A client that sends every request to the stand-in, remembering the host it was meant for. */
function routedToStandIn(hosts: string[]): HttpClient {
  const inner = createHttpClient({
    timeoutMs: 5000,
    retries: 0,
    logger,
    redactor: createRedactor(),
    userAgent: 'test',
  });
  return {
    request: (request) => {
      const target = new URL(request.url);
      hosts.push(target.host);
      return inner.request({ ...request, url: `${standIn.url}${target.pathname}${target.search}` });
    },
  };
}

describe('SaaS hosts: .live. and .apps.', () => {
  const metricsQuery =
    'metricSelector=builtin:service.response.time:merge("dt.entity.service"):percentile(95)';
  const metricsParams = {
    metricSelector: 'builtin:service.response.time:merge("dt.entity.service"):percentile(95)',
    resolution: 'Inf',
    from: String(FROM),
    to: String(TO),
  };

  it('a .live. URL with a platform token: DQL and classic calls go to the .apps. host', async () => {
    standIn = await startStandIn(PLATFORM);
    standIn
      .expect({
        method: 'POST',
        path: EXECUTE,
        query: {},
        respond: 'grail-query-execute_200_succeeded_one-record',
      })
      .expect({
        path: '/platform/classic/environment-api/v2/metrics/query',
        query: metricsParams,
        respond: 'metrics-query_200_single-series_res-Inf_one-value',
      });
    const hosts: string[] = [];
    const p = provider(
      { dql: RT_DQL, metrics: metricsQuery },
      {
        settings: { url: 'https://abc12345.live.dynatrace.com', concurrency: 1 },
        http: routedToStandIn(hosts),
      },
    );
    expect((await p.fetch(['dql', 'metrics'], CONTEXT)).map((v) => v.value)).toEqual([
      31846.08512740705, 31846.08512740705,
    ]);
    expect(hosts).toEqual(['abc12345.apps.dynatrace.com', 'abc12345.apps.dynatrace.com']);
  });

  it('a 403 on a classic call with a platform token names the platform scope', async () => {
    standIn = await startStandIn(PLATFORM);
    standIn.expect({
      path: '/platform/classic/environment-api/v2/metrics/query',
      query: metricsParams,
      respond: { status: 403, body: { error: { code: 403, message: 'Token is missing required scope.' } } },
    });
    const error = await caught(
      fetchOne(metricsQuery, {
        settings: { url: 'https://abc12345.apps.dynatrace.com' },
        http: routedToStandIn([]),
      }),
    );
    expect(error.hint).toBe('give the token the scope environment-api:metrics:read');
  });

  // Platform scopes are not always the classic name in environment-api:<name>:read form.
  it('a 403 on SECPV2; with a platform token names environment-api:security-problems:read', async () => {
    standIn = await startStandIn(PLATFORM);
    standIn.expect({
      path: '/platform/classic/environment-api/v2/securityProblems',
      query: { from: String(FROM), to: String(TO) },
      respond: { status: 403, body: { error: { code: 403, message: 'Token is missing required scope.' } } },
    });
    const error = await caught(
      fetchOne('SECPV2;', {
        settings: { url: 'https://abc12345.apps.dynatrace.com' },
        http: routedToStandIn([]),
      }),
    );
    expect(error.hint).toBe('give the token the scope environment-api:security-problems:read');
  });

  it('a 403 on USQL; with a platform token says to use a classic token with DTAQLAccess', async () => {
    standIn = await startStandIn(PLATFORM);
    const query = 'SELECT AVG(duration) FROM usersession';
    standIn.expect({
      path: '/platform/classic/environment-api/v1/userSessionQueryLanguage/table',
      query: {
        query,
        explain: 'false',
        addDeepLinkFields: 'false',
        startTimestamp: String(FROM),
        endTimestamp: String(TO),
      },
      respond: { status: 403, body: { error: { code: 403, message: 'Token is missing required scope.' } } },
    });
    const error = await caught(
      fetchOne(`USQL;SINGLE_VALUE;;${query}`, {
        settings: { url: 'https://abc12345.apps.dynatrace.com', settleSeconds: 0 },
        http: routedToStandIn([]),
      }),
    );
    expect(error.hint).toBe(
      'the User sessions API (USQL;) takes a classic access token (dt0c01.) with the scope DTAQLAccess: set DT_API_TOKEN to one',
    );
  });

  it('an .apps. URL with a classic token: classic calls go to the .live. host with Api-Token', async () => {
    standIn = await startStandIn(CLASSIC);
    standIn.expect({
      path: '/api/v2/metrics/query',
      query: metricsParams,
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
    });
    const hosts: string[] = [];
    const value = await fetchOne(metricsQuery, {
      settings: { url: 'https://abc12345.apps.dynatrace.com' },
      env: { DT_API_TOKEN: CLASSIC },
      http: routedToStandIn(hosts),
    });
    expect(value).toMatchObject({ value: 31846.08512740705 });
    expect(hosts).toEqual(['abc12345.live.dynatrace.com']);
  });
});

describe('the stand-in is strict about Grail', () => {
  beforeEach(async () => {
    standIn = await startStandIn(CLASSIC);
  });

  it.each([
    [
      EXECUTE,
      `Api-Token ${CLASSIC}`,
      JSON.stringify({ query: 'fetch logs' }),
      /platform paths take Bearer tokens only/,
    ],
    [
      '/platform/classic/environment-api/v2/problems',
      `Api-Token ${CLASSIC}`,
      undefined,
      /Bearer tokens only/,
    ],
  ])(
    '%s with Api-Token answers 500 and records a violation',
    async (path, authorization, body, violation) => {
      const response = await fetch(`${standIn.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { Authorization: authorization, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body }),
      });
      expect(response.status).toBe(500);
      expect(standIn.violations).toEqual([expect.stringMatching(violation)]);
      standIn.violations.length = 0;
    },
  );
});

describe('the stand-in is strict about Grail bodies', () => {
  beforeEach(async () => {
    standIn = await startStandIn(PLATFORM);
  });

  it.each([
    [EXECUTE, { query: 'fetch logs', from: 'now-2h' }, /unknown body keys from/],
    [EXECUTE, { timezone: 'UTC' }, /the body lacks query/],
    [`${CANCEL}?request-token=x`, { query: 'x' }, /takes no body/],
  ])('POST %s %j answers 500 and records a violation', async (path, body, violation) => {
    const response = await fetch(`${standIn.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${PLATFORM}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(500);
    expect(standIn.violations).toEqual([expect.stringMatching(violation)]);
    standIn.violations.length = 0;
  });
});
