import type http from 'node:http';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../environment.js';
import { ConfigError } from '../../errors.js';
import { createRedactor } from '../../redaction/redaction.js';
import { startTestServer } from '../../http/test-support/test-server.js';
import type { TestServer } from '../../http/test-support/test-server.js';
import { taskFinished } from './build-events.js';
import { createCloudEventRun } from './cloudevent-run.js';
import { openCloudEventSink } from './open-sink.js';
import type { CloudEventSink, SinkDelivery } from './sink.js';
import type { KeptnCloudEvent } from './types.js';

const TOKEN = 'ce-SECRET-7f3a9b';
const env = { SINK_TOKEN: TOKEN };

let server: TestServer | undefined;
const bodies: string[] = [];
const logger = createMemoryLogger();
const sleeps: number[] = [];

afterEach(async () => {
  await server?.close();
  server = undefined;
  bodies.length = 0;
  logger.lines.length = 0;
  sleeps.length = 0;
});

type Answer = (res: http.ServerResponse, index: number) => void;

/** A receiver that records each body and answers the n-th request with `answers[n]` (or the last). */
async function startReceiver(...answers: Answer[]): Promise<string> {
  server = await startTestServer((req, res, index) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      bodies.push(body);
      (answers[index] ?? answers.at(-1))?.(res, index);
    });
  });
  return `${server.url}/events?topic=keptn`;
}

function status(code: number, body = '', headers: Record<string, string> = {}): Answer {
  return (res) => {
    res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
    res.end(body);
  };
}

function open(url: string, settings: { tokenEnv?: string; timeoutSeconds?: number } = {}): CloudEventSink {
  return openCloudEventSink(
    { sink: url, tokenEnv: 'SINK_TOKEN', ...settings },
    {
      env,
      logger,
      redactor: createRedactor(),
      baseDir: '/',
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    },
  );
}

function event(): KeptnCloudEvent {
  const run = createCloudEventRun({
    env: {},
    clock: { now: () => new Date('2025-03-01T12:05:01.000Z') },
    newId: () => 'ev-1',
    keptnContext: 'ctx-1',
  });
  const subject = { project: 'shop', stage: 'dev', service: 'carts', sequence: 'delivery', labels: {} };
  return taskFinished(run, subject, {
    task: 'test',
    triggeredId: 'tr-1',
    status: 'succeeded',
    result: 'pass',
    message: 'ok',
    details: { kind: 'test', start: '2025-03-01T12:00:00.000Z', end: '2025-03-01T12:05:00.000Z' },
  });
}

/** The token appears in no warning, log line or returned value. */
function expectNoToken(delivery: SinkDelivery): void {
  const texts = [inspect(delivery, { depth: 10 }), ...logger.lines.map((line) => line.message)];
  for (const text of texts) expect(text).not.toContain(TOKEN);
}

function warnings(): string[] {
  return logger.lines.filter((line) => line.level === 'warn').map((line) => line.message);
}

