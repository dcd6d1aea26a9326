// Keptn's legacy Dynatrace SLI formats, with the cases of keptn-contrib/dynatrace-service's own
// tests (internal/sli/v1/metrics/legacy_query_parser_test.go, v1/usql/query_parser_test.go,
// the USQL SLI-file tests and v1/secpv2/query_parser_test.go).
import { describe, expect, it } from 'vitest';
import { dynatraceDefinition } from './dynatrace-definition.js';
import { parseDynatraceQuery } from './dynatrace-query.js';

const TAGS =
  'tag(keptn_project:my-proj),tag(keptn_stage:dev),tag(keptn_service:carts),tag(keptn_deployment:direct)';
const THROUGHPUT = 'builtin:service.requestCount.total:merge(0):sum';

describe('legacy metrics queries (no metricSelector=)', () => {
  it.each([
    [
      'old standard format transformed to new one',
      `${THROUGHPUT}?scope=${TAGS}`,
      { metricSelector: THROUGHPUT, entitySelector: `${TAGS},type(SERVICE)`, resolution: 'Inf' },
    ],
    ['without scope', THROUGHPUT, { metricSelector: THROUGHPUT, resolution: 'Inf' }],
    ['missing scope key', `${THROUGHPUT}?`, { metricSelector: THROUGHPUT, resolution: 'Inf' }],
    [
      'a scope that already has type(SERVICE)',
      `${THROUGHPUT}?scope=type(SERVICE),tag(a:b)`,
      { metricSelector: THROUGHPUT, entitySelector: 'type(SERVICE),tag(a:b)', resolution: 'Inf' },
    ],
  ])('%s: sends what dynatrace-service sent', (_name, query, params) => {
    const parsed = parseDynatraceQuery(query);
    expect(parsed).toEqual({
      kind: 'metrics',
      params,
      legacy: Object.entries(params)
        .map(([k, v]) => `${k}=${v}`)
        .join('&'),
    });
  });

  it('is a warning in validate, naming the query to write instead', () => {
    expect(dynatraceDefinition.checkQuery?.(`${THROUGHPUT}?scope=${TAGS}`)).toEqual({
      severity: 'warning',
      message: expect.stringContaining('runs as Keptn'),
      hint: `write it in the current form: metricSelector=${THROUGHPUT}&entitySelector=${TAGS},type(SERVICE)&resolution=Inf`,
    });
  });

  it.each([
    // dynatrace-service: "could not parse 'key=value' pair correctly"
    [`${THROUGHPUT}?scope`, `metricSelector=${THROUGHPUT}&entitySelector=<entities>`],
    [`${THROUGHPUT}?scope=`, `metricSelector=${THROUGHPUT}&entitySelector=<entities>`],
    // Keptn dropped the resolution silently and sent Inf; ci-connect refuses and keeps it in the rewrite.
    // An entity selector needs a type (Dynatrace refuses one without): Keptn added type(SERVICE), so does the rewrite.
    [
      `${THROUGHPUT}?scope=tag(a)&resolution=1h`,
      `metricSelector=${THROUGHPUT}&entitySelector=tag(a),type(SERVICE)&resolution=1h`,
    ],
    [
      `${THROUGHPUT}?entitySelector=tag(a)`,
      `metricSelector=${THROUGHPUT}&entitySelector=tag(a),type(SERVICE)`,
    ],
    [
      `${THROUGHPUT}?scope=type(PROCESS_GROUP_INSTANCE),tag(a)&resolution=1h`,
      `metricSelector=${THROUGHPUT}&entitySelector=type(PROCESS_GROUP_INSTANCE),tag(a)&resolution=1h`,
    ],
    [
      `${THROUGHPUT}?scope=entityId(SERVICE-1234)&resolution=1h`,
      `metricSelector=${THROUGHPUT}&entitySelector=entityId(SERVICE-1234)&resolution=1h`,
    ],
  ])('refuses %j with the rewritten query in the hint (exit 2)', (query, rewritten) => {
    expect(() => parseDynatraceQuery(query)).toThrow(/is not the legacy "\?scope=<entities>"/);
    expect(dynatraceDefinition.checkQuery?.(query)).toEqual({
      message: expect.any(String),
      hint: `write ${rewritten}`,
    });
  });

  // Following a hint without the MV2 prefix would silently change the unit (x1000).
  it.each([
    [
      `MV2;MicroSecond;${THROUGHPUT}?scope=tag(a)&resolution=1h`,
      `write MV2;MicroSecond;metricSelector=${THROUGHPUT}&entitySelector=tag(a),type(SERVICE)&resolution=1h`,
    ],
    [
      `MV2;MicroSecond;?metricSelector=${THROUGHPUT}`,
      `drop the leading "?": write MV2;MicroSecond;metricSelector=${THROUGHPUT}`,
    ],
  ])('keeps the MV2 prefix in the rewrite of %j', (query, hint) => {
    expect(dynatraceDefinition.checkQuery?.(query)).toEqual({ message: expect.any(String), hint });
  });

  it('refuses the "?metricSelector=" form that dynatrace-service refused, saying to drop the "?"', () => {
    const query = `?metricSelector=${THROUGHPUT}&entitySelector=${TAGS}`;
    expect(dynatraceDefinition.checkQuery?.(query)).toEqual({
      message: expect.stringMatching(/dynatrace-service refused/),
      hint: `drop the leading "?": write metricSelector=${THROUGHPUT}&entitySelector=${TAGS}`,
    });
  });

  it('refuses a legacy query behind MV2; (dynatrace-service did), with the MV2 query to write', () => {
    expect(dynatraceDefinition.checkQuery?.(`MV2;MicroSecond;${THROUGHPUT}?scope=tag(a)`)).toEqual({
      message: expect.stringMatching(/not the legacy one/),
      hint: `write MV2;MicroSecond;metricSelector=${THROUGHPUT}&entitySelector=tag(a),type(SERVICE)&resolution=Inf`,
    });
  });

  it('keeps the current form and its errors for queries with key=value pairs', () => {
    expect(parseDynatraceQuery(`metricSelector=${THROUGHPUT}`)).toEqual({
      kind: 'metrics',
      params: { metricSelector: THROUGHPUT },
    });
    expect(() => parseDynatraceQuery('metricSelector=x&junk')).toThrow(/not key=value/);
  });
});

