import { describe, expect, it } from 'vitest';
import { ExactDistribution } from './exact-distribution.js';

/** A small seeded PRNG (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The textbook definition: sort, h = (n-1)q, interpolate between ranks floor(h) and floor(h)+1. */
function bruteForceQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function distributionOf(values: readonly number[]): ExactDistribution {
  const d = new ExactDistribution();
  for (const v of values) d.add(v);
  return d;
}

const QS = [0, 1e-9, 0.001, 0.01, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 0.999999, 1];

const GENERATORS: [string, (r: () => number) => number][] = [
  ['small integers', (r) => Math.floor(r() * 50)],
  ['integers around the dense limit', (r) => 8000 + Math.floor(r() * 400)],
  ['long-tailed integers', (r) => Math.floor(Math.exp(r() * 12))],
  ['fractions and negatives', (r) => Math.round((r() - 0.3) * 1e5) / 100],
];

describe('ExactDistribution', () => {
  // Values computed with numpy 1.24: numpy.quantile(a, q) (and pandas Series.quantile), bit for bit.
  const a = [15, 20, 35, 40, 50, 7, 7, 9000, 123, 8191, 8192, 3];
  it.each([
    [0, 3],
    [0.001, 3.044],
    [0.1, 7],
    [0.25, 13],
    [0.4, 26.000000000000007],
    [0.5, 37.5],
    [0.9, 8191.9],
    [0.95, 8555.599999999999],
    [0.99, 8911.12],
    [0.999, 8991.112000000001],
    [1, 9000],
  ])('quantile(%s) equals numpy exactly', (q, expected) => {
    expect(distributionOf(a).quantile(q)).toBe(expected);
  });

  it("uses numpy's interpolation from the upper value when past half way, to the last bit", () => {
    // numpy.quantile([4096, 4827, 11170, 12459], 0.9) is 12072.300000000001; a + (b - a) * t gives 12072.3.
    expect(distributionOf([4096, 4827, 11170, 12459]).quantile(0.9)).toBe(12072.300000000001);
  });

  describe.each(GENERATORS)('%s', (_name, generate) => {
    it.each([1, 2, 3, 10, 999, 5000])('matches sort-and-interpolate with n=%i', (n) => {
      const r = random(n * 7919);
      const values = Array.from({ length: n }, () => generate(r));
      const d = distributionOf(values);
      for (const q of QS) {
        const expected = bruteForceQuantile(values, q);
        expect(Math.abs(d.quantile(q) - expected)).toBeLessThanOrEqual(
          1e-9 * Math.max(1, Math.abs(expected)),
        );
      }
      expect(d.count).toBe(n);
      expect(d.min).toBe(Math.min(...values));
      expect(d.max).toBe(Math.max(...values));
      expect(d.mean()).toBeCloseTo(values.reduce((s, v) => s + v, 0) / n, 9);
    });
  });

  it('merges two distributions into the distribution of all their values', () => {
    const r = random(42);
    const left = Array.from({ length: 700 }, () => Math.floor(Math.exp(r() * 10)));
    const right = Array.from({ length: 300 }, () => Math.floor(r() * 20_000) - 5);
    const merged = distributionOf(left);
    merged.merge(distributionOf(right));
    merged.merge(new ExactDistribution());
    const all = [...left, ...right];
    for (const q of QS) expect(merged.quantile(q)).toBe(distributionOf(all).quantile(q));
    expect(merged.count).toBe(1000);
    expect(merged.sum).toBe(all.reduce((s, v) => s + v, 0));
    expect([merged.min, merged.max]).toEqual([Math.min(...all), Math.max(...all)]);
  });

  it('is NaN when empty', () => {
    const d = new ExactDistribution();
    expect([d.quantile(0.5), d.mean()]).toEqual([NaN, NaN]);
  });
});
