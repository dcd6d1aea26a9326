/**
 * Runs one DQL query with the Grail query API: `POST query:execute`, then, while the query is
 * RUNNING or NOT_STARTED, long-polls `GET query:poll` until it SUCCEEDED, FAILED or was
 * CANCELLED, all within one deadline. A query still running at the deadline is cancelled.
 * https://docs.dynatrace.com/docs/dynatrace-api/platform-api/platform-storage-query-v1/query-execute-post
 * https://docs.dynatrace.com/docs/dynatrace-api/platform-api/platform-storage-query-v1/query-poll-get
 *
 * query:execute is a POST, but it only reads: it is retried on 429/5xx like a GET. A retry after a
 * lost answer starts a second, equal query; Grail drops the first once nobody polls it.
 */

import type { Logger } from '../../environment.js';
import { CiConnectError } from '../../errors.js';
import type { HttpClient } from '../../http/http-client.js';
import type { TimeWindow } from '../provider.js';
import { MAX_RESULT_RECORDS } from './dql-result.js';

const QUERY_API = '/platform/storage/query/v1';
/** Longest a single execute or poll call lets the server hold the answer. */
export const MAX_LONG_POLL_MS = 10_000;
/** Pause between polls, in case a server answers RUNNING without holding the call. */
export const POLL_PAUSE_MS = 250;

/**
 * How a Grail query ended. `refused`: an HTTP answer other than 200/202, for the caller to map;
 * `malformed`: a JSON answer that is not a query state (no `state`, RUNNING without a token).
 */
export type GrailOutcome =
  | { kind: 'succeeded'; result: unknown }
  | { kind: 'failed'; state: string; body: unknown }
  | { kind: 'malformed'; message: string }
  | { kind: 'timed-out'; waitedMs: number }
  | { kind: 'refused'; call: 'execute' | 'poll'; status: number; body: unknown };

export interface GrailQueryOptions {
  http: HttpClient;
  /** Platform base URL, e.g. https://abc12345.apps.dynatrace.com. */
  platformUrl: string;
  authorization: string;
  /** The whole query, execute and polls, must end within this. */
  timeoutMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
}

interface Answer {
  status: number;
  body: unknown;
}

/** Runs `query` over the window; HTTP failures after retries are thrown as the client throws them. */
export async function runGrailQuery(
  query: string,
  window: TimeWindow,
  options: GrailQueryOptions,
): Promise<GrailOutcome> {
  const started = options.now();
  const deadline = started + options.timeoutMs;
  let answer = await execute(query, window, longPollMs(deadline - started), options);
  let requestToken: string | undefined;
  for (;;) {
    if (answer.status !== 200 && answer.status !== 202)
      return { kind: 'refused', call: requestToken === undefined ? 'execute' : 'poll', ...answer };
    const body = isRecord(answer.body) ? answer.body : {};
    const state = body['state'];
    if (typeof state !== 'string')
      return { kind: 'malformed', message: 'the answer has no state (not a Grail query answer)' };
    if (state === 'SUCCEEDED') return { kind: 'succeeded', result: body['result'] };
    if (state !== 'RUNNING' && state !== 'NOT_STARTED') return { kind: 'failed', state, body: answer.body };
    if (typeof body['requestToken'] === 'string') requestToken = body['requestToken'];
    if (requestToken === undefined)
      return { kind: 'malformed', message: `the answer says ${state} but has no requestToken to poll with` };
    await options.sleep(POLL_PAUSE_MS);
    const remaining = deadline - options.now();
    if (remaining <= 0) {
      await cancel(requestToken, options);
      return { kind: 'timed-out', waitedMs: options.now() - started };
    }
    answer = await poll(requestToken, longPollMs(remaining), options);
  }
}

/** Half the time left, at most MAX_LONG_POLL_MS: the answer must still arrive before the deadline. */
function longPollMs(remainingMs: number): number {
  return Math.max(0, Math.min(MAX_LONG_POLL_MS, Math.floor(remainingMs / 2)));
}

function execute(
  query: string,
  window: TimeWindow,
  requestTimeoutMs: number,
  options: GrailQueryOptions,
): Promise<Answer> {
  return send(options, {
    method: 'POST',
    url: `${options.platformUrl}${QUERY_API}/query:execute`,
    idempotent: true,
    expect: 'json',
    body: {
      query,
      defaultTimeframeStart: window.start.toISOString(),
      defaultTimeframeEnd: window.end.toISOString(),
      timezone: 'UTC',
      locale: 'en_US',
      requestTimeoutMilliseconds: requestTimeoutMs,
      maxResultRecords: MAX_RESULT_RECORDS,
      includeTypes: true,
    },
  });
}

function poll(requestToken: string, requestTimeoutMs: number, options: GrailQueryOptions): Promise<Answer> {
  return send(options, {
    method: 'GET',
    url: `${options.platformUrl}${QUERY_API}/query:poll`,
    expect: 'json',
    query: { 'request-token': requestToken, 'request-timeout-milliseconds': requestTimeoutMs },
  });
}

/** Best effort: a query nobody polls any more is dropped by Grail anyway. */
async function cancel(requestToken: string, options: GrailQueryOptions): Promise<void> {
  try {
    await send(options, {
      method: 'POST',
      url: `${options.platformUrl}${QUERY_API}/query:cancel`,
      query: { 'request-token': requestToken },
    });
  } catch (error) {
    if (!(error instanceof CiConnectError)) throw error;
    options.logger.debug(`dynatrace: cancelling a timed-out DQL query failed: ${error.message}`);
  }
}

async function send(
  options: GrailQueryOptions,
  request: {
    method: 'GET' | 'POST';
    url: string;
    query?: Record<string, string | number>;
    body?: unknown;
    idempotent?: boolean;
    /** execute and poll: a 2xx that is not JSON throws (Grail unavailable); cancel's body is unread. */
    expect?: 'json';
  },
): Promise<Answer> {
  const response = await options.http.request({
    ...request,
    headers: {
      Authorization: options.authorization,
      Accept: 'application/json',
      ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    acceptStatuses: [400, 401, 403, 404, 410],
  });
  return { status: response.status, body: response.data };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