const BY_OS = "SELECT device, AVG(duration) FROM usersession WHERE country IN('Austria') GROUP BY device";

describe('USQL; queries', () => {
  it.each([
    [
      'USQL;COLUMN_CHART;iPad mini;' + BY_OS,
      { resultType: 'COLUMN_CHART', dimension: 'iPad mini', query: BY_OS },
    ],
    [
      'USQL;LINE_CHART;iPad mini;' + BY_OS,
      { resultType: 'LINE_CHART', dimension: 'iPad mini', query: BY_OS },
    ],
    [
      "USQL;COLUMN_CHART;iPad mini;SELECT device FROM usersession WHERE country IN('Austria;Italy')",
      {
        resultType: 'COLUMN_CHART',
        dimension: 'iPad mini',
        query: "SELECT device FROM usersession WHERE country IN('Austria;Italy')",
      },
    ],
    [
      'USQL;SINGLE_VALUE;;SELECT AVG(duration) FROM usersession',
      { resultType: 'SINGLE_VALUE', dimension: '', query: 'SELECT AVG(duration) FROM usersession' },
    ],
    ['USQL;TABLE;iOS 12.1.4;' + BY_OS, { resultType: 'TABLE', dimension: 'iOS 12.1.4', query: BY_OS }],
    ['USQL;PIE_CHART;iOS 14;' + BY_OS, { resultType: 'PIE_CHART', dimension: 'iOS 14', query: BY_OS }],
  ])('%j', (query, usql) => {
    expect(parseDynatraceQuery(query)).toEqual({ kind: 'usql', usql });
  });

  it.each([
    ['USQL;COLUMN_CHART;' + BY_OS, /needs 3 fields/],
    ['USQL;', /needs 3 fields/],
    ['USQL;;', /needs 3 fields/],
    ['USQL;;;', /result type is empty/],
    ['USQL;COLUMN_CHARTS;iOS 11.4.1;' + BY_OS, /unknown USQL result type "COLUMN_CHARTS"/],
    ['USQL;COLUMN_CHART;;' + BY_OS, /a COLUMN_CHART USQL query needs a dimension/],
    ['USQL;PIE_CHART;;' + BY_OS, /a PIE_CHART USQL query needs a dimension/],
    ['USQL;TABLE;;' + BY_OS, /a TABLE USQL query needs a dimension/],
    ['USQL;SINGLE_VALUE;iOS 11.4.1;' + BY_OS, /SINGLE_VALUE USQL query takes no dimension/],
    ['USQL;SINGLE_VALUE;;  ', /the USQL query is empty/],
  ])('refuses %j (exit 2, as every unreadable query)', (query, message) => {
    expect(() => parseDynatraceQuery(query)).toThrow(message);
    expect(dynatraceDefinition.checkQuery?.(query)).toMatchObject({
      message: expect.stringMatching(message),
      hint: expect.stringMatching(/USQL;SINGLE_VALUE;;<query>/),
    });
  });
});

