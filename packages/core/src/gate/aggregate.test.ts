import { describe, expect, it } from 'vitest';
import { aggregateValues } from './aggregate.js';

const zeroToTen = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const tens = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

describe('aggregateValues', () => {
  // The examples worked out in Keptn's lighthouse (keptn-spec.md 1.6).
  it.each([
    [zeroToTen, 'p50', 5],
    [zeroToTen, 'p90', 9.8],
    [zeroToTen, 'p95', 10],
    [[5, 10], 'p50', 7.5],
    [tens, 'p50', 55],
    [tens, 'p90', 99],
    [tens, 'p95', 100],
    [[3], 'p95', 3],
    [[3], 'p50', 3],
    [[1, 2, 3, 4], 'avg', 2.5],
    [[7], 'avg', 7],
    [[100, 0], 'avg', 50],
  ] as const)('%j %s = %d', (values, fn, expected) => {
    expect(aggregateValues(values, fn)).toBeCloseTo(expected, 10);
  });

  it('clamps a low position to the smallest value', () => {
    // p50 of one value: position 1 -> the value; p90 of two: 2.7 >= n -> max.
    expect(aggregateValues([4, 9], 'p90')).toBe(9);
  });

  it('does not depend on the order of the values', () => {
    expect(aggregateValues([10, 0, 5, 2, 9, 1, 8, 3, 7, 4, 6], 'p90')).toBeCloseTo(9.8, 10);
  });

  it.each(['avg', 'p50', 'p90', 'p95'] as const)('%s of nothing is null', (fn) => {
    expect(aggregateValues([], fn)).toBeNull();
  });
});
