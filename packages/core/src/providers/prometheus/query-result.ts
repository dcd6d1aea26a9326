/**
 * Reads a Prometheus instant-query answer (https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries)
 * as one SLI value: exactly one sample is expected, as keptn prometheus-service expects it.
 */
import type { SliFailure } from '../../gate/types.js';

/** One SLI's outcome before it is labelled with the SLI and provider names. */
export type QueryOutcome = { value: number } | { value: null; failure: SliFailure; message: string };

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Interprets the JSON body of `/api/v1/query` (success or error envelope) for the query `query`. */
export function readInstantResult(body: unknown, query: string): QueryOutcome {
  const quoted = JSON.stringify(query);
  if (!isRecord(body)) return failed('error', `query ${quoted}: the answer is not a Prometheus API response`);
  if (body['status'] === 'error') {
    const type = typeof body['errorType'] === 'string' ? `${body['errorType']}: ` : '';
    const said = typeof body['error'] === 'string' ? body['error'] : 'no message';
    return failed('error', `query ${quoted} failed: ${type}${said}`);
  }
  const data = body['data'];
  if (body['status'] !== 'success' || !isRecord(data)) {
    return failed('error', `query ${quoted}: the answer is not a Prometheus API response`);
  }
  switch (data['resultType']) {
    case 'vector':
      return readVector(data['result'], quoted);
    case 'scalar':
      return readSample(data['result'], quoted);
    default:
      return failed(
        'error',
        `query ${quoted} returned a ${String(data['resultType'])}, not an instant vector; drop the range selector or wrap it in a function such as rate(...)`,
      );
  }
}

function readVector(result: unknown, quoted: string): QueryOutcome {
  if (!Array.isArray(result)) return failed('error', `query ${quoted}: the answer has no result list`);
  if (result.length === 0) return failed('no-data', `query ${quoted} did not return any values`);
  if (result.length > 1) {
    return failed(
      'error',
      `query ${quoted} returned ${result.length} series; aggregate it (e.g. sum(...)) so it returns one`,
    );
  }
  const sample: unknown = result[0];
  return readSample(isRecord(sample) ? sample['value'] : undefined, quoted);
}

// A sample is [<unix seconds>, "<value>"]; values travel as strings and may be NaN or ±Inf.
function readSample(sample: unknown, quoted: string): QueryOutcome {
  const text: unknown = Array.isArray(sample) ? sample[1] : undefined;
  if (typeof text !== 'string') return failed('error', `query ${quoted}: the sample has no value`);
  if (/^[+-]?Inf$/i.test(text))
    return failed('no-data', `query ${quoted} returned ${text}, not a finite value`);
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    return failed('no-data', `query ${quoted} did not return a valid value (${text})`);
  }
  return { value };
}

function failed(failure: SliFailure, message: string): QueryOutcome {
  return { value: null, failure, message };
}
