import { describe, expect, it } from 'vitest';
import { dynatraceDefinition } from './dynatrace-definition.js';
import type { PlaceholderValues } from './dynatrace-query.js';
import {
  DynatraceQuerySyntaxError,
  parseDynatraceQuery,
  substitutePlaceholders,
  substituteQuery,
  unitDivisor,
} from './dynatrace-query.js';

const RT = 'builtin:service.response.time:merge("dt.entity.service"):percentile(95)';

describe('parseDynatraceQuery', () => {
  it.each([
    [`metricSelector=${RT}`, { kind: 'metrics', params: { metricSelector: RT } }],
    [
      `metricSelector=${RT}&entitySelector=type(SERVICE),tag(a=b)&resolution=1h&mzSelector=mzId(1)`,
      {
        kind: 'metrics',
        params: {
          metricSelector: RT,
          entitySelector: 'type(SERVICE),tag(a=b)',
          resolution: '1h',
          mzSelector: 'mzId(1)',
        },
      },
    ],
    [`metricSelector=${RT}&from=now-2h&to=now`, { kind: 'metrics', params: { metricSelector: RT } }],
    [
      `MV2;MicroSecond;metricSelector=${RT}`,
      { kind: 'metrics', unit: 'MicroSecond', params: { metricSelector: RT } },
    ],
    ['SLO;7d07efde-b714-3e6e-ad95-08490e2540c4', { kind: 'slo', id: '7d07efde-b714-3e6e-ad95-08490e2540c4' }],
    [
      'PV2;problemSelector=status("open")&entitySelector=type(SERVICE)',
      { kind: 'problems', params: { problemSelector: 'status("open")', entitySelector: 'type(SERVICE)' } },
    ],
    ['PV2;status("open")', { kind: 'problems', params: { problemSelector: 'status("open")' } }],
    ['DQL; fetch logs | summarize count() ', { kind: 'dql', query: 'fetch logs | summarize count()' }],
    [
      // A YAML block scalar: the query starts on the next line and keeps its pipes and `=`/`&`.
      'DQL;\ntimeseries rt = avg(dt.service.request.response_time)\n| fields value = arrayAvg(rt) & x\n',
      {
        kind: 'dql',
        query: 'timeseries rt = avg(dt.service.request.response_time)\n| fields value = arrayAvg(rt) & x',
      },
    ],
  ])('%s', (query, expected) => {
    expect(parseDynatraceQuery(query)).toEqual(expected);
  });

  it.each([
    ['', /empty/],
    ['entitySelector=type(SERVICE)', /no metricSelector/],
    [`metricSelector=${RT}&scope=x`, /unknown query parameter "scope"/],
    [`metricSelector=${RT}&metricSelector=x`, /given twice/],
    [`metricSelector=${RT}&junk`, /not key=value/],
    ['MV2;;metricSelector=x', /MV2 needs a unit/],
    [`MV2;metricSelector=${RT}`, /MV2/],
    ['SLO;', /not an SLO id/],
    ['DQL;  ', /DQL; is not followed by a query/],
  ])('rejects %j', (query, message) => {
    expect(() => parseDynatraceQuery(query)).toThrow(message);
    const checked = dynatraceDefinition.checkQuery?.(query);
    expect(checked?.message).toMatch(message);
    expect(checked?.severity ?? 'error').toBe('error');
    expect(checked?.hint).toBeTruthy();
  });

  // dynatrace-service's own cases (mv2/query_parser_test.go): only MicroSecond and Byte are units;
  // any other fails that SLI only, so validate warns (the gate runs the other SLIs).
  it.each([
    [`MV2;MicroSeconds;metricSelector=${RT}`, /MV2 unit "MicroSeconds" .*did you mean "MicroSecond"/],
    [`MV2;Microsecnd;metricSelector=${RT}`, /did you mean "MicroSecond"/],
    [`MV2;Bytes;metricSelector=${RT}`, /MV2 unit "Bytes" .*did you mean "Byte"/],
    [`MV2;Percent;metricSelector=${RT}`, /MV2 unit "Percent" is not one Keptn knows \(MicroSecond, Byte\)$/],
    [
      `MV2;MilliSecond;metricSelector=${RT}`,
      /MV2 unit "MilliSecond" is not one Keptn knows \(MicroSecond, Byte\)$/,
    ],
  ])('fails only its SLI for %j, and validate warns', (query, message) => {
    let thrown: unknown;
    try {
      parseDynatraceQuery(query);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DynatraceQuerySyntaxError);
    expect((thrown as DynatraceQuerySyntaxError).message).toMatch(message);
    expect((thrown as DynatraceQuerySyntaxError).failsSliOnly).toBe(true);
    const checked = dynatraceDefinition.checkQuery?.(query);
    expect(checked).toMatchObject({
      severity: 'warning',
      message: expect.stringMatching(/the others are evaluated/),
    });
  });

  it('reports a bad query behind an unknown MV2 unit as the query error, as dynatrace-service parsed it first', () => {
    expect(dynatraceDefinition.checkQuery?.('MV2;Percent;metricSelector=x&bogus=1')).toMatchObject({
      message: expect.stringMatching(/unknown query parameter "bogus"/),
    });
    expect(
      dynatraceDefinition.checkQuery?.('MV2;Percent;metricSelector=x&bogus=1')?.severity,
    ).toBeUndefined();
  });

  it.each(['MicroSecond', 'Microsecond', 'microsecond', 'microSecond', 'Byte', 'byte'])(
    'accepts the MV2 unit %s, as dynatrace-service did',
    (unit) => {
      expect(parseDynatraceQuery(`MV2;${unit};metricSelector=${RT}`)).toMatchObject({ unit });
    },
  );

  it('names the units MV2 converts in the hint for a unit with no near miss', () => {
    expect(dynatraceDefinition.checkQuery?.(`MV2;Percent;metricSelector=${RT}`)?.hint).toMatch(
      /only MicroSecond .* and Byte .*:toUnit/,
    );
  });

  it('checkQuery accepts a good query', () => {
    expect(dynatraceDefinition.checkQuery?.(`metricSelector=${RT}`)).toBeUndefined();
  });
});

