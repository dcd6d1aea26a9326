/**
 * The `http(s)://` CloudEvents sink: one POST per event in structured mode (the whole event as
 * the body, `Content-Type: application/cloudevents+json`), through the project's HTTP client
 * (timeouts, TLS with --ca-file, proxies, redaction).
 * https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md
 *
 * Re-sending: only when the receiver said it did not take the event (429, 503), and then at most
 * MAX_ATTEMPTS times with a short capped backoff. A timeout or a dropped connection may come after
 * the receiver stored the event, so it is reported and not re-sent: a blind retry could deliver it
 * twice. Receivers can still drop duplicates by the event's id (CloudEvents: source + id identify
 * an event), which makes re-sending such an event by hand safe.
 */

import type { Logger } from '../../environment.js';
import { CiConnectError, errorCode } from '../../errors.js';
import type { HttpClient } from '../../http/http-client.js';
import { describeTarget } from '../../http/http-errors.js';
import { isTlsErrorCode } from '../../http/network-errors.js';
import type { Redactor } from '../../redaction/redaction.js';
import { computeRetryWait } from '../../http/retry-policy.js';
import { describeEvent } from './sink.js';
import type { CloudEventSink, SinkDelivery } from './sink.js';
import type { KeptnCloudEvent } from './types.js';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

const MAX_ATTEMPTS = 3;
/** Statuses that say the event was not taken and may be sent again. */
const NOT_TAKEN_STATUSES: readonly number[] = [429, 503];
/** Failures where the request surely never reached the receiver. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
/** Events are a side line of the stage run: never wait long for a busy receiver. */
const BACKOFF = { baseDelayMs: 500, maxDelayMs: 5_000 };

export interface HttpCloudEventSinkOptions {
  url: string;
  /** A bearer token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** The env var the token came from, for hints. */
  tokenEnv?: string;
  http: HttpClient;
  redactor: Redactor;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** POSTs each event to an HTTP endpoint. */
export class HttpCloudEventSink implements CloudEventSink {
  readonly target: string;

  constructor(private readonly options: HttpCloudEventSinkOptions) {
    options.redactor.add(options.token);
    this.target = describeTarget(options.url, options.redactor);
  }

  async send(event: KeptnCloudEvent): Promise<SinkDelivery> {
    const body = JSON.stringify(event);
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let headers: Record<string, string>;
      try {
        ({ status, headers } = await this.post(body));
      } catch (error) {
        return this.failed(event, error);
      }
      if (!NOT_TAKEN_STATUSES.includes(status)) return { delivered: true };
      if (attempt >= MAX_ATTEMPTS) {
        const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
        return this.warn(`${this.target} did not take it: HTTP ${status}${tries}`, event, false);
      }
      await this.wait(attempt, headers);
    }
  }

  private post(body: string): ReturnType<HttpClient['request']> {
    const { token, tokenEnv } = this.options;
    const tokenHint = `check the token in ${tokenEnv ?? 'the env var named by events.cloudevents.tokenEnv'}`;
    return this.options.http.request({
      method: 'POST',
      url: this.options.url,
      idempotent: false,
      headers: {
        'Content-Type': CLOUDEVENTS_CONTENT_TYPE,
        ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      },
      body,
      acceptStatuses: NOT_TAKEN_STATUSES,
      hints: {
        401: token === undefined ? 'the receiver wants a token: set events.cloudevents.tokenEnv' : tokenHint,
        403: tokenHint,
      },
    });
  }

  private async wait(attempt: number, headers: Record<string, string>): Promise<void> {
    const { sleep, random, now } = this.options;
    const ms = computeRetryWait(attempt - 1, headers, {
      ...BACKOFF,
      random: random ?? Math.random,
      nowMs: (now ?? Date.now)(),
    });
    await (sleep ?? ((delay: number) => new Promise((resolve) => setTimeout(resolve, delay))))(ms);
  }

  private failed(event: KeptnCloudEvent, error: unknown): SinkDelivery {
    const message = error instanceof Error ? error.message : String(error);
    if (!mayHaveArrived(error)) {
      const hint = error instanceof CiConnectError && error.hint !== undefined ? ` (${error.hint})` : '';
      return this.warn(`${message}${hint}`, event, false);
    }
    return this.warn(
      `${message}; it may have arrived, and was not re-sent because a retry could deliver it twice ` +
        '(receivers can drop duplicates by the event id; events.cloudevents.timeoutSeconds sets the timeout)',
      event,
      true,
    );
  }

  private warn(why: string, event: KeptnCloudEvent, mayHaveArrived: boolean): SinkDelivery {
    const what = mayHaveArrived ? 'may not have been delivered' : 'was not delivered';
    const warning = this.options.redactor.redact(`the CloudEvent ${describeEvent(event)} ${what}: ${why}`);
    this.options.logger.warn(warning);
    return { delivered: false, warning, mayHaveArrived };
  }
}

/**
 * False when the receiver answered with an error status (the HTTP client's status errors carry no
 * network code) or the request never left; true for timeouts, resets and anything unknown.
 */
function mayHaveArrived(error: unknown): boolean {
  if (!(error instanceof CiConnectError)) return true;
  const code = errorCode(error.cause);
  if (code === undefined) return error.cause !== undefined;
  return !(NOT_SENT_CODES.has(code) || isTlsErrorCode(code));
}
