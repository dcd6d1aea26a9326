import { describe, expect, it } from 'vitest';
import { checkDynatraceTarget, unconvertedMicrosecondMetric } from './microsecond-metrics.js';

const RT = 'builtin:service.response.time:merge("dt.entity.service"):percentile(95)';

describe('unconvertedMicrosecondMetric', () => {
  it.each([
    [`metricSelector=${RT}&entitySelector=type(SERVICE)`, 'builtin:service.response.time'],
    [
      'metricSelector=builtin:service.keyRequest.response.server:splitBy():avg',
      'builtin:service.keyRequest.response.server',
    ],
    ['metricSelector=(builtin:service.totalProcessingTime:avg):fold', 'builtin:service.totalProcessingTime'],
    // the legacy form, as Keptn users wrote it for dynatrace-sli-service, which scaled it
    [`${RT}?scope=tag(keptn_service:carts)`, 'builtin:service.response.time'],
  ])('%s reads %s in microseconds', (query, metric) => {
    expect(unconvertedMicrosecondMetric(query)).toBe(metric);
  });

  it.each([
    [`MV2;MicroSecond;metricSelector=${RT}`],
    [`metricSelector=${RT}:toUnit(MicroSecond,MilliSecond)`],
    ['metricSelector=builtin:service.requestCount.total:merge("dt.entity.service"):sum'],
    ['metricSelector=builtin:service.response.timeouts:sum'],
    ['metricSelector=ext:builtin:service.response.time.custom:avg'],
    ['SLO;7d07efde-b714-3e6e-ad95-08490e2540c4'],
    ['DQL;timeseries rt = avg(dt.service.request.response_time) | fields value = arrayAvg(rt)'],
    ['metricSelector=x&bogus=1'],
    // :count counts the requests the timing was measured for: a number of requests, not µs
    ['metricSelector=builtin:service.response.time:merge("dt.entity.service"):count'],
    ['metricSelector=builtin:service.response.time:splitBy():count:fold(sum)'],
  ])('%s is not an unconverted microsecond metric', (query) => {
    expect(unconvertedMicrosecondMetric(query)).toBeUndefined();
  });
});

describe('checkDynatraceTarget', () => {
  it('warns for a target that looks like milliseconds, with both fixes and the target in microseconds', () => {
    expect(checkDynatraceTarget(`metricSelector=${RT}`, 400)).toEqual({
      message: expect.stringContaining('builtin:service.response.time is in microseconds') as unknown,
      hint:
        'convert the query to milliseconds: prefix it with MV2;MicroSecond; or add :toUnit(MicroSecond,MilliSecond) ' +
        'to the metricSelector; or write the target in microseconds (400000)',
    });
  });

  it('says nothing for a request count read from a timing metric (">100" requests is not milliseconds)', () => {
    expect(
      checkDynatraceTarget('metricSelector=builtin:service.response.time:merge(0):count', 100),
    ).toBeUndefined();
  });

  it.each([0, 10_000, 400_000])('says nothing for %d (a microsecond target, or none)', (target) => {
    expect(checkDynatraceTarget(`metricSelector=${RT}`, target)).toBeUndefined();
  });
});