describe('substitutePlaceholders (Keptn order)', () => {
  const values: PlaceholderValues = {
    project: 'sockshop',
    stage: 'staging',
    service: 'carts',
    labels: { buildId: '812' },
    filter: { handler: '"ItemsController"' },
    env: { DT_TAG: 'blue' },
  };
  it.each([
    [
      'tag(keptn_project:$PROJECT),tag(keptn_stage:$STAGE),tag(keptn_service:$SERVICE)',
      'tag(keptn_project:sockshop),tag(keptn_stage:staging),tag(keptn_service:carts)',
    ],
    // dynatrace-service substituted the event's deployment, empty when there was none.
    ['tag(keptn_deployment:$DEPLOYMENT)', 'tag(keptn_deployment:)'],
    // Outside a stage run: no context, no test strategy; Keptn's get-sli had no $EVENT either.
    ['c:$CONTEXT,e:$EVENT,s:$SOURCE,t:$TESTSTRATEGY', 'c:,e:,s:ci-connect,t:'],
    ['build:$LABEL.buildId', 'build:812'],
    ['env:$ENV.DT_TAG,$ENV.UNSET', 'env:blue,$ENV.UNSET'],
    ['h:$handler,$HANDLER', 'h:ItemsController,ItemsController'],
    ['$SERVICE_NAME', 'carts_NAME'],
  ])('%s', (text, expected) => {
    expect(substitutePlaceholders(text, values)).toBe(expected);
  });

  it('takes $DEPLOYMENT from the label deployment', () => {
    expect(
      substitutePlaceholders('tag(keptn_deployment:$DEPLOYMENT)', {
        ...values,
        labels: { deployment: 'canary' },
      }),
    ).toBe('tag(keptn_deployment:canary)');
  });

  it('gives $CONTEXT and $TESTSTRATEGY the stage run they are part of', () => {
    expect(
      substitutePlaceholders('ctx:$CONTEXT,ts:$TESTSTRATEGY,e:$EVENT', {
        ...values,
        run: { id: 'run-1', testStrategy: 'performance' },
      }),
    ).toBe('ctx:run-1,ts:performance,e:');
  });

  it('replaces labels after the built-ins, so the value of a label is not substituted again, in Keptn order', () => {
    // Keptn's order: built-ins first, then $LABEL.<key>: a label value with $SERVICE stays literal.
    expect(substitutePlaceholders('$LABEL.buildId', { ...values, labels: { buildId: '$SERVICE' } })).toBe(
      '$SERVICE',
    );
  });

  it('lets an SLO filter override a built-in placeholder, as filters come first', () => {
    expect(
      substitutePlaceholders('$SERVICE/$DEPLOYMENT', {
        ...values,
        filter: { service: 'x', deployment: 'canary' },
      }),
    ).toBe('x/canary');
  });
});

describe('unitDivisor (MV2;<unit>;)', () => {
  it.each([
    [undefined, 1],
    ['MicroSecond', 1000],
    ['microsecond', 1000],
    ['Byte', 1024],
    ['byte', 1024],
  ])('%s → /%d', (unit, divisor) => {
    expect(unitDivisor(unit)).toBe(divisor);
  });
});

describe('substituteQuery for DQL', () => {
  it('replaces placeholders in the whole DQL text', () => {
    const query = parseDynatraceQuery(
      'DQL;fetch logs | filter k8s.deployment.name == "$SERVICE" and stage == "$STAGE" and build == "$LABEL.buildId"',
    );
    const values: PlaceholderValues = {
      project: 'sockshop',
      stage: 'staging',
      service: 'carts',
      labels: { buildId: '812' },
      filter: {},
      env: {},
    };
    expect(substituteQuery(query, values)).toEqual({
      kind: 'dql',
      query: 'fetch logs | filter k8s.deployment.name == "carts" and stage == "staging" and build == "812"',
    });
  });
});
