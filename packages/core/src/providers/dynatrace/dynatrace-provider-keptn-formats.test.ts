// Keptn's legacy query formats and the MV2 unit error, run by the provider against the strict
// stand-in with the bodies keptn-contrib/dynatrace-service's own tests served, expecting the
// values those tests expected (fixtures/dynatrace/SOURCES.md).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../environment.js';
import { ConfigError } from '../../errors.js';
import { createRedactor } from '../../redaction/redaction.js';
import { DynatraceProvider } from './dynatrace-provider.js';
import { CLASSIC, CONTEXT, FROM, TO, startStandIn, type StandIn } from './test-support/stand-in.js';

const USQL = '/api/v1/userSessionQueryLanguage/table';
const BY_OS = 'SELECT osVersion,AVG(duration),MAX(duration) FROM usersession GROUP BY osVersion';
const usqlRequest = (query: string) => ({
  query,
  explain: 'false',
  addDeepLinkFields: 'false',
  startTimestamp: String(FROM),
  endTimestamp: String(TO),
});

let standIn: StandIn;
let sleeps: number[];

beforeEach(async () => {
  standIn = await startStandIn(CLASSIC);
  sleeps = [];
});
afterEach(async () => {
  expect(standIn.violations).toEqual([]);
  expect(standIn.unusedExpectations()).toEqual([]);
  await standIn.close();
});

let logger: ReturnType<typeof createMemoryLogger>;

