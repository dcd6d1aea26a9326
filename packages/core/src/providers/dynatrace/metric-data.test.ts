import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MetricReduction } from './metric-data.js';
import { describeApiError, reduceMetricData, rejectsResolutionInf } from './metric-data.js';
import { createRedactor } from '../../redaction/redaction.js';

const FIXTURES = new URL('../../../../../fixtures/dynatrace/', import.meta.url);
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8'));

describe('reduceMetricData (recorded Metrics API v2 answers)', () => {
  it.each<[string, MetricReduction['kind'], RegExp | number]>([
    ['metrics-query_200_single-series_res-Inf_one-value', 'value', 31846.08512740705],
    ['metrics-query_200_fold_pgi-availability', 'value', 97.46884534911891],
    ['metrics-query_200_null-value_res-Inf', 'no-data', /null/],
    ['metrics-query_200_zero-series-collections', 'no-data', /no metric series/],
    ['metrics-query_200_empty-data_no-warnings_wrong-tag', 'no-data', /^returned zero metric series$/],
    [
      'metrics-query_200_empty-data_with-warnings_unknown-dimension',
      'no-data',
      /zero metric series; Dynatrace warns: The dimension key/,
    ],
    ['metrics-query_200_series-with-empty-values', 'no-data', /no values/],
    [
      'metrics-query_200_three-series_res-10m_sparse-nulls',
      'error',
      /3 metric series.*:merge\(.*:splitBy\(\)/,
    ],
    ['metrics-query_200_single-series_res-1h_24-values', 'several-values', 24],
  ])('%s → %s', (name, kind, detail) => {
    const reduction = reduceMetricData(fixture(name));
    expect(reduction.kind).toBe(kind);
    if (reduction.kind === 'value') expect(reduction.value).toBe(detail);
    if (reduction.kind === 'several-values') expect(reduction.count).toBe(detail);
    if (reduction.kind === 'no-data' || reduction.kind === 'error')
      expect(reduction.message).toMatch(detail as RegExp);
  });

  it('says so when the answer is not metric data', () => {
    expect(reduceMetricData('<html>')).toMatchObject({ kind: 'error' });
  });

  // A JSON answer of the wrong shape is an error, never "no data" (which would read as a quiet service).
  it.each<[string, unknown, RegExp]>([
    ['no result', { totalCount: 1 }, /no "result" array/],
    ['a collection without data', { result: [{ metricId: 'm' }] }, /a series collection has no "data" array/],
    [
      'a series without values',
      { result: [{ data: [{ dimensionMap: {} }] }] },
      /a series has no "values" array/,
    ],
  ])('%s → error', (_name, body, message) => {
    expect(reduceMetricData(body)).toEqual({ kind: 'error', message: expect.stringMatching(message) });
  });
});

describe('describeApiError', () => {
  it.each([
    ['error_400_metrics-query_selector-parse-error', 'Metric selector parse error'],
    [
      'error_400_metrics-query_constraints-violated',
      'Constraints violated. (nextPageKey: expected one of nextPageKey or metricSelector to be specified)',
    ],
    [
      'error_403_missing-scope_problems-read',
      'Token is missing required scope. Use one of: problems.read (Read problems)',
    ],
  ])('%s', (name, text) => {
    expect(describeApiError(fixture(name), createRedactor())).toBe(text);
  });

  it('detects a refused resolution=Inf only when the error is about resolution', () => {
    expect(rejectsResolutionInf(fixture('error_400_metrics-query_constraints-violated'))).toBe(false);
    const inf = {
      error: {
        code: 400,
        message: 'Constraints violated.',
        constraintViolations: [{ path: 'resolution', message: 'Inf not supported' }],
      },
    };
    expect(rejectsResolutionInf(inf)).toBe(true);
  });
});
