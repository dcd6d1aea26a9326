import { describe, expect, it } from 'vitest';
import type { SliContext } from '../provider.js';
import {
  buildDefaultQuery,
  defaultFilterExpression,
  PROMETHEUS_DEFAULT_INDICATORS,
} from './default-queries.js';
import { durationSeconds, replacePlaceholders } from './placeholders.js';

const CONTEXT: SliContext = {
  project: 'shop',
  stage: 'hardening',
  service: 'carts',
  labels: {},
  filter: {},
  window: { start: new Date('2024-01-01T00:00:00Z'), end: new Date('2024-01-01T00:05:00Z') },
};

const at = (overrides: Partial<SliContext>): SliContext => ({ ...CONTEXT, ...overrides });

describe('replacePlaceholders', () => {
  it.each<[string, string, Partial<SliContext>, string]>([
    ['context', "x{job='$SERVICE-$PROJECT-$STAGE'}", {}, "x{job='carts-shop-hardening'}"],
    ['every occurrence', '$SERVICE/$SERVICE', {}, 'carts/carts'],
    ['$DEPLOYMENT default', '$DEPLOYMENT', {}, 'primary'],
    ['$DEPLOYMENT from the label', '$DEPLOYMENT', { labels: { deployment: 'canary' } }, 'canary'],
    ['labels', '$LABEL.buildId-$LABEL.missing', { labels: { buildId: '812' } }, '812-$LABEL.missing'],
    ['duration', 'rate(x[$DURATION_SECONDS])', {}, 'rate(x[300s])'],
    ['filter $key and $KEY', '$handler|$HANDLER', { filter: { handler: 'Items' } }, 'Items|Items'],
    ['filter quotes stripped', "h='$handler'", { filter: { handler: `"It'ems"` } }, "h='Items'"],
    // Keptn's order: filters first, so a filter value may itself carry a placeholder.
    ['filters before context', '$svc', { filter: { svc: '$SERVICE-x' } }, 'carts-x'],
    ['filter overrides $SERVICE', '$SERVICE', { filter: { service: 'orders' } }, 'orders'],
    ['prefix-naive like Keptn', '$SERVICE_NAME', {}, 'carts_NAME'],
    ['unknown left as is', '$FOO and $ENV.X', {}, '$FOO and $ENV.X'],
  ])('%s', (_title, query, overrides, expected) => {
    expect(replacePlaceholders(query, at(overrides))).toBe(expected);
  });

  it.each<[number, string]>([
    [60_000, '60s'],
    [60_001, '61s'],
    [1_800_000, '1800s'],
  ])('$DURATION_SECONDS of %i ms is %s (rounded up)', (ms, expected) => {
    expect(durationSeconds({ start: new Date(0), end: new Date(ms) })).toBe(expected);
  });
});

describe('default queries (Keptn prometheus-service)', () => {
  it('builds Keptn’s throughput, error_rate and latency queries', () => {
    const job = "job='carts-shop-hardening-canary'";
    expect(buildDefaultQuery('throughput', CONTEXT)).toBe(`sum(rate(http_requests_total{${job}}[300s]))`);
    expect(buildDefaultQuery('error_rate', CONTEXT)).toBe(
      `sum(rate(http_requests_total{${job},status!~'2..'}[300s]))/sum(rate(http_requests_total{${job}}[300s]))`,
    );
    expect(buildDefaultQuery('response_time_p95', CONTEXT)).toBe(
      `histogram_quantile(0.95,sum(rate(http_response_time_milliseconds_bucket{${job}}[300s]))by(le))`,
    );
    expect(buildDefaultQuery('response_time_p99', CONTEXT)).toBeUndefined();
    expect(Object.keys(PROMETHEUS_DEFAULT_INDICATORS)).toEqual([
      'throughput',
      'error_rate',
      'response_time_p50',
      'response_time_p90',
      'response_time_p95',
    ]);
  });

  it.each<[string, Record<string, string>, string]>([
    ['no filter', {}, "job='carts-shop-hardening-canary'"],
    ['a job filter replaces the default job', { job: 'carts' }, "job='carts'"],
    [
      'other filters follow the job',
      { handler: "'Items'" },
      "job='carts-shop-hardening-canary',handler='Items'",
    ],
    ['operators kept', { handler: '!=Health', route: '=~"/a|/b"' }, "job='x',handler!=Health,route=~'/a|/b'"],
  ])('filter expression: %s', (_title, filter, expected) => {
    const context = at({ filter: expected.startsWith("job='x'") ? { job: 'x', ...filter } : filter });
    expect(defaultFilterExpression(context)).toBe(expected);
  });
});