describe('SECPV2; queries', () => {
  it.each([
    ['SECPV2;securityProblemSelector=status(open)', { securityProblemSelector: 'status(open)' }],
    [
      'SECPV2;securityProblemSelector=status("open"),riskLevel("HIGH")',
      {
        securityProblemSelector: 'status("open"),riskLevel("HIGH")',
      },
    ],
    ['SECPV2;', {}],
  ])('%j', (query, params) => {
    expect(parseDynatraceQuery(query)).toEqual({ kind: 'security-problems', params });
  });

  it.each(['SECPV2;problemSelector=status(open)', 'SECPV2;securityProblemSelector=', 'SECPV2;status(open)'])(
    'refuses %j: securityProblemSelector is the only key',
    (query) => {
      expect(() => parseDynatraceQuery(query)).toThrow(/the only key SECPV2 takes/);
    },
  );
});

describe('query prefixes', () => {
  it.each([
    [
      'usql;SINGLE_VALUE;;SELECT AVG(duration) FROM usersession',
      /unknown query prefix "usql;"; did you mean "USQL;"\?/,
    ],
    ['SECPV;securityProblemSelector=status(open)', /unknown query prefix "SECPV;"; did you mean "SECPV2;"\?/],
    ['KQG;project=shop', /unknown query prefix "KQG;"$/],
  ])('refuses %j with the known prefixes (exit 2)', (query, message) => {
    expect(() => parseDynatraceQuery(query)).toThrow(message);
    expect(dynatraceDefinition.checkQuery?.(query)?.hint).toMatch(/MV2;, SLO;, PV2;, SECPV2;, USQL;, DQL;/);
  });

  // Not a metric selector to send (Keptn took them as the prefixed query and failed its parse).
  it.each([
    ['USQL:SINGLE_VALUE::SELECT AVG(duration) FROM usersession', 'USQL;'],
    ['USQL', 'USQL;'],
    ['SECPV2', 'SECPV2;'],
    ['SLO 7d07efde-b714-3e6e-ad95-08490e2540c4', 'SLO;'],
  ])('refuses %j: a prefix needs its ";" (exit 2)', (query, prefix) => {
    expect(() => parseDynatraceQuery(query)).toThrow(
      `the query starts with ${prefix.slice(0, -1)} but not "${prefix}"`,
    );
    expect(dynatraceDefinition.checkQuery?.(query)).toMatchObject({
      hint: expect.stringContaining(`write ${prefix}`),
    });
  });

  it('still reads a metric key that only starts like a prefix as a legacy selector', () => {
    expect(parseDynatraceQuery('slo.availability:avg')).toMatchObject({ kind: 'metrics' });
    expect(parseDynatraceQuery('SLOW.requests:avg')).toMatchObject({ kind: 'metrics' });
  });
});