function provider(
  indicators: Record<string, string>,
  now = TO + 600_000,
  settleSeconds?: number,
): DynatraceProvider {
  logger = createMemoryLogger();
  return new DynatraceProvider({
    sliFile: { file: 'sli/dynatrace.yaml', indicators },
    settings: { url: standIn.url, ...(settleSeconds === undefined ? {} : { settleSeconds }) },
    env: { DT_API_TOKEN: CLASSIC },
    redactor: createRedactor(),
    clock: { now: () => new Date(now) },
    logger,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
}

describe('USQL; SLIs (User sessions API v1)', () => {
  it('takes the dimension row of chart and table results, as Keptn did', async () => {
    standIn.expect({
      path: USQL,
      query: usqlRequest(BY_OS),
      respond: 'usql-table_200_osversion-avg-max-duration',
      times: 4,
    });
    const values = await provider({
      column: `USQL;COLUMN_CHART;Android 6.0.1;${BY_OS}`,
      line: `USQL;LINE_CHART;Android 7.0.1;${BY_OS}`,
      pie: `USQL;PIE_CHART;iOS 14;${BY_OS}`,
      table: `USQL;TABLE;iOS 12.1.4;${BY_OS}`,
    }).fetch(['column', 'line', 'pie', 'table'], CONTEXT);
    expect(values.map((v) => v.value)).toEqual([21550.5, 30001.69230769231, 42557.1875, 29043]);
    expect(standIn.requests[0]?.authorization).toBe(`Api-Token ${CLASSIC}`);
  });

  it('takes the one cell of a SINGLE_VALUE result', async () => {
    const query = 'SELECT AVG(duration) FROM usersession';
    standIn.expect({ path: USQL, query: usqlRequest(query), respond: 'usql-table_200_single-value' });
    const [value] = await provider({ sli: `USQL;SINGLE_VALUE;;${query}` }).fetch(['sli'], CONTEXT);
    expect(value).toEqual({ sli: 'sli', provider: 'dynatrace', value: 87793.1776896271 });
  });

  it('says "no data" when no row has the dimension, and "error" for text where a number belongs', async () => {
    const byCountry = 'SELECT osVersion,country,AVG(duration) FROM usersession GROUP BY osVersion,country';
    standIn
      .expect({ path: USQL, query: usqlRequest(BY_OS), respond: 'usql-table_200_zero-rows' })
      .expect({ path: USQL, query: usqlRequest(byCountry), respond: 'usql-table_200_second-column-text' });
    const [none, text] = await provider({
      none: `USQL;COLUMN_CHART;iOS 11.4.1;${BY_OS}`,
      text: `USQL;PIE_CHART;Windows XP;${byCountry}`,
    }).fetch(['none', 'text'], CONTEXT);
    expect(none).toMatchObject({
      value: null,
      failure: 'no-data',
      message: expect.stringMatching(/has no row for the dimension "iOS 11\.4\.1"/),
    });
    expect(text).toMatchObject({
      value: null,
      failure: 'error',
      message: expect.stringMatching(/the value "United States" is not a number/),
    });
  });

  it('fills in placeholders in the dimension and the USQL query, as Keptn replaced them in the whole query', async () => {
    const byStage =
      "SELECT osVersion,AVG(duration) FROM usersession WHERE stage = 'staging' GROUP BY osVersion";
    standIn.expect({ path: USQL, query: usqlRequest(byStage), respond: 'usql-table_200_zero-rows' });
    const [value] = await provider({
      sli: "USQL;TABLE;$LABEL.os;SELECT osVersion,AVG(duration) FROM usersession WHERE stage = '$STAGE' GROUP BY osVersion",
    }).fetch(['sli'], { ...CONTEXT, labels: { os: 'iOS 14' } });
    expect(value).toMatchObject({
      failure: 'no-data',
      message: expect.stringContaining('dimension "iOS 14"'),
    });
  });

  it('a token without DTAQLAccess is a configuration error naming the scope', async () => {
    standIn.expect({
      path: USQL,
      query: usqlRequest(BY_OS),
      respond: 'error_403_missing-scope_usql-DTAQLAccess',
    });
    const fetching = provider({ sli: `USQL;TABLE;iOS 14;${BY_OS}` }).fetch(['sli'], CONTEXT);
    await expect(fetching).rejects.toThrow(ConfigError);
    await expect(fetching).rejects.toMatchObject({ hint: 'give the token the scope DTAQLAccess' });
  });

  it('waits 6 minutes after the window for user-session data (dynatrace-service did), 2 without USQL', async () => {
    standIn.expect({
      path: USQL,
      query: usqlRequest(BY_OS),
      respond: 'usql-table_200_osversion-avg-max-duration',
    });
    await provider({ sli: `USQL;TABLE;iOS 14;${BY_OS}` }, TO).fetch(['sli'], CONTEXT);
    expect(sleeps).toEqual([360_000]);
    // At 2 a.m. a 6-minute wait nobody configured must say where it comes from.
    expect(logger.lines).toContainEqual({
      level: 'info',
      message: expect.stringMatching(
        /waiting 360 s .*360 s after the window's end.*the default with a USQL; SLI \(user-session data arrives later\).*settleSeconds or --settle/,
      ),
    });
  });

  it('waits the usual 2 minutes when the file has a USQL; SLI that is not asked for', async () => {
    const selector = 'builtin:service.response.time:merge("dt.entity.service"):percentile(95)';
    standIn.expect({
      path: '/api/v2/metrics/query',
      query: { metricSelector: selector, resolution: 'Inf', from: String(FROM), to: String(TO) },
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
    });
    await provider(
      { rt: `metricSelector=${selector}&resolution=Inf`, sessions: `USQL;TABLE;iOS 14;${BY_OS}` },
      TO,
    ).fetch(['rt'], CONTEXT);
    expect(sleeps).toEqual([120_000]);
    expect(logger.lines.map((l) => l.message).join('\n')).not.toContain('USQL');
  });

  it('settleSeconds set by the user decides over the USQL default', async () => {
    standIn.expect({
      path: USQL,
      query: usqlRequest(BY_OS),
      respond: 'usql-table_200_osversion-avg-max-duration',
    });
    await provider({ sli: `USQL;TABLE;iOS 14;${BY_OS}` }, TO, 30).fetch(['sli'], CONTEXT);
    expect(sleeps).toEqual([30_000]);
  });
});

describe('SECPV2; SLIs (Security problems API v2)', () => {
  it('counts the security problems: totalCount', async () => {
    standIn.expect({
      path: '/api/v2/securityProblems',
      query: { securityProblemSelector: 'status("open")', from: String(FROM), to: String(TO) },
      respond: 'security-problems-v2_200_list_totalCount-398',
    });
    const [value] = await provider({ sli: 'SECPV2;securityProblemSelector=status("open")' }).fetch(
      ['sli'],
      CONTEXT,
    );
    expect(value).toEqual({ sli: 'sli', provider: 'dynatrace', value: 398 });
  });

  it('counts every security problem for a bare SECPV2; and fills in placeholders', async () => {
    standIn
      .expect({
        path: '/api/v2/securityProblems',
        query: { from: String(FROM), to: String(TO) },
        respond: 'security-problems-v2_200_list_totalCount-398',
      })
      .expect({
        path: '/api/v2/securityProblems',
        query: { securityProblemSelector: 'tag(keptn_service:carts)', from: String(FROM), to: String(TO) },
        respond: 'security-problems-v2_200_list_totalCount-398',
      });
    const values = await provider({
      all: 'SECPV2;',
      mine: 'SECPV2;securityProblemSelector=tag(keptn_service:$SERVICE)',
    }).fetch(['all', 'mine'], CONTEXT);
    expect(values.map((v) => v.value)).toEqual([398, 398]);
  });
});

describe('legacy metrics queries', () => {
  it('sends exactly what dynatrace-service sent for "<selector>?scope=<entities>"', async () => {
    const selector = 'builtin:service.response.time:merge("dt.entity.service"):percentile(95)';
    standIn.expect({
      path: '/api/v2/metrics/query',
      query: {
        metricSelector: selector,
        entitySelector: 'tag(keptn_project:sockshop),tag(keptn_stage:staging),type(SERVICE)',
        resolution: 'Inf',
        from: String(FROM),
        to: String(TO),
      },
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
    });
    const [value] = await provider({
      sli: `${selector}?scope=tag(keptn_project:$PROJECT),tag(keptn_stage:$STAGE)`,
    }).fetch(['sli'], CONTEXT);
    // In microseconds, as the last dynatrace-service returned it (docs/monitoring.md).
    expect(value).toEqual({ sli: 'sli', provider: 'dynatrace', value: 31846.08512740705 });
  });
});

describe('MV2; with a unit Keptn did not know', () => {
  it('fails that SLI with the parse error and a "did you mean", and queries the others', async () => {
    const selector = 'builtin:service.response.time:merge("dt.entity.service"):percentile(95)';
    standIn.expect({
      path: '/api/v2/metrics/query',
      query: { metricSelector: selector, resolution: 'Inf', from: String(FROM), to: String(TO) },
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
    });
    const values = await provider({
      typo: `MV2;MicroSeconds;metricSelector=${selector}`,
      good: `MV2;MicroSecond;metricSelector=${selector}`,
    }).fetch(['typo', 'good'], CONTEXT);
    expect(values[0]).toEqual({
      sli: 'typo',
      provider: 'dynatrace',
      value: null,
      failure: 'error',
      message:
        'sli/dynatrace.yaml: indicator typo: MV2 unit "MicroSeconds" is not one Keptn knows (MicroSecond, Byte); did you mean "MicroSecond"?',
      hint: expect.stringMatching(/^write MV2;MicroSecond;<query>/),
    });
    expect(values[1]).toMatchObject({ sli: 'good', value: 31846.08512740705 / 1000 });
    expect(standIn.requests).toHaveLength(1);
  });

  it('does not wait for data when no SLI will be asked', async () => {
    const values = await provider({ typo: 'MV2;Percent;metricSelector=builtin:host.cpu.usage' }, TO).fetch(
      ['typo'],
      CONTEXT,
    );
    expect(values[0]).toMatchObject({ value: null, failure: 'error' });
    expect(sleeps).toEqual([]);
    expect(standIn.requests).toEqual([]);
  });
});
