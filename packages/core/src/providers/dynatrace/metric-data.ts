/**
 * Reduces a Metrics API v2 answer (`MetricData`) to one number, as dynatrace-service does: exactly
 * one series collection, one series, one value. Nothing is averaged or picked client-side.
 * https://docs.dynatrace.com/docs/dynatrace-api/environment-api/metric-v2/get-data-points
 */

import type { Redactor } from '../../redaction/redaction.js';

/** What one metrics answer amounts to. `several-values`: the caller may fold and ask again. */
export type MetricReduction =
  | { kind: 'value'; value: number }
  | { kind: 'no-data'; message: string }
  | { kind: 'error'; message: string }
  | { kind: 'several-values'; count: number };

interface Series {
  dimensionMap?: Record<string, string>;
  values?: (number | null)[];
}

interface Collection {
  data?: Series[];
  warnings?: string[];
}

/** Reduces a parsed `MetricData` body. */
export function reduceMetricData(body: unknown): MetricReduction {
  if (!isRecord(body) || !Array.isArray(body['result']))
    return { kind: 'error', message: 'the answer is not Metrics API v2 data (no "result" array)' };
  const collections = body['result'] as Collection[];
  const warnings = collectWarnings(body, collections);
  if (collections.length === 0) return { kind: 'no-data', message: `returned no metric series${warnings}` };
  if (collections.length > 1)
    return {
      kind: 'error',
      message: `returned ${collections.length} metric series collections, but only one is supported (select one metric)`,
    };
  const series = collections[0]?.data;
  if (!Array.isArray(series))
    return {
      kind: 'error',
      message: 'the answer is not Metrics API v2 data (a series collection has no "data" array)',
    };
  if (series.length === 0) return { kind: 'no-data', message: `returned zero metric series${warnings}` };
  if (series.length > 1)
    return {
      kind: 'error',
      message:
        `returned ${series.length} metric series, but only one is supported ` +
        '(aggregate them with :merge("<dimension>") or :splitBy() in the metricSelector, or narrow the entitySelector)',
    };
  const values = series[0]?.values;
  if (!Array.isArray(values))
    return {
      kind: 'error',
      message: 'the answer is not Metrics API v2 data (a series has no "values" array)',
    };
  if (values.length === 0) return { kind: 'no-data', message: `returned no values${warnings}` };
  if (values.length > 1) return { kind: 'several-values', count: values.length };
  const value = values[0];
  if (typeof value !== 'number' || !Number.isFinite(value))
    return { kind: 'no-data', message: `returned null as value${warnings}` };
  return { kind: 'value', value };
}

function collectWarnings(body: Record<string, unknown>, collections: Collection[]): string {
  const all = [body['warnings'], ...collections.map((c) => c.warnings)]
    .flatMap((w): unknown[] => (Array.isArray(w) ? (w as unknown[]) : []))
    .filter((w): w is string => typeof w === 'string');
  const unique = [...new Set(all)];
  return unique.length === 0 ? '' : `; Dynatrace warns: ${unique.join(' ')}`;
}

/**
 * The text of a Dynatrace error body: `error.message` and any constraint violations; a body that
 * is not JSON is redacted, then cut to 300 characters.
 */
export function describeApiError(body: unknown, redactor: Redactor): string {
  if (typeof body === 'string') return redactor.clip(body.replace(/\s+/g, ' ').trim(), 300);
  return apiErrorText(body);
}

function apiErrorText(body: unknown): string {
  const error = isRecord(body) ? body['error'] : undefined;
  if (!isRecord(error)) return '';
  const message = typeof error['message'] === 'string' ? error['message'] : '';
  const violations = Array.isArray(error['constraintViolations']) ? error['constraintViolations'] : [];
  const details = violations
    .filter(isRecord)
    .map((v) => `${textOf(v['path'])}: ${textOf(v['message'])}`)
    .join('; ');
  return details === '' ? message : `${message} (${details})`;
}

/** True when a 400 says the metric cannot be read with `resolution=Inf` (use `:fold` instead). */
export function rejectsResolutionInf(body: unknown): boolean {
  return /resolution/i.test(typeof body === 'string' ? body : apiErrorText(body));
}

function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
