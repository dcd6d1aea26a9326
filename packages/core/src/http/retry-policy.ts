/**
 * When and how long to wait before retrying an HTTP call (DESIGN.md section 9). Pure functions:
 * the clock and the random source are parameters, so the tests need no real waiting.
 */

/**
 * Statuses worth another try (DESIGN.md section 9: "429 and 5xx"): rate limiting and server
 * trouble. Monitoring APIs do answer a passing overload with a bare 500. 501 (Not Implemented)
 * and 505 (HTTP Version Not Supported) say the request itself can never work, so they fail fast.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

/** Network failures that may pass on their own. ENOTFOUND and TLS errors will not, so they fail fast. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

export interface BackoffOptions {
  /** First backoff ceiling; doubles each attempt. */
  baseDelayMs: number;
  /** Ceiling of any single wait, also for server-requested waits. */
  maxDelayMs: number;
}

/** Capped exponential backoff with full jitter (a random wait between 0 and the ceiling). */
export function computeBackoff(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** Milliseconds the server asked us to wait through Retry-After or X-RateLimit-Reset, if any. */
export function serverRequestedWait(
  headers: Readonly<Record<string, string | undefined>>,
  nowMs: number,
): number | undefined {
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter) {
    // https://httpwg.org/specs/rfc9110.html#field.retry-after: delay-seconds or an HTTP-date.
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const reset = headers['x-ratelimit-reset']?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, epochToMs(Number(reset)) - nowMs);
  return undefined;
}

// X-RateLimit-Reset is an absolute time whose unit varies: GitHub and GitLab send epoch seconds,
// Dynatrace sends epoch microseconds (https://docs.dynatrace.com/docs/dynatrace-api/basics/access-limit).
function epochToMs(value: number): number {
  if (value > 1e15) return Math.floor(value / 1000);
  if (value > 1e12) return value;
  return value * 1000;
}

/** How long to wait before the next attempt: the server's wish if it sent one, else backoff; capped. */
export function computeRetryWait(
  attempt: number,
  headers: Readonly<Record<string, string | undefined>>,
  options: BackoffOptions & { nowMs: number; random: () => number },
): number {
  const requested = serverRequestedWait(headers, options.nowMs);
  const wait = requested ?? computeBackoff(attempt, options, options.random);
  return Math.min(wait, options.maxDelayMs);
}
