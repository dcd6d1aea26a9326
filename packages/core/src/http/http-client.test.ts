import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, ExternalSystemError } from '../errors.js';
import {
  createHarness,
  expectFailure,
  expectNoToken,
  TOKEN,
  tokenRequest,
} from './test-support/client-harness.js';
import { startTestServer } from './test-support/test-server.js';
import type { TestHandler, TestServer } from './test-support/test-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: TestHandler): Promise<TestServer> {
  const server = await startTestServer(handler);
  servers.push(server);
  return server;
}

function json(res: Parameters<TestHandler>[1], status: number, body: unknown, headers = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

describe('createHttpClient', () => {
  it('returns parsed JSON, sends the token, query and user agent, and logs no token', async () => {
    const server = await serve((_req, res) => json(res, 200, { status: 'success' }));
    const harness = createHarness();
    const response = await harness.client.request(
      tokenRequest(`${server.url}/api`, { query: { q: 'up', n: 2 } }),
    );
    expect(response).toMatchObject({ status: 200, data: { status: 'success' } });
    expect(response.headers['content-type']).toBe('application/json');
    expect(server.requests[0]?.url).toBe(`/api?api-token=${TOKEN}&q=up&n=2`);
    expect(server.requests[0]?.headers).toMatchObject({
      authorization: `Api-Token ${TOKEN}`,
      'user-agent': 'ci-connect-test',
    });
    expectNoToken(undefined, harness);
  });

  it('times out a server that never answers, retrying an idempotent call', async () => {
    const server = await serve(() => undefined);
    const harness = createHarness({ timeoutMs: 150, retries: 1 });
    const error = await expectFailure(harness, tokenRequest(server.url));
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.message).toMatch(/127\.0\.0\.1:\d+ did not answer in time \(timeout\) \(after 2 attempts\)/);
    expect(server.requests).toHaveLength(2);
    expectNoToken(error, harness);
  });

  it('does not retry a timed-out POST', async () => {
    const server = await serve(() => undefined);
    const harness = createHarness({ timeoutMs: 150 });
    const error = await expectFailure(harness, tokenRequest(server.url, { method: 'POST', body: { a: 1 } }));
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(server.requests).toHaveLength(1);
    expectNoToken(error, harness);
  });

  it('waits as Retry-After says on 429, then succeeds', async () => {
    const server = await serve((_req, res, i) =>
      i === 0 ? json(res, 429, { error: 'slow down' }, { 'retry-after': '7' }) : json(res, 200, [1]),
    );
    const harness = createHarness();
    const response = await harness.client.request(tokenRequest(server.url));
    expect(response.data).toEqual([1]);
    expect(harness.waits).toEqual([7000]);
    expect(harness.logger.lines).toContainEqual({
      level: 'warn',
      message: expect.stringContaining('HTTP 429'),
    });
    expectNoToken(undefined, harness);
  });

  it('caps a server-requested wait at maxDelayMs', async () => {
    const server = await serve((_req, res, i) =>
      i === 0 ? json(res, 503, {}, { 'retry-after': '3600' }) : json(res, 200, {}),
    );
    const harness = createHarness({ maxDelayMs: 5_000 });
    await harness.client.request(tokenRequest(server.url));
    expect(harness.waits).toEqual([5000]);
  });

  it('gives up on 503 after the retries with ExternalSystemError and jittered backoff', async () => {
    const server = await serve((_req, res) => res.writeHead(503).end('Service Unavailable'));
    const harness = createHarness({ retries: 3, baseDelayMs: 100 });
    const error = await expectFailure(harness, tokenRequest(server.url));
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error).toMatchObject({ exitCode: 3 });
    expect(error.message).toContain('answered HTTP 503 after 4 attempts: Service Unavailable');
    expect(server.requests).toHaveLength(4);
    expect(harness.waits).toEqual([50, 100, 200]);
    expectNoToken(error, harness);
  });

  it.each([
    ['a POST is not retried', undefined, 1],
    ['a POST marked idempotent is', true, 3],
  ])('on 503, %s', async (_name, idempotent, expected) => {
    const server = await serve((_req, res) => res.writeHead(503).end());
    const harness = createHarness();
    const error = await expectFailure(
      harness,
      tokenRequest(server.url, { method: 'POST', body: {}, idempotent }),
    );
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(server.requests).toHaveLength(expected);
    expectNoToken(error, harness);
  });

  it('retries a GET answered with a passing 500', async () => {
    const server = await serve((_req, res, i) =>
      i === 0 ? json(res, 500, { status: 'error', error: 'overloaded' }) : json(res, 200, { ok: true }),
    );
    const harness = createHarness();
    const response = await harness.client.request(tokenRequest(server.url));
    expect(response.data).toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
  });

  it('gives up on a 500 that persists, with the server message (exit 3)', async () => {
    const server = await serve((_req, res) => json(res, 500, { status: 'error', error: 'boom' }));
    const harness = createHarness();
    const error = await expectFailure(harness, tokenRequest(server.url));
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.message).toContain('answered HTTP 500 after 3 attempts: boom');
    expect(server.requests).toHaveLength(3);
    expectNoToken(error, harness);
  });

  it('does not retry 501 Not Implemented: the request can never work', async () => {
    const server = await serve((_req, res) => json(res, 501, { status: 'error', error: 'no such verb' }));
    const harness = createHarness();
    await expectFailure(harness, tokenRequest(server.url));
    expect(server.requests).toHaveLength(1);
  });

  it('retries a GET whose connection was reset', async () => {
    const server = await serve((req, res, i) =>
      i === 0 ? req.socket.destroy() : json(res, 200, { ok: true }),
    );
    const harness = createHarness();
    const response = await harness.client.request(tokenRequest(server.url));
    expect(response.data).toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
    expectNoToken(undefined, harness);
  });

  it('reports a connection reset every time as ExternalSystemError', async () => {
    const server = await serve((req) => req.socket.destroy());
    const harness = createHarness();
    const error = await expectFailure(harness, tokenRequest(server.url));
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.message).toMatch(/closed the connection unexpectedly \(ECONNRESET\) \(after 3 attempts\)/);
    expectNoToken(error, harness);
  });

  it('reports a DNS failure without retrying', async () => {
    const harness = createHarness();
    const error = await expectFailure(harness, tokenRequest('http://nonexistent.invalid/api/v2/metrics'));
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.message).toMatch(
      /the host name nonexistent\.invalid could not be resolved \(DNS lookup failed/,
    );
    expect(harness.waits).toEqual([]);
    expectNoToken(error, harness);
  });

  it('reports a refused connection', async () => {
    const closed = await startTestServer(() => undefined);
    await closed.close();
    const harness = createHarness({ retries: 1 });
    const error = await expectFailure(harness, tokenRequest(closed.url));
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.message).toContain('refused the connection (ECONNREFUSED)');
    expect((error as ExternalSystemError).hint).toContain('port');
    expectNoToken(error, harness);
  });

  it('returns an accepted non-2xx status instead of throwing', async () => {
    const server = await serve((_req, res) => json(res, 404, { message: 'no such project' }));
    const response = await createHarness().client.request(
      tokenRequest(server.url, { acceptStatuses: [404] }),
    );
    expect(response).toMatchObject({ status: 404, data: { message: 'no such project' } });
  });

  it('refuses an invalid URL and an unreadable CA file with ConfigError', async () => {
    const harness = createHarness();
    const error = await expectFailure(harness, { method: 'GET', url: `not a url ${TOKEN}`, headers: {} });
    expect(error).toBeInstanceOf(ConfigError);
    expect(() => createHarness({ caFile: '/nonexistent/ca.pem' })).toThrow(
      '--ca-file /nonexistent/ca.pem does not exist',
    );
  });
});

describe('user:password in a request URL', () => {
  it('is sent as an explicit Basic header (decoded), and never as the URL', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const harness = createHarness();
    const host = server.url.replace('http://', '');
    await harness.client.request({ method: 'GET', url: `http://me%40corp:p%40ss@${host}/api` });
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('me@corp:p@ss').toString('base64')}`,
    );
    expect(server.requests[0]?.url).toBe('/api');
  });

  it('is refused (ConfigError) when the request carries credentials of its own: neither silently wins', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const harness = createHarness();
    const host = server.url.replace('http://', '');
    const error = await expectFailure(harness, {
      method: 'GET',
      url: `http://me:${TOKEN}@${host}/api`,
      headers: { Authorization: 'Bearer other-token' },
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `the URL ${server.url} has user:password in it, and the request carries credentials too`,
    );
    expect(server.requests).toEqual([]);
    expectNoToken(error, harness);
  });
});
