/**
 * Turns whatever the HTTP layer caught into one of the error classes the CLI understands
 * (errors.ts): the server refused what we asked (4xx) is a ConfigError, exit 2; the server or
 * the network failed us (429, 5xx, DNS, refused, reset, timeout, TLS) is an ExternalSystemError,
 * exit 3. Every word goes through the Redactor, and the raw axios error (which carries the
 * request headers, Authorization included) is never attached: a sanitized copy is.
 */

import { CiConnectError, ConfigError, errorCode, ExternalSystemError, InternalError } from '../errors.js';
import type { Redactor } from '../redaction/redaction.js';
import { describeNetworkError } from './network-errors.js';
import type { ProxyInUse } from './proxy-in-use.js';

const MAX_SERVER_MESSAGE = 300;

/** Hints the caller supplies per status, e.g. `{ 403: 'the token lacks the scope metrics.read' }`. */
export type StatusHints = Readonly<Partial<Record<number, string>>>;

/** What the mapping needs to know about the call that failed. */
export interface HttpErrorContext {
  method: string;
  url: string;
  redactor: Redactor;
  hints?: StatusHints;
  attempts?: number;
  /** The proxy the request went through, when one did: network errors may be the proxy's. */
  proxy?: ProxyInUse | undefined;
}

/** A response whose status the caller did not accept; thrown inside the client, mapped by toHttpError. */
export class HttpStatusFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType: string | undefined,
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpStatusFailure';
  }
}

/** Maps any value thrown by the HTTP client to a redacted ConfigError, ExternalSystemError or InternalError. */
export function toHttpError(error: unknown, context: HttpErrorContext): CiConnectError {
  if (error instanceof CiConnectError) return error;
  if (error instanceof HttpStatusFailure) return statusError(error, context);
  const code = errorCode(error);
  const target = describeTarget(context.url, context.redactor);
  if (code === undefined) {
    const message = `${context.method} ${target} failed unexpectedly: ${errorMessage(error)}`;
    return new InternalError(context.redactor.redact(message), {
      cause: sanitizeCause(error, context.redactor),
    });
  }
  const words = describeNetworkError(code, hostOf(context.url), context.proxy);
  const tries = context.attempts && context.attempts > 1 ? ` (after ${context.attempts} attempts)` : '';
  return new ExternalSystemError(
    context.redactor.redact(`${context.method} ${target}: ${words.message}${tries}`),
    {
      hint: words.hint === undefined ? undefined : context.redactor.redact(words.hint),
      cause: sanitizeCause(error, context.redactor),
    },
  );
}

function statusError(failure: HttpStatusFailure, context: HttpErrorContext): CiConnectError {
  const { redactor } = context;
  const target = describeTarget(context.url, redactor);
  const server = extractServerMessage(failure.body, failure.contentType, redactor);
  const said = server === '' ? '' : `: ${server}`;
  const callerHint = context.hints?.[failure.status];
  const status = failure.status;
  // The proxy's own refusal: the caller's hints are about the API's credentials, not the proxy's.
  if (status === 407) {
    const proxy = context.proxy;
    const which = proxy === undefined ? 'the proxy' : `the proxy ${proxy.address} (from ${proxy.envVar})`;
    const message = `${context.method} ${target}: ${which} refused the proxy credentials (HTTP 407)${said}`;
    const hint =
      proxy === undefined
        ? PROXY_AUTH_HINT
        : `check the user:password in ${proxy.envVar}, or list the host in NO_PROXY`;
    return new ConfigError(redactor.redact(message), { hint });
  }
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    const message = `${context.method} ${target} was refused with HTTP ${status}${said}`;
    const hint = callerHint ?? DEFAULT_CLIENT_HINTS[status];
    return new ConfigError(redactor.redact(message), {
      hint: hint === undefined ? undefined : redactor.redact(hint),
    });
  }
  const tries = context.attempts && context.attempts > 1 ? ` after ${context.attempts} attempts` : '';
  const message = `${context.method} ${target} answered HTTP ${status}${tries}${said}`;
  const hint =
    callerHint ??
    (status === 429
      ? 'the API rate limit was hit; try again later'
      : 'the service is unavailable or failing; try again later');
  return new ExternalSystemError(redactor.redact(message), { hint: redactor.redact(hint) });
}

const PROXY_AUTH_HINT =
  'check the user:password in HTTPS_PROXY / HTTP_PROXY (or their lower-case forms), or list the host in NO_PROXY';

const DEFAULT_CLIENT_HINTS: Readonly<Record<number, string>> = {
  401: 'the token is missing, invalid or expired',
  403: 'the token lacks a permission this call needs',
  404: 'check the URL (base URL and path)',
};

/**
 * The server's own explanation: Dynatrace `error.message`, Prometheus `error`, `message`, or the
 * text; redacted before it is cut short, so a token the server echoes back never survives in part.
 */
export function extractServerMessage(
  body: string,
  contentType: string | undefined,
  redactor: Redactor,
): string {
  const text = body.trim();
  if (text === '') return '';
  const fromJson = messageFromJson(text);
  const plain = fromJson ?? (isHtml(text, contentType) ? htmlToText(text) : text);
  const oneLine = plain.replace(/\s+/g, ' ').trim();
  return redactor.clip(oneLine, MAX_SERVER_MESSAGE);
}

function messageFromJson(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  const error = record['error'];
  // Dynatrace: {"error":{"code":403,"message":"..."}}; Prometheus: {"status":"error","error":"..."}.
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as Record<string, unknown>)['message'] === 'string'
  ) {
    return (error as Record<string, string>)['message'];
  }
  if (typeof error === 'string') return error;
  return typeof record['message'] === 'string' ? record['message'] : undefined;
}

function isHtml(text: string, contentType: string | undefined): boolean {
  return (contentType ?? '').includes('html') || /^<(!doctype|html)/i.test(text);
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Host and path of a URL without query, credentials or fragment, for messages. */
export function describeTarget(url: string, redactor: Redactor): string {
  try {
    const parsed = new URL(url);
    return redactor.redact(`${parsed.protocol}//${parsed.host}${parsed.pathname}`);
  } catch {
    return redactor.redact(url.split(/[?#]/)[0] ?? '');
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the server';
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A plain Error with the code, and the redacted message and stack, of the original; nothing else. */
export function sanitizeCause(error: unknown, redactor: Redactor): Error {
  const code = errorCode(error);
  const prefix = code === undefined ? '' : `${code}: `;
  const sanitized: Error & { code?: string } = new Error(redactor.redact(`${prefix}${errorMessage(error)}`));
  sanitized.name = 'HttpCause';
  // Kept so callers can still tell a refused connection from a reset (errorCode reads it).
  if (code !== undefined) sanitized.code = code;
  const stack = error instanceof Error ? error.stack : undefined;
  sanitized.stack = redactor.redact(stack === undefined ? `${sanitized.name}: ${sanitized.message}` : stack);
  return sanitized;
}
