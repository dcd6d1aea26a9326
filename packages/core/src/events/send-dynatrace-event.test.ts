import { describe, expect, it } from 'vitest';
import { createMemoryLogger, silentLogger } from '../environment.js';
import { ConfigError, ExternalSystemError } from '../errors.js';
import { createHttpClient } from '../http/http-client.js';
import type { HttpClient, HttpRequest } from '../http/http-client.js';
import { createRedactor } from '../redaction/redaction.js';
import { startTestServer } from '../http/test-support/test-server.js';
import type { DynatraceEvent } from './dynatrace-event.js';
import { checkIngestReply, sendDynatraceEvent } from './send-dynatrace-event.js';

const TOKEN = 'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.SECRETSECRETSECRET';
const event: DynatraceEvent = {
  eventType: 'CUSTOM_INFO',
  title: 'Info for carts in hardening',
  entitySelector: 'type(SERVICE),tag(service:carts)',
  properties: { service: 'carts' },
};
const env = { DT_URL: 'https://abc12345.live.dynatrace.com/', DT_API_TOKEN: TOKEN };

/** A client that records each request and answers with `reply` (or throws it). */
function fakeHttp(reply: unknown): HttpClient & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    request: (request) => {
      requests.push(request);
      if (reply instanceof Error) return Promise.reject(reply);
      return Promise.resolve({ status: 201, headers: {}, data: reply });
    },
  };
}

