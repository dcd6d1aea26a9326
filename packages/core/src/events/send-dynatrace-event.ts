/**
 * Sends one event to the Dynatrace Events API v2 (`POST /api/v2/events/ingest`, scope
 * `events.ingest`) and checks the 201 reply per result: Dynatrace answers 201 even when the
 * entity selector matched nothing, so success is `reportCount > 0` with a result `status: OK`.
 * The POST is never retried: it is not idempotent, and a retry after a timeout could duplicate
 * the event (DESIGN.md section 7).
 * https://docs.dynatrace.com/docs/dynatrace-api/environment-api/events-v2/post-event
 */

import type { Logger } from '../environment.js';
import { ConfigError, errorCode, ExternalSystemError } from '../errors.js';
import { createHttpClient } from '../http/http-client.js';
import type { HttpClient } from '../http/http-client.js';
import { isTlsErrorCode } from '../http/network-errors.js';
import type { Redactor } from '../redaction/redaction.js';
import { authorizationHeader, resolveEndpoint } from '../providers/dynatrace/dynatrace-api.js';
import { resolveRoutes } from '../providers/dynatrace/environment-urls.js';
import { dynatraceEnvNames, type DynatraceSettings } from '../providers/dynatrace/dynatrace-settings.js';
import type { DynatraceEvent } from './dynatrace-event.js';

/** Below the Environment API v2 prefix (classic `/api/v2`, or the platform's classic API). */
export const INGEST_PATH = '/events/ingest';
const DEFAULT_TIMEOUT_SECONDS = 30;

/** One entry of `eventIngestResults`. */
export interface EventIngestResult {
  correlationId?: string;
  status: string;
}

/** What Dynatrace said it created. */
export interface EventIngestOutcome {
  reportCount: number;
  results: EventIngestResult[];
}

export interface SendEventOptions {
  settings?: DynatraceSettings;
  env: Readonly<Record<string, string | undefined>>;
  redactor: Redactor;
  logger: Logger;
  /** A ready client (tests); by default one is made from the settings. */
  http?: HttpClient;
  /** A CA certificate file to trust besides Node's (`--ca-file`). */
  caFile?: string;
}

// Failures where the request certainly never reached Dynatrace, so no event can exist (and TLS
// handshake failures, see isTlsErrorCode).
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** POSTs the event once; throws ConfigError (token, selector, body) or ExternalSystemError (Dynatrace down). */
export async function sendDynatraceEvent(
  event: DynatraceEvent,
  options: SendEventOptions,
): Promise<EventIngestOutcome> {
  const { settings, env, redactor, logger } = options;
  requireEnv(settings, env);
  const endpoint = resolveEndpoint(settings, env);
  redactor.add(endpoint.token);
  const http = options.http ?? createClient(settings, logger, redactor, options.caFile);
  // A platform token on a .live. URL (or a classic one on .apps.) is routed as the SLI queries are.
  const url = `${resolveRoutes(endpoint.url, endpoint.token).environmentApi}${INGEST_PATH}`;
  logger.debug(`sending ${event.eventType} to ${url} for ${event.entitySelector}`);
  let data: unknown;
  try {
    const response = await http.request({
      method: 'POST',
      url,
      idempotent: false,
      headers: {
        Authorization: authorizationHeader(endpoint.token),
        'Content-Type': 'application/json; charset=utf-8',
        Accept: 'application/json',
      },
      // Labels and messages in it come from the pipeline: no token may ride along to Dynatrace.
      body: redactor.redactJson(event),
      // A 2xx page from a proxy or SSO is no proof the event exists: unavailable, may have been created.
      expect: 'json',
      hints: {
        400: 'Dynatrace rejected the event body: check --property keys and values and --entity-selector',
        401: 'the token is missing, invalid or expired: check the token env var (default DT_API_TOKEN)',
        403: 'give the token the scope events.ingest (Ingest events)',
      },
    });
    data = response.data;
  } catch (error) {
    throw mayHaveBeenCreated(error, redactor);
  }
  return checkIngestReply(data, event.entitySelector, { redactor, logger });
}

