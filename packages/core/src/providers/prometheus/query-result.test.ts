import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readInstantResult } from './query-result.js';

const SIX_SERIES: unknown = JSON.parse(
  readFileSync(
    new URL(
      '../../../../../fixtures/prometheus/query-vector_result-array-only_six-series.json',
      import.meta.url,
    ),
    'utf8',
  ),
);

const vector = (result: unknown) => ({ status: 'success', data: { resultType: 'vector', result } });
const sample = (value: string) => vector([{ metric: {}, value: [1571649085, value] }]);

describe('readInstantResult', () => {
  it('reads the one sample of a vector', () => {
    expect(readInstantResult(sample('0.20111420612813372'), 'q')).toEqual({ value: 0.20111420612813372 });
  });

  it('reads a scalar', () => {
    const body = { status: 'success', data: { resultType: 'scalar', result: [1, '42'] } };
    expect(readInstantResult(body, 'q')).toEqual({ value: 42 });
  });

  it('reports an empty vector as no data, naming the query', () => {
    expect(readInstantResult(vector([]), 'sum(x)')).toEqual({
      value: null,
      failure: 'no-data',
      message: 'query "sum(x)" did not return any values',
    });
  });

  it('refuses several series (Grafana’s recorded six-series vector)', () => {
    expect(readInstantResult(vector(SIX_SERIES), 'counters_requests')).toEqual({
      value: null,
      failure: 'error',
      message: expect.stringMatching(
        /"counters_requests" returned 6 series; aggregate it \(e\.g\. sum\(\.\.\.\)\)/,
      ),
    });
  });

  it.each(['NaN', '+Inf', '-Inf'])('reports %s as no data', (text) => {
    expect(readInstantResult(sample(text), 'q')).toMatchObject({ value: null, failure: 'no-data' });
  });

  it('reports the server’s error', () => {
    const body = {
      status: 'error',
      errorType: 'bad_data',
      error: "1:8: parse error: unexpected right bracket ']'",
    };
    expect(readInstantResult(body, 'sum(x])')).toEqual({
      value: null,
      failure: 'error',
      message: `query "sum(x])" failed: bad_data: 1:8: parse error: unexpected right bracket ']'`,
    });
  });

  it.each<[string, unknown]>([
    ['text', 'hello'],
    ['a matrix', { status: 'success', data: { resultType: 'matrix', result: [] } }],
    ['a sample without value', vector([{ metric: {} }])],
  ])('reports %s as an error', (_title, body) => {
    expect(readInstantResult(body, 'q')).toMatchObject({ value: null, failure: 'error' });
  });
});