describe('the http(s) CloudEvents sink', () => {
  it('POSTs the event in structured mode with the bearer token', async () => {
    const url = await startReceiver(status(202));
    const sink = open(url);
    expect(await sink.send(event())).toEqual({ delivered: true });
    expect(server?.requests).toHaveLength(1);
    const [request] = server?.requests ?? [];
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/events?topic=keptn');
    expect(request?.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(bodies[0] ?? '')).toStrictEqual(event());
    expect(sink.target).toBe(`${server?.url}/events`);
    expect(warnings()).toEqual([]);
  });

  it('sends no Authorization header without tokenEnv', async () => {
    const url = await startReceiver(status(200));
    const sink = openCloudEventSink(
      { sink: url },
      { env: {}, logger, redactor: createRedactor(), baseDir: '/' },
    );
    expect(await sink.send(event())).toEqual({ delivered: true });
    expect(server?.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('turns a 500 into a warning, sends once, and keeps the echoed token out', async () => {
    const url = await startReceiver(status(500, JSON.stringify({ message: `cannot store: token ${TOKEN}` })));
    const delivery = await open(url).send(event());
    expect(delivery).toEqual({
      delivered: false,
      mayHaveArrived: false,
      warning: expect.stringMatching(
        /^the CloudEvent sh\.keptn\.event\.test\.finished \(id ev-1\) was not delivered: POST http:\/\/127\.0\.0\.1:\d+\/events answered HTTP 500: cannot store: token \*\*\*/,
      ),
    });
    expect(server?.requests).toHaveLength(1);
    expect(warnings()).toEqual([delivery.delivered ? '' : delivery.warning]);
    expectNoToken(delivery);
  });

  it('says a timed-out POST may have arrived, and does not re-send it', async () => {
    // Never answers: the sink's 0.3 s timeout ends the request.
    const url = await startReceiver(() => undefined);
    const delivery = await open(url, { timeoutSeconds: 0.3 }).send(event());
    expect(delivery).toEqual({
      delivered: false,
      mayHaveArrived: true,
      warning: expect.stringContaining('may not have been delivered'),
    });
    const warning = delivery.delivered ? '' : delivery.warning;
    expect(warning).toContain('did not answer in time');
    expect(warning).toContain(
      'it may have arrived, and was not re-sent because a retry could deliver it twice',
    );
    expect(server?.requests).toHaveLength(1);
    expectNoToken(delivery);
  });

  it('re-sends after 503 with Retry-After, which says the event was not taken', async () => {
    const url = await startReceiver(status(503, '', { 'Retry-After': '1' }), status(202));
    expect(await open(url).send(event())).toEqual({ delivered: true });
    expect(server?.requests).toHaveLength(2);
    expect(bodies[1]).toBe(bodies[0]);
    expect(sleeps).toEqual([1000]);
  });

  it('gives up after 3 answers of 429, with a warning', async () => {
    const url = await startReceiver(status(429));
    const delivery = await open(url).send(event());
    expect(delivery).toEqual({
      delivered: false,
      mayHaveArrived: false,
      warning: expect.stringMatching(
        /was not delivered: http:\/\/127\.0\.0\.1:\d+\/events did not take it: HTTP 429 after 3 attempts$/,
      ),
    });
    expect(server?.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('names the token env var when the receiver refuses the token', async () => {
    const url = await startReceiver(status(401, JSON.stringify({ message: 'invalid token' })));
    const delivery = await open(url).send(event());
    expect(delivery.delivered).toBe(false);
    expect(warnings()[0]).toMatch(/refused with HTTP 401: invalid token \(check the token in SINK_TOKEN\)$/);
    expectNoToken(delivery);
  });

  it('says a refused connection never delivered the event', async () => {
    const url = await startReceiver(status(202));
    await server?.close();
    const delivery = await open(url).send(event());
    expect(delivery).toEqual({
      delivered: false,
      mayHaveArrived: false,
      warning: expect.stringContaining('refused the connection (ECONNREFUSED)'),
    });
    expect(sleeps).toEqual([]);
  });
});

describe('openCloudEventSink', () => {
  const deps = { env: {}, logger, redactor: createRedactor(), baseDir: '/work/shop' };

  it('opens a relative file: sink against the base directory', () => {
    expect(openCloudEventSink({ sink: 'file:out/events.jsonl' }, deps).target).toBe(
      'file:/work/shop/out/events.jsonl',
    );
    expect(openCloudEventSink({ sink: 'file:///tmp/events.jsonl' }, deps).target).toBe(
      'file:/tmp/events.jsonl',
    );
  });

  it('refuses a token env var that is not set, naming it', () => {
    const opening = () =>
      openCloudEventSink({ sink: 'https://hooks.example.com', tokenEnv: 'SINK_TOKEN' }, deps);
    expect(opening).toThrow(ConfigError);
    expect(opening).toThrow('the CloudEvents sink needs a token in SINK_TOKEN, which is not set');
  });

  it.each(['ftp://example.com/events', 'events.jsonl', 'file:'])('refuses the sink %j', (sink) => {
    expect(() => openCloudEventSink({ sink }, deps)).toThrow(ConfigError);
  });
});