/** Checks a 201 body per result; throws ConfigError when no event was created. */
export function checkIngestReply(
  data: unknown,
  entitySelector: string,
  { redactor, logger }: { redactor: Redactor; logger: Logger },
): EventIngestOutcome {
  const reply = parseReply(data);
  if (reply === undefined)
    throw new ExternalSystemError(
      `Dynatrace answered the event ingest with an unexpected body: ${preview(data, redactor)}`,
      { hint: 'check DT_URL points at the environment API (https://<env>.live.dynatrace.com)' },
    );
  const ok = reply.results.filter((r) => r.status === 'OK');
  const failed = reply.results.filter((r) => r.status !== 'OK');
  if (reply.reportCount === 0 || reply.results.length === 0)
    throw new ConfigError(
      redactor.redact(`Dynatrace created no event: the entity selector ${entitySelector} matched no entity`),
      {
        hint: redactor.redact(
          'check the entity selector (--entity-selector): tags and names are case-sensitive, and only entities ' +
            'seen in the last 24 hours match (entityId(...) does not have that limit)',
        ),
      },
    );
  if (ok.length === 0)
    throw new ConfigError(
      redactor.redact(`Dynatrace created no event for ${entitySelector}: ${describeResults(failed)}`),
      { hint: 'check the entity selector, the properties and the event type' },
    );
  if (failed.length > 0)
    logger.warn(redactor.redact(`Dynatrace did not create every event: ${describeResults(failed)}`));
  return reply;
}

function requireEnv(settings: DynatraceSettings | undefined, env: SendEventOptions['env']): void {
  const { urlEnv, tokenEnv } = dynatraceEnvNames(settings);
  const missing = [
    settings?.url === undefined && !env[urlEnv]?.trim() ? urlEnv : undefined,
    env[tokenEnv]?.trim() ? undefined : tokenEnv,
  ].filter((name) => name !== undefined);
  if (missing.length === 0) return;
  throw new ConfigError(`sending an event to Dynatrace needs ${missing.join(' and ')}, which is not set`, {
    hint:
      `set ${urlEnv} to the environment URL (e.g. https://abc12345.live.dynatrace.com) and ${tokenEnv} to a token ` +
      'with the scope events.ingest; ci-connect.yaml providers.dynatrace.url / urlEnv / tokenEnv name others',
  });
}

function createClient(
  settings: DynatraceSettings | undefined,
  logger: Logger,
  redactor: Redactor,
  caFile: string | undefined,
): HttpClient {
  return createHttpClient({
    ...(caFile === undefined ? {} : { caFile }),
    timeoutMs: (settings?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    // Irrelevant for the non-idempotent POST, which is sent once whatever this says.
    retries: 0,
    logger,
    redactor,
    userAgent: 'ci-connect',
  });
}

/** Unless the request surely never left, says the event may exist: the user must check before re-running. */
function mayHaveBeenCreated(error: unknown, redactor: Redactor): unknown {
  if (!(error instanceof ExternalSystemError)) return error;
  const code = errorCode(error.cause);
  if (code !== undefined && (NOT_SENT_CODES.has(code) || isTlsErrorCode(code))) return error;
  const message = `${error.message}; the event may or may not have been created, and was not re-sent (a retry could duplicate it)`;
  const hint = `${error.hint ?? 'try again later'}; check Dynatrace for the event before re-running this step`;
  return new ExternalSystemError(redactor.redact(message), { hint: redactor.redact(hint), cause: error });
}

function parseReply(data: unknown): EventIngestOutcome | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { reportCount, eventIngestResults } = data as Record<string, unknown>;
  if (typeof reportCount !== 'number' || !Array.isArray(eventIngestResults)) return undefined;
  const results: EventIngestResult[] = [];
  for (const entry of eventIngestResults as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { correlationId, status } = entry as Record<string, unknown>;
    if (typeof status !== 'string') return undefined;
    results.push({ ...(typeof correlationId === 'string' ? { correlationId } : {}), status });
  }
  return { reportCount, results };
}

function describeResults(results: readonly EventIngestResult[]): string {
  return results
    .map((r) => `${r.status}${r.correlationId === undefined ? '' : ` (${r.correlationId})`}`)
    .join(', ');
}

/** Redacted before it is cut short: a token cut in half would no longer be recognised. */
function preview(data: unknown, redactor: Redactor): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return redactor.clip((text ?? '').replace(/\s+/g, ' '), 200);
}
