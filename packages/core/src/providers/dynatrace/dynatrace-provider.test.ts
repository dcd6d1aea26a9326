import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../environment.js';
import { ConfigError } from '../../errors.js';
import type { SliValue } from '../../gate/types.js';
import { createRedactor } from '../../redaction/redaction.js';
import { dynatraceDefinition } from './dynatrace-definition.js';
import type { DynatraceProviderOptions } from './dynatrace-provider.js';
import { DynatraceProvider } from './dynatrace-provider.js';
import { CLASSIC, CONTEXT, FROM, PLATFORM, TO, startStandIn, type StandIn } from './test-support/stand-in.js';

const RT = 'builtin:service.response.time:merge("dt.entity.service"):percentile(95)';
const SOCKSHOP = 'type(SERVICE),tag(keptn_project:sockshop),tag(keptn_stage:staging)';
const RT_QUERY =
  'metricSelector=builtin:service.response.time:merge("dt.entity.service"):percentile(95)&entitySelector=type(SERVICE),tag(keptn_project:$PROJECT),tag(keptn_stage:$STAGE)';
const rtRequest = (extra: Record<string, string> = { resolution: 'Inf' }) => ({
  metricSelector: RT,
  entitySelector: SOCKSHOP,
  from: String(FROM),
  to: String(TO),
  ...extra,
});
const METRICS = '/api/v2/metrics/query';
const LOGIN_PAGE =
  '<!doctype html><html><head><title>Sign in</title></head><body><form></form></body></html>';

let standIn: StandIn;
let logger: ReturnType<typeof createMemoryLogger>;
let sleeps: number[];