describe('sendDynatraceEvent', () => {
  it('POSTs the event once, not idempotent, with the token header', async () => {
    const http = fakeHttp({ reportCount: 1, eventIngestResults: [{ correlationId: 'c1', status: 'OK' }] });
    const outcome = await sendDynatraceEvent(event, {
      env,
      redactor: createRedactor(),
      logger: silentLogger,
      http,
    });
    expect(outcome).toEqual({ reportCount: 1, results: [{ correlationId: 'c1', status: 'OK' }] });
    expect(http.requests).toHaveLength(1);
    expect(http.requests[0]).toMatchObject({
      method: 'POST',
      url: 'https://abc12345.live.dynatrace.com/api/v2/events/ingest',
      idempotent: false,
      body: event,
      headers: { Authorization: `Api-Token ${TOKEN}` },
      expect: 'json',
    });
  });

  it('says a 201 login page is no proof of an event: unavailable, may or may not have been created', async () => {
    const server = await startTestServer((_req, res) =>
      res
        .writeHead(201, { 'content-type': 'text/html' })
        .end('<html><head><title>Proxy login</title></head><body></body></html>'),
    );
    try {
      const redactor = createRedactor();
      const http = createHttpClient({
        timeoutMs: 2_000,
        retries: 0,
        logger: silentLogger,
        redactor,
        userAgent: 't',
      });
      const sending = sendDynatraceEvent(event, {
        env: { DT_URL: server.url, DT_API_TOKEN: TOKEN },
        redactor,
        logger: silentLogger,
        http,
      });
      const error = (await sending.catch((e: unknown) => e)) as ExternalSystemError;
      expect(error).toBeInstanceOf(ExternalSystemError);
      expect(error.message).toMatch(
        /^POST http:\/\/127\.0\.0\.1:\d+\/api\/v2\/events\/ingest answered HTTP 201 with an HTML page titled "Proxy login" \(a login page or a proxy\?\) instead of JSON; the event may or may not have been created/,
      );
      expect(`${error.message} ${error.hint}`).not.toContain(TOKEN);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('uses ci-connect.yaml url and tokenEnv, and Bearer for platform tokens', async () => {
    const http = fakeHttp({ reportCount: 1, eventIngestResults: [{ status: 'OK' }] });
    await sendDynatraceEvent(event, {
      settings: { url: 'https://dt.example.com', tokenEnv: 'MY_DT_TOKEN' },
      env: { MY_DT_TOKEN: 'dt0s16.PLATFORM' },
      redactor: createRedactor(),
      logger: silentLogger,
      http,
    });
    expect(http.requests[0]?.url).toBe('https://dt.example.com/api/v2/events/ingest');
    expect(http.requests[0]?.headers?.['Authorization']).toBe('Bearer dt0s16.PLATFORM');
  });

  it.each([
    { name: 'both', env: {}, text: 'DT_URL and DT_API_TOKEN' },
    { name: 'the token', env: { DT_URL: 'https://x' }, text: 'needs DT_API_TOKEN' },
  ])('throws ConfigError without $name, sending nothing', async ({ env: given, text }) => {
    const http = fakeHttp({});
    const sending = sendDynatraceEvent(event, {
      env: given,
      redactor: createRedactor(),
      logger: silentLogger,
      http,
    });
    await expect(sending).rejects.toThrow(ConfigError);
    await expect(sending).rejects.toThrow(text);
    expect(http.requests).toHaveLength(0);
  });

  it.each([
    [
      'a classic token',
      TOKEN,
      'https://abc12345.live.dynatrace.com/api/v2/events/ingest',
      `Api-Token ${TOKEN}`,
    ],
    [
      'a platform token',
      'dt0s16.ABCDEFGHIJKLMNOPQRSTUVWX.PLATFORMSECRET',
      'https://abc12345.apps.dynatrace.com/platform/classic/environment-api/v2/events/ingest',
      'Bearer dt0s16.ABCDEFGHIJKLMNOPQRSTUVWX.PLATFORMSECRET',
    ],
  ])('sends with %s to the API that token works on', async (_name, token, url, authorization) => {
    const http = fakeHttp({ reportCount: 1, eventIngestResults: [{ status: 'OK' }] });
    await sendDynatraceEvent(event, {
      env: { DT_URL: 'https://abc12345.live.dynatrace.com', DT_API_TOKEN: token },
      redactor: createRedactor(),
      logger: silentLogger,
      http,
    });
    expect(http.requests[0]?.url).toBe(url);
    expect(http.requests[0]?.headers?.Authorization).toBe(authorization);
  });

  it('says a failed ingest may or may not have created the event, without the token', async () => {
    const failure = new ExternalSystemError(
      `POST https://x/api/v2/events/ingest: no answer (token ${TOKEN})`,
      {
        cause: Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }),
      },
    );
    const sending = sendDynatraceEvent(event, {
      env,
      redactor: createRedactor(),
      logger: silentLogger,
      http: fakeHttp(failure),
    });
    await expect(sending).rejects.toThrow(ExternalSystemError);
    const error = (await sending.catch((e: unknown) => e)) as ExternalSystemError;
    expect(error.message).toContain('may or may not have been created');
    expect(error.message).not.toContain(TOKEN);
  });

  it('does not claim an event may exist when the connection was refused', async () => {
    const failure = new ExternalSystemError('POST https://x: connection refused', {
      cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
    });
    const sending = sendDynatraceEvent(event, {
      env,
      redactor: createRedactor(),
      logger: silentLogger,
      http: fakeHttp(failure),
    });
    await expect(sending).rejects.toThrow('connection refused');
    await expect(sending).rejects.not.toThrow('may or may not');
  });
});

describe('checkIngestReply', () => {
  const deps = { redactor: createRedactor(), logger: silentLogger };
  const selector = 'type(SERVICE),tag(service:carts)';

  it('accepts one OK result', () => {
    const reply = {
      reportCount: 1,
      eventIngestResults: [{ correlationId: '29028bcb58ef4998', status: 'OK' }],
    };
    expect(checkIngestReply(reply, selector, deps).results).toEqual([
      { correlationId: '29028bcb58ef4998', status: 'OK' },
    ]);
  });

  it('warns about results that are not OK when another one is', () => {
    const logger = createMemoryLogger();
    const reply = {
      reportCount: 2,
      eventIngestResults: [
        { correlationId: 'a', status: 'OK' },
        { correlationId: 'b', status: 'INVALID_ENTITY_TYPE' },
      ],
    };
    checkIngestReply(reply, selector, { ...deps, logger });
    expect(logger.lines).toEqual([
      { level: 'warn', message: 'Dynatrace did not create every event: INVALID_ENTITY_TYPE (b)' },
    ]);
  });

  it.each([
    {
      name: 'zero reports',
      reply: { reportCount: 0, eventIngestResults: [] },
      text: `entity selector ${selector} matched no entity`,
    },
    {
      name: 'no OK result',
      reply: { reportCount: 1, eventIngestResults: [{ status: 'INVALID_METADATA' }] },
      text: 'INVALID_METADATA',
    },
  ])('throws ConfigError for $name', ({ reply, text }) => {
    expect(() => checkIngestReply(reply, selector, deps)).toThrow(ConfigError);
    expect(() => checkIngestReply(reply, selector, deps)).toThrow(text);
  });

  it('names the entity selector in the hint for zero reports', () => {
    const error = (() => {
      try {
        checkIngestReply({ reportCount: 0, eventIngestResults: [] }, selector, deps);
      } catch (e) {
        return e as ConfigError;
      }
      return undefined;
    })();
    expect(error?.hint).toContain('check the entity selector');
  });

  it.each([
    { reply: 'OK' },
    { reply: null },
    { reply: { reportCount: '1' } },
    { reply: { reportCount: 1, eventIngestResults: [{}] } },
  ])('throws ExternalSystemError for an unexpected body $reply', ({ reply }) => {
    expect(() => checkIngestReply(reply, selector, deps)).toThrow(ExternalSystemError);
  });

  it('redacts the body before cutting its preview short, so no piece of a token is left', () => {
    const redactor = createRedactor([TOKEN]);
    const reply = { note: `${'x'.repeat(180)}${TOKEN}` };
    expect(() => checkIngestReply(reply, selector, { redactor, logger: silentLogger })).toThrow(
      /unexpected body: \{"note":"x{180}\*\*\*/,
    );
    expect(() => checkIngestReply(reply, selector, { redactor, logger: silentLogger })).not.toThrow(/dt0c/);
  });
});
