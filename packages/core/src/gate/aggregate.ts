import type { AggregateFunction } from './types.js';

/**
 * Aggregates previous SLI values into the baseline (keptn lighthouse `aggregateValues`):
 * the mean, or a percentile at position p×(n+1) with linear interpolation, clamped to the
 * smallest and largest value. Returns null when there is nothing to aggregate.
 */
export function aggregateValues(values: readonly number[], fn: AggregateFunction): number | null {
  if (values.length === 0) return null;
  switch (fn) {
    case 'avg':
      return values.reduce((sum, v) => sum + v, 0) / values.length;
    case 'p50':
      return percentile(values, 0.5);
    case 'p90':
      return percentile(values, 0.9);
    case 'p95':
      return percentile(values, 0.95);
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const position = p * (n + 1);
  // Clamping keeps small samples sensible: p95 of two values is the larger one.
  if (position < 1) return sorted[0]!;
  if (position >= n) return sorted[n - 1]!;
  const lower = sorted[Math.floor(position) - 1]!;
  const upper = sorted[Math.floor(position)]!;
  return lower + (position - Math.floor(position)) * (upper - lower);
}