async function start(token = CLASSIC): Promise<void> {
  standIn = await startStandIn(token);
}
beforeEach(() => {
  logger = createMemoryLogger();
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
  const { token = CLASSIC, ...rest } = overrides;
  return new DynatraceProvider({
    sliFile: { file: 'sli/dynatrace.yaml', indicators },
    settings: { url: `${standIn.url}/` },
    env: { DT_API_TOKEN: token },
    redactor: createRedactor(),
    clock: { now: () => new Date(TO + 600_000) },
    logger,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...rest,
  });
}

async function fetchOne(query: string, overrides: Partial<DynatraceProviderOptions> = {}): Promise<SliValue> {
  const [value] = await provider({ sli: query }, overrides).fetch(['sli'], CONTEXT);
  if (value === undefined) throw new Error('no value');
  return value;
}

describe('DynatraceProvider metrics v2 SLIs', () => {
  beforeEach(() => start());

  it.each<[string, string, string, Record<string, unknown>]>([
    [
      'one value',
      RT_QUERY,
      'metrics-query_200_single-series_res-Inf_one-value',
      { value: 31846.08512740705 },
    ],
    [
      'MV2;MicroSecond → ms',
      `MV2;MicroSecond;${RT_QUERY}`,
      'metrics-query_200_single-series_res-Inf_one-value',
      { value: 31846.08512740705 / 1000 },
    ],
    ['null value', RT_QUERY, 'metrics-query_200_null-value_res-Inf', { value: null, failure: 'no-data' }],
    [
      'empty data',
      RT_QUERY,
      'metrics-query_200_empty-data_no-warnings_wrong-tag',
      { value: null, failure: 'no-data' },
    ],
    [
      'zero collections',
      RT_QUERY,
      'metrics-query_200_zero-series-collections',
      { value: null, failure: 'no-data' },
    ],
    [
      'several series',
      RT_QUERY,
      'metrics-query_200_three-series_res-10m_sparse-nulls',
      { value: null, failure: 'error' },
    ],
    [
      '400 from the server',
      RT_QUERY,
      'error_400_metrics-query_selector-parse-error',
      { value: null, failure: 'error' },
    ],
  ])('%s', async (_name, query, fixture, expected) => {
    standIn.expect({ path: METRICS, query: rtRequest(), respond: fixture });
    const value = await fetchOne(query);
    expect(value).toMatchObject({ sli: 'sli', provider: 'dynatrace', ...expected });
    if (value.value === null)
      expect(value.message).toContain(`metricSelector=${RT}&entitySelector=${SOCKSHOP}`);
  });

  it('names the series count and the fix for several series, and the server message for a 400', async () => {
    standIn
      .expect({
        path: METRICS,
        query: rtRequest(),
        respond: 'metrics-query_200_three-series_res-10m_sparse-nulls',
      })
      .expect({
        path: METRICS,
        query: rtRequest({ resolution: '1h' }),
        respond: 'error_400_metrics-query_selector-parse-error',
      });
    const p = provider({ many: RT_QUERY, bad: `${RT_QUERY}&resolution=1h`, none: RT_QUERY });
    const values = await p.fetch(['many', 'bad'], CONTEXT);
    expect(values[0]).toMatchObject({ message: expect.stringMatching(/returned 3 metric series.*:merge\(/) });
    expect(values[1]).toMatchObject({
      message: expect.stringMatching(/refused with HTTP 400: Metric selector parse error/),
    });
  });

  it('folds once when resolution=Inf is refused for the metric', async () => {
    const inf = {
      ...rtRequest(),
      metricSelector: 'builtin:pgi.availability:splitBy()',
      entitySelector: 'type(HOST)',
    };
    const violation = {
      path: 'resolution',
      message: 'resolution Inf is not supported for this metric',
      parameterLocation: 'QUERY',
    };
    standIn
      .expect({
        path: METRICS,
        query: inf,
        respond: {
          status: 400,
          body: { error: { code: 400, message: 'Constraints violated.', constraintViolations: [violation] } },
        },
      })
      .expect({
        path: METRICS,
        query: {
          metricSelector: '(builtin:pgi.availability:splitBy()):fold',
          entitySelector: 'type(HOST)',
          from: String(FROM),
          to: String(TO),
        },
        respond: 'metrics-query_200_fold_pgi-availability',
      });
    const value = await fetchOne(
      'metricSelector=builtin:pgi.availability:splitBy()&entitySelector=type(HOST)',
    );
    expect(value).toMatchObject({ value: 97.46884534911891 });
  });

  it('folds when a user-given resolution yields several values, keeping that resolution (as Keptn)', async () => {
    // dynatrace-service's "...WithFold" case: `&resolution=30m` stays on the folded query.
    standIn
      .expect({
        path: METRICS,
        query: rtRequest({ resolution: '1h' }),
        respond: 'metrics-query_200_single-series_res-1h_24-values',
      })
      .expect({
        path: METRICS,
        query: { ...rtRequest({ resolution: '1h' }), metricSelector: `(${RT}):fold` },
        respond: 'metrics-query_200_fold_pgi-availability',
      });
    expect(await fetchOne(`${RT_QUERY}&resolution=1h`)).toMatchObject({ value: 97.46884534911891 });
  });

  it('sends Keptn placeholders of a stage run: $CONTEXT, $TESTSTRATEGY, $SOURCE, and an empty $DEPLOYMENT', async () => {
    const tagged =
      'type(SERVICE),tag(keptn_deployment:),tag(run:run-7),tag(test:performance),tag(by:ci-connect),tag(event:)';
    standIn.expect({
      path: METRICS,
      query: { ...rtRequest(), entitySelector: tagged },
      respond: 'metrics-query_200_fold_pgi-availability',
    });
    const query =
      `metricSelector=${RT}&entitySelector=type(SERVICE),tag(keptn_deployment:$DEPLOYMENT),` +
      'tag(run:$CONTEXT),tag(test:$TESTSTRATEGY),tag(by:$SOURCE),tag(event:$EVENT)';
    const [value] = await provider({ sli: query }).fetch(['sli'], {
      ...CONTEXT,
      run: { id: 'run-7', testStrategy: 'performance' },
    });
    expect(value).toMatchObject({ value: 97.46884534911891 });
  });

  it('reports 503 after retries as unavailable', async () => {
    standIn.expect({ path: METRICS, query: rtRequest(), respond: { status: 503, body: 'down' }, times: 2 });
    const value = await fetchOne(RT_QUERY, { retries: 1 });
    expect(value).toMatchObject({
      value: null,
      failure: 'unavailable',
      message: expect.stringContaining('503'),
    });
  });

  it.each([
    [
      'a login page',
      { status: 200, body: LOGIN_PAGE, contentType: 'text/html' },
      /an HTML page titled "Sign in" \(a login page or a proxy\?\)/,
    ],
    [
      'JSON cut short',
      { status: 200, body: '{"totalCount":1,"resolution":"Inf","result":[{"met' },
      /JSON that does not parse/,
    ],
  ])(
    '200 with %s → unavailable (not "no data"), naming the URL, not retried',
    async (_name, respond, said) => {
      standIn.expect({ path: METRICS, query: rtRequest(), respond });
      const value = await fetchOne(RT_QUERY);
      expect(value).toMatchObject({ value: null, failure: 'unavailable' });
      if (value.value !== null) throw new Error('expected no value');
      expect(value.message).toMatch(
        /^GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/metrics\/query answered HTTP 200 with /,
      );
      expect(value.message).toMatch(said);
      expect(value.hint).toContain('single sign-on');
      expect(value.message).not.toContain(CLASSIC.slice(7));
      // Not retried: the stand-in declared one answer.
      expect(standIn.requests).toHaveLength(1);
    },
  );

  it('keeps at most `concurrency` requests in flight', async () => {
    standIn.expect({
      path: METRICS,
      query: rtRequest(),
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
      times: 5,
      delayMs: 40,
    });
    const names = ['a', 'b', 'c', 'd', 'e'];
    const p = provider(Object.fromEntries(names.map((n) => [n, RT_QUERY])), {
      settings: { url: standIn.url, concurrency: 2 },
    });
    const values = await p.fetch(names, CONTEXT);
    expect(values.map((v) => v.sli)).toEqual(names);
    expect(standIn.maxInFlight).toBe(2);
  });
});

describe('DynatraceProvider SLO and problems', () => {
  beforeEach(() => start());
  const range = { from: String(FROM), to: String(TO), timeFrame: 'GTF' };

  it('SLO;<id> → evaluatedPercentage', async () => {
    standIn.expect({
      path: '/api/v2/slo/7d07efde-b714-3e6e-ad95-08490e2540c4',
      query: range,
      respond: 'slo-v2_200_get-slo_evaluatedPercentage',
    });
    expect(await fetchOne('SLO;7d07efde-b714-3e6e-ad95-08490e2540c4')).toMatchObject({ value: 95 });
  });

  it('an unknown SLO fails that SLI with the server message', async () => {
    standIn.expect({
      path: '/api/v2/slo/7d07efde-b714-3e6e-ad95-08490e2540c5',
      query: range,
      respond: 'error_404_slo-not-found',
    });
    expect(await fetchOne('SLO;7d07efde-b714-3e6e-ad95-08490e2540c5')).toMatchObject({
      failure: 'error',
      message: expect.stringContaining("SLO with ID '7d07efde-b714-3e6e-ad95-08490e2540c5' not found."),
    });
  });

  it.each([
    [
      'an answer without evaluatedPercentage → error',
      { id: 'x' },
      'error',
      /no evaluatedPercentage \(not an SLO API v2 answer\)/,
    ],
    [
      'evaluatedPercentage -1 → no data',
      { evaluatedPercentage: -1 },
      'no-data',
      /no evaluatedPercentage for this window/,
    ],
  ])('SLO: %s', async (_name, body, failure, message) => {
    standIn.expect({ path: '/api/v2/slo/s1', query: range, respond: { status: 200, body } });
    expect(await fetchOne('SLO;s1')).toMatchObject({
      value: null,
      failure,
      message: expect.stringMatching(message),
    });
  });

  it('PV2: a login page → unavailable; JSON without totalCount → error', async () => {
    const problems = { problemSelector: 'status("open")', from: String(FROM), to: String(TO) };
    standIn
      .expect({
        path: '/api/v2/problems',
        query: problems,
        respond: { status: 200, body: LOGIN_PAGE, contentType: 'text/html' },
      })
      .expect({
        path: '/api/v2/problems',
        query: problems,
        respond: { status: 200, body: { problems: [] } },
      });
    const p = provider(
      { a: 'PV2;problemSelector=status("open")', b: 'PV2;problemSelector=status("open")' },
      {
        settings: { url: standIn.url, concurrency: 1 },
      },
    );
    const [a, b] = await p.fetch(['a', 'b'], CONTEXT);
    expect(a).toMatchObject({ failure: 'unavailable', message: expect.stringContaining('an HTML page') });
    expect(b).toMatchObject({
      failure: 'error',
      message: expect.stringContaining('the answer has no totalCount'),
    });
  });

  it('PV2 → totalCount', async () => {
    standIn.expect({
      path: '/api/v2/problems',
      query: { problemSelector: 'status("open")', from: String(FROM), to: String(TO) },
      respond: { status: 200, body: { totalCount: 2, problems: [] } },
    });
    expect(await fetchOne('PV2;problemSelector=status("open")')).toMatchObject({ value: 2 });
  });
});

describe('DynatraceProvider authentication and configuration', () => {
  it.each([
    ['classic token → Api-Token', CLASSIC, `Api-Token ${CLASSIC}`],
    ['platform token → Bearer', PLATFORM, `Bearer ${PLATFORM}`],
  ])('%s', async (_name, token, header) => {
    await start(token);
    standIn.expect({
      path: METRICS,
      query: rtRequest(),
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
    });
    await fetchOne(RT_QUERY, { env: { DT_API_TOKEN: token } });
    expect(standIn.requests.map((r) => r.authorization)).toEqual([header]);
  });

  it.each([
    ['401', 'error_401_missing-authorization-parameter', /missing, invalid or expired/],
    ['403', 'error_403_missing-scope_problems-read', /scope problems\.read/],
  ])('%s → ConfigError with a hint, and no token anywhere', async (_status, fixture, hint) => {
    await start();
    standIn.expect({ path: METRICS, query: rtRequest(), respond: fixture });
    const error = await fetchOne(RT_QUERY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).hint).toMatch(hint);
    expect((error as ConfigError).exitCode).toBe(2);
    expect(`${String(error)} ${(error as ConfigError).hint} ${(error as Error).stack}`).not.toContain(
      CLASSIC.slice(7),
    );
  });

  it.each([
    [{ DT_API_TOKEN: CLASSIC }, /DT_URL is not set/],
    [{ DT_URL: 'https://x.live.dynatrace.com' }, /DT_API_TOKEN is not set/],
    [{}, /DT_URL and DT_API_TOKEN/],
  ])('missing endpoint or token → ConfigError naming the env vars (%#)', async (env, message) => {
    await start();
    const p = provider({ sli: RT_QUERY }, { settings: {}, env });
    await expect(p.fetch(['sli'], CONTEXT)).rejects.toThrow(message);
  });

  it('reads the URL and token from the env vars ci-connect.yaml names', async () => {
    await start();
    standIn.expect({
      path: METRICS,
      query: rtRequest(),
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
    });
    const p = provider(
      { sli: RT_QUERY },
      {
        settings: { urlEnv: 'MY_DT', tokenEnv: 'MY_TOKEN' },
        env: { MY_DT: `${standIn.url}//`, MY_TOKEN: CLASSIC },
      },
    );
    expect(await p.fetch(['sli'], CONTEXT)).toMatchObject([{ value: 31846.08512740705 }]);
  });

  it('a bad query is a ConfigError naming the file and indicator', async () => {
    await start();
    await expect(fetchOne('metricSelector=x&bogus=1')).rejects.toThrow(
      /sli\/dynatrace\.yaml: indicator sli: unknown query parameter "bogus"/,
    );
  });

  it('the token reaches no value, message or log line', async () => {
    await start();
    standIn
      .expect({
        path: METRICS,
        query: rtRequest(),
        respond: {
          status: 400,
          body: { error: { code: 400, message: `bad token Api-Token ${CLASSIC} and ${CLASSIC}` } },
        },
      })
      .expect({
        path: METRICS,
        query: { ...rtRequest(), entitySelector: `tag(${CLASSIC})` },
        respond: { status: 503, body: CLASSIC },
        times: 2,
      });
    const p = provider(
      {
        a: RT_QUERY,
        b: 'metricSelector=builtin:service.response.time:merge("dt.entity.service"):percentile(95)&entitySelector=tag($ENV.DT_API_TOKEN)',
      },
      { retries: 1, clock: { now: () => new Date(TO) } },
    );
    const values = await p.fetch(['a', 'b'], CONTEXT);
    expect(values.map((v) => v.value)).toEqual([null, null]);
    const everything = JSON.stringify({ values, log: logger.lines });
    expect(everything).toContain('***');
    expect(everything).not.toContain(CLASSIC.slice(7));
  });
});

describe('DynatraceProvider settle time', () => {
  beforeEach(() => start());

  it.each([
    ['window just ended, default 120 s', TO, undefined, undefined, 120_000],
    ['30 s after the end, settings 60 s', TO + 30_000, 60, undefined, 30_000],
    ['override 0 wins over settings', TO, 300, 0, undefined],
    ['long after the end', TO + 600_000, undefined, undefined, undefined],
  ])('%s', async (_name, now, settleSeconds, override, waited) => {
    standIn.expect({
      path: METRICS,
      query: rtRequest(),
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
    });
    await fetchOne(RT_QUERY, {
      clock: { now: () => new Date(now) },
      settings: { url: standIn.url, ...(settleSeconds === undefined ? {} : { settleSeconds }) },
      ...(override === undefined ? {} : { settleSeconds: override }),
    });
    expect(sleeps).toEqual(waited === undefined ? [] : [waited]);
    const said = logger.lines.filter((l) => l.level === 'info').map((l) => l.message);
    expect(said).toEqual(waited === undefined ? [] : [expect.stringContaining(`waiting ${waited / 1000} s`)]);
  });
});

describe('dynatraceDefinition', () => {
  beforeEach(() => start());

  it('builds a provider from the registry input and registers the token before any request', () => {
    const redactor = createRedactor();
    const p = dynatraceDefinition.create({
      sliFile: { file: 'sli/dynatrace.yaml', indicators: { rt: { query: RT_QUERY, line: 2, column: 3 } } },
      settings: { dynatrace: { url: standIn.url } },
      env: { DT_API_TOKEN: CLASSIC },
      redactor,
      clock: { now: () => new Date() },
      logger,
    });
    expect(p.name).toBe('dynatrace');
    expect(p.indicators).toEqual([
      { name: 'rt', query: RT_QUERY, origin: 'file', file: 'sli/dynatrace.yaml' },
    ]);
    expect(redactor.redact(`x ${CLASSIC} y`)).toBe('x *** y');
    expect(dynatraceDefinition.builtInIndicators).toEqual([
      'throughput',
      'error_rate',
      'response_time_p50',
      'response_time_p90',
      'response_time_p95',
    ]);
  });
});

describe("Keptn dynatrace-service's default indicators, without an SLI file", () => {
  beforeEach(() => start());

  it('queries its selectors with the keptn_* tags of the run, and only without an SLI file', async () => {
    const entity =
      'type(SERVICE),tag(keptn_project:sockshop),tag(keptn_stage:staging),tag(keptn_service:carts),' +
      'tag(keptn_deployment:)';
    standIn.expect({
      path: METRICS,
      query: { ...rtRequest(), entitySelector: entity },
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
    });
    const p = new DynatraceProvider({
      settings: { url: standIn.url },
      env: { DT_API_TOKEN: CLASSIC },
      redactor: createRedactor(),
      clock: { now: () => new Date(TO + 600_000) },
      logger,
    });
    expect(p.indicators.map((i) => [i.name, i.origin])).toEqual([
      ['throughput', 'fallback'],
      ['error_rate', 'fallback'],
      ['response_time_p50', 'fallback'],
      ['response_time_p90', 'fallback'],
      ['response_time_p95', 'fallback'],
    ]);
    expect(p.indicators.find((i) => i.name === 'throughput')?.query).toContain(
      'metricSelector=builtin:service.requestCount.total:merge("dt.entity.service"):sum&',
    );
    expect(p.indicators.find((i) => i.name === 'error_rate')?.query).toContain(
      'metricSelector=builtin:service.errors.total.rate:merge("dt.entity.service"):avg&',
    );
    const [value] = await p.fetch(['response_time_p95'], CONTEXT);
    expect(value).toMatchObject({ provider: 'dynatrace', value: 31846.08512740705 });
    // As Keptn: an SLI file, even one without these names, replaces every default.
    expect(provider({ rt: RT_QUERY }).indicators.map((i) => i.name)).toEqual(['rt']);
  });

  it.each([
    [{}, {}, false],
    [{}, { DT_URL: 'https://abc12345.live.dynatrace.com' }, true],
    [{}, { DT_URL: ' ' }, false],
    [{ dynatrace: { url: 'https://abc12345.live.dynatrace.com' } }, {}, true],
    [{ dynatrace: { urlEnv: 'MY_DT' } }, { MY_DT: 'https://x' }, true],
    [{ dynatrace: { urlEnv: 'MY_DT' } }, { DT_URL: 'https://x' }, false],
  ])('are offered with settings %j and env %j: %s', (settings, env, expected) => {
    standIn.violations.length = 0;
    const input = { settings, env, redactor: createRedactor(), clock: { now: () => new Date() }, logger };
    expect(dynatraceDefinition.offersBuiltIns?.(input)).toBe(expected);
  });
});

describe('the stand-in is strict', () => {
  beforeEach(() => start());

  it.each([
    [
      '/api/v2/metrics/query?metricSelector=x&nextPageKey=1',
      `Api-Token ${CLASSIC}`,
      /unexpected query parameter "nextPageKey"/,
    ],
    ['/api/v2/metrics/query?metricSelector=x', `Bearer ${CLASSIC}`, /wrong or missing Authorization/],
    ['/api/v2/metrics/query?metricSelector=x', undefined, /wrong or missing Authorization/],
    ['/api/v1/timeseries', `Api-Token ${CLASSIC}`, /unknown route/],
    ['/api/v2/metrics/query?metricSelector=x', `Api-Token ${CLASSIC}`, /undeclared request/],
  ])('%s answers 500 and records a violation', async (path, authorization, violation) => {
    const response = await fetch(`${standIn.url}${path}`, {
      headers: authorization === undefined ? {} : { Authorization: authorization },
    });
    expect(response.status).toBe(500);
    expect(standIn.violations).toEqual([expect.stringMatching(violation)]);
    standIn.violations.length = 0;
  });
});
