/**
 * The one HTTP client every monitoring provider uses (DESIGN.md section 9), on axios.
 *
 * - Every call has a timeout: axios' socket timeout plus an overall deadline (AbortSignal), so a
 *   server that trickles bytes cannot hold a gate forever.
 * - Only idempotent calls are retried (GET and HEAD, or any call marked `idempotent: true`), on
 *   429, 5xx (not 501/505) and transient network errors, with capped exponential backoff and full jitter,
 *   honouring Retry-After and X-RateLimit-Reset up to `maxDelayMs`.
 * - TLS verification is always on. `caFile` adds a CA to Node's bundled roots; NODE_EXTRA_CA_CERTS
 *   is applied by Node itself when no `caFile` is given (Node 20 cannot merge it into an explicit `ca`).
 * - Proxies: `proxy` is left unset so axios reads HTTP_PROXY / HTTPS_PROXY / NO_PROXY (and their
 *   lower-case forms) itself, tunnelling HTTPS targets through CONNECT with our TLS options.
 * - Every status comes back from axios (validateStatus); 2xx and `acceptStatuses` are returned,
 *   anything else is thrown as a redacted ConfigError or ExternalSystemError (http-errors.ts).
 * - With `expect: 'json'`, a 2xx body that is not JSON is thrown as an ExternalSystemError
 *   (json-answer.ts). It is not retried: a login page or a proxy's page does not go away in the
 *   seconds a retry waits, and the gate should say so at once.
 */

import type { AxiosInstance, AxiosResponse } from 'axios';
import type { Logger } from '../environment.js';
import { ConfigError, errorCode } from '../errors.js';
import { createHttpsAgent, readCaFile } from './https-agent.js';
import { loadProxyResolver } from './proxy-in-use.js';
import type { ProxyResolver } from './proxy-in-use.js';
import { HttpStatusFailure, describeTarget, toHttpError } from './http-errors.js';
import type { HttpErrorContext, StatusHints } from './http-errors.js';
import { readJsonAnswer } from './json-answer.js';
import { decodeSafely, registerRequestSecrets } from '../redaction/redaction.js';
import type { Redactor } from '../redaction/redaction.js';
import { RETRYABLE_NETWORK_CODES, computeRetryWait, isRetryableStatus } from './retry-policy.js';
import { parseBody, toHeaderRecord } from './response-body.js';

/** HTTP methods the providers need. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a client behaves; sleep, random and now are injectable for tests. */
export interface HttpClientOptions {
  timeoutMs: number;
  /** Extra attempts for idempotent calls (0 = try once). */
  retries: number;
  logger: Logger;
  redactor: Redactor;
  userAgent: string;
  /** PEM file with a CA to trust in addition to Node's bundled roots. */
  caFile?: string;
  baseDelayMs?: number;
  /** Ceiling of any single wait between attempts, also when the server asks for longer. */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** One call. `query` values are appended to the URL's own query; undefined values are skipped. */
export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Readonly<Record<string, string>>;
  query?: Readonly<Record<string, string | number | boolean | undefined>>;
  body?: unknown;
  /** Allows retrying a non-GET call the caller knows to be safe to repeat. */
  idempotent?: boolean;
  /** Hints per refused status, e.g. `{ 403: 'the token lacks the scope metrics.read' }`. */
  hints?: StatusHints;
  /** Non-2xx statuses that are an answer rather than a failure (e.g. 404 for "not there"). */
  acceptStatuses?: readonly number[];
  /**
   * `json`: a 2xx body must be JSON, else the call throws ExternalSystemError (a login page or a
   * proxy answered, json-answer.ts). Bodies of `acceptStatuses` stay as parsed by default.
   */
  expect?: 'json';
  signal?: AbortSignal;
}

/** An accepted answer: lower-case headers, JSON parsed when it parses, else the text. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  data: unknown;
}

/** Sends HTTP requests under the rules above. */
export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}

interface Settings {
  timeoutMs: number;
  retries: number;
  logger: Logger;
  redactor: Redactor;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
}

/** The axios instance, and axios' choice of proxy per URL (for naming the proxy in errors). */
interface Transport {
  instance: AxiosInstance;
  proxyFor: ProxyResolver;
}

type Outcome = { kind: 'response'; response: HttpResponse; text: string } | { kind: 'error'; error: unknown };

