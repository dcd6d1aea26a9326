import { describe, expect, it } from 'vitest';
import type { JmeterQuery } from './jmeter-query.js';
import { JmeterQuerySyntaxError, parseJmeterQuery } from './jmeter-query.js';

const ALL = { kind: 'all' } as const;

describe('parseJmeterQuery', () => {
  it.each<[string, JmeterQuery]>([
    ['measure=samples', { measure: { kind: 'samples' }, field: 'elapsed', labels: ALL }],
    ['measure=errors', { measure: { kind: 'errors' }, field: 'elapsed', labels: ALL }],
    ['measure=throughput', { measure: { kind: 'throughput' }, field: 'elapsed', labels: ALL }],
    ['measure=error_rate', { measure: { kind: 'error_rate' }, field: 'elapsed', labels: ALL }],
    ['measure=avg', { measure: { kind: 'avg' }, field: 'elapsed', labels: ALL }],
    ['measure=MIN', { measure: { kind: 'min' }, field: 'elapsed', labels: ALL }],
    ['measure=max', { measure: { kind: 'max' }, field: 'elapsed', labels: ALL }],
    ['measure=p95', { measure: { kind: 'percentile', percent: 95 }, field: 'elapsed', labels: ALL }],
    ['measure=p99.9', { measure: { kind: 'percentile', percent: 99.9 }, field: 'elapsed', labels: ALL }],
    ['measure=p100', { measure: { kind: 'percentile', percent: 100 }, field: 'elapsed', labels: ALL }],
    ['measure=p0.1', { measure: { kind: 'percentile', percent: 0.1 }, field: 'elapsed', labels: ALL }],
    [
      'measure=p95;label=GET /cart',
      {
        measure: { kind: 'percentile', percent: 95 },
        field: 'elapsed',
        labels: { kind: 'exact', label: 'GET /cart' },
      },
    ],
    [
      ' measure = p90 ; field = latency ; ',
      { measure: { kind: 'percentile', percent: 90 }, field: 'latency', labels: ALL },
    ],
    ['field=connect;measure=avg', { measure: { kind: 'avg' }, field: 'connect', labels: ALL }],
    [
      'measure=max;label="a;b \\"c\\""',
      { measure: { kind: 'max' }, field: 'elapsed', labels: { kind: 'exact', label: 'a;b "c"' } },
    ],
    [
      'measure=max;label=" leading space" ;field=elapsed',
      { measure: { kind: 'max' }, field: 'elapsed', labels: { kind: 'exact', label: ' leading space' } },
    ],
    [
      'MEASURE=samples;LabelRegex=x=y',
      { measure: { kind: 'samples' }, field: 'elapsed', labels: { kind: 'regex', pattern: /x=y/ } },
    ],
  ])('%j', (query, expected) => {
    expect(parseJmeterQuery(query)).toEqual(expected);
  });

  it('compiles labelRegex as a JavaScript regular expression', () => {
    const { labels } = parseJmeterQuery('measure=error_rate;labelRegex=^checkout');
    expect(
      labels.kind === 'regex' && [labels.pattern.test('checkout 1'), labels.pattern.test('x checkout')],
    ).toEqual([true, false]);
  });

  it.each([
    ['', 'the query is empty', 'measure=p95'],
    [' ; ', 'the query is empty', 'measure=p95'],
    ['label=x', 'no measure', 'measure=p95'],
    ['measure=p95;lable=x', 'unknown key "lable"', 'measure, field, label, labelRegex'],
    ['measure=median', 'unknown measure "median"', 'p<N>'],
    ['measure=p', 'unknown measure "p"', 'p99.9'],
    ['measure=p0', 'out of range', '0 < N <= 100'],
    ['measure=p100.5', 'out of range', '0 < N <= 100'],
    ['measure=p-5', 'unknown measure', 'p<N>'],
    ['measure=p95;field=idle', 'unknown field "idle"', 'elapsed, latency or connect'],
    ['measure=error_rate;field=latency', 'does not apply to measure=error_rate', 'remove it'],
    ['measure=p95;label=a;labelRegex=b', 'both label and labelRegex', 'labelRegex for several'],
    ['measure=p95;labelRegex=(unclosed', 'not a valid regular expression', 'escape special characters'],
    ['measure=p95;measure=p90', 'measure is given twice', 'once'],
    ['measure=p95;label=', 'label has no value', 'label=<value>'],
    ['measure=p95;justtext', '"justtext" is not key=value', 'measure=p95'],
    ['measure=p95;label="unterminated', 'no closing quote', 'end it with'],
    ['measure=p95;label="bad \\x escape"', 'not a valid JSON string', 'escape'],
    ['measure=p95;label="a"b', 'text after the quoted value of label', 'separate pairs with ;'],
  ])('rejects %j: %s', (query, message, hint) => {
    const error = (() => {
      try {
        parseJmeterQuery(query);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(JmeterQuerySyntaxError);
    expect((error as JmeterQuerySyntaxError).message).toContain(message);
    expect((error as JmeterQuerySyntaxError).hint).toContain(hint);
  });
});