/** Creates the HTTP client; throws ConfigError when `caFile` cannot be read. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const pem = readCaFile(options.caFile, options.redactor);
  // axios is imported on the first request: a gate on JMeter results or --values never pays
  // for loading it (start-up time, bench/startup.js).
  let transport: Promise<Transport> | undefined;
  const loadTransport = () =>
    (transport ??= Promise.all([import('axios'), createHttpsAgent(pem), loadProxyResolver()]).then(
      ([{ default: axios }, httpsAgent, proxyFor]) => ({
        proxyFor,
        instance: axios.create({
          timeout: options.timeoutMs,
          validateStatus: () => true,
          responseType: 'text',
          // Raw text: JSON is parsed by us, so a malformed body becomes text instead of an exception.
          transformResponse: [(data: unknown) => data],
          transitional: { clarifyTimeoutError: true },
          httpsAgent,
          maxRedirects: 5,
          maxContentLength: 64 * 1024 * 1024,
          headers: { 'User-Agent': options.userAgent },
        }),
      }),
    ));
  const settings: Settings = {
    timeoutMs: options.timeoutMs,
    retries: Math.max(0, options.retries),
    logger: options.logger,
    redactor: options.redactor,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
  };
  return { request: async (request) => sendWithRetries(await loadTransport(), settings, request) };
}

async function sendWithRetries(
  { instance, proxyFor }: Transport,
  s: Settings,
  request: HttpRequest,
): Promise<HttpResponse> {
  const url = buildUrl(request, s.redactor);
  registerRequestSecrets(s.redactor, { url, headers: request.headers });
  const sent: HttpRequest = { ...request, headers: moveUrlCredentials(url, request.headers, s.redactor) };
  const idempotent = request.idempotent ?? (request.method === 'GET' || request.method === 'HEAD');
  const maxAttempts = idempotent ? s.retries + 1 : 1;
  const target = `${request.method} ${describeTarget(url.href, s.redactor)}`;
  for (let attempt = 1; ; attempt++) {
    s.logger.debug(`${target} (attempt ${attempt} of ${maxAttempts})`);
    const outcome = await attemptOnce(instance, s, sent, url);
    if (attempt >= maxAttempts || !isRetryable(outcome, request.signal)) {
      const context = { method: request.method, url: url.href, redactor: s.redactor, hints: request.hints };
      return settle(outcome, request, { ...context, attempts: attempt, proxy: proxyFor(url.href) });
    }
    const headers = outcome.kind === 'response' ? outcome.response.headers : {};
    const wait = computeRetryWait(attempt - 1, headers, { ...s, nowMs: s.now() });
    s.logger.warn(s.redactor.redact(`${target}: ${describeOutcome(outcome)}; retrying in ${wait} ms`));
    await s.sleep(wait);
  }
}

function buildUrl(request: HttpRequest, redactor: Redactor): URL {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new ConfigError(redactor.redact(`"${request.url}" is not a valid URL`), {
      hint: 'give an absolute http:// or https:// URL',
    });
  }
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.append(key, String(value));
  }
  return url;
}

/**
 * user:password in a URL becomes an explicit, registered Basic header, and leaves the URL: axios
 * would otherwise build that header itself, unseen, and let it silently replace the caller's
 * credentials. Credentials given both ways are a ConfigError: which one was meant is unknowable.
 */
function moveUrlCredentials(
  url: URL,
  headers: Readonly<Record<string, string>> | undefined,
  redactor: Redactor,
): Readonly<Record<string, string>> {
  if (url.username === '' && url.password === '') return headers ?? {};
  const user = decodeSafely(url.username);
  const password = decodeSafely(url.password);
  url.username = '';
  url.password = '';
  if (Object.keys(headers ?? {}).some((name) => name.toLowerCase() === 'authorization')) {
    throw new ConfigError(
      redactor.redact(
        `the URL ${url.origin} has user:password in it, and the request carries credentials too`,
      ),
      { hint: 'remove user:password@ from the URL: give the credentials only through their env vars' },
    );
  }
  // Registered here too: a URL with a user name alone (a token as the user) has no password
  // for registerRequestSecrets to find.
  const basic = Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
  redactor.add(basic);
  return { ...headers, Authorization: `Basic ${basic}` };
}

async function attemptOnce(
  instance: AxiosInstance,
  s: Settings,
  request: HttpRequest,
  url: URL,
): Promise<Outcome> {
  // axios' `timeout` is a socket idle timeout; the deadline bounds the whole exchange.
  const deadline = AbortSignal.timeout(s.timeoutMs);
  const signal = request.signal === undefined ? deadline : AbortSignal.any([deadline, request.signal]);
  try {
    const response: AxiosResponse<unknown> = await instance.request({
      method: request.method,
      url: url.href,
      headers: request.headers,
      data: request.body,
      signal,
    });
    const text = typeof response.data === 'string' ? response.data : '';
    const headers = toHeaderRecord(response.headers);
    return {
      kind: 'response',
      text,
      response: { status: response.status, headers, data: parseBody(text, headers) },
    };
  } catch (error) {
    if (deadline.aborted && request.signal?.aborted !== true) {
      return {
        kind: 'error',
        error: Object.assign(new Error(`no answer within ${s.timeoutMs} ms`), { code: 'ETIMEDOUT' }),
      };
    }
    return { kind: 'error', error };
  }
}

function isRetryable(outcome: Outcome, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted === true) return false;
  if (outcome.kind === 'response') return isRetryableStatus(outcome.response.status);
  const code = errorCode(outcome.error);
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}

function settle(outcome: Outcome, request: HttpRequest, context: HttpErrorContext): HttpResponse {
  if (outcome.kind === 'error') throw toHttpError(outcome.error, context);
  const { status, headers } = outcome.response;
  if (status >= 200 && status < 300) {
    // parseBody already parsed what looked like JSON; only text left unparsed is checked again.
    if (request.expect !== 'json' || typeof outcome.response.data !== 'string') return outcome.response;
    const data = readJsonAnswer(status, outcome.text, headers['content-type'], context);
    return { ...outcome.response, data };
  }
  if (request.acceptStatuses?.includes(status)) return outcome.response;
  throw toHttpError(new HttpStatusFailure(status, outcome.text, headers['content-type']), context);
}

function describeOutcome(outcome: Outcome): string {
  if (outcome.kind === 'response') return `HTTP ${outcome.response.status}`;
  return errorCode(outcome.error) ?? 'network error';
}
