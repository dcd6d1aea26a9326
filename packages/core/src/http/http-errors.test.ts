import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ExternalSystemError } from '../errors.js';
import { extractServerMessage, toHttpError } from './http-errors.js';
import { createRedactor } from '../redaction/redaction.js';
import {
  createHarness,
  expectFailure,
  expectNoToken,
  TOKEN,
  tokenRequest,
} from './test-support/client-harness.js';
import { generateSelfSignedCertificate, hasOpenssl, startTestServer } from './test-support/test-server.js';
import type { TestCertificate, TestServer } from './test-support/test-server.js';

const DYNATRACE_401 = { error: { code: 401, message: `Token 'Api-Token ${TOKEN}' is not valid` } };
const DYNATRACE_403 = { error: { code: 403, message: 'Token is missing required scope metrics.read' } };
const PROMETHEUS_400 = {
  status: 'error',
  errorType: 'bad_data',
  error: 'parse error at char 4: unexpected "}"',
};

describe('status errors', () => {
  let server: TestServer;
  const bodies: Record<string, { status: number; type: string; body: string }> = {
    '/400': { status: 400, type: 'application/json', body: JSON.stringify(PROMETHEUS_400) },
    '/401': { status: 401, type: 'application/json', body: JSON.stringify(DYNATRACE_401) },
    '/403': { status: 403, type: 'application/json', body: JSON.stringify(DYNATRACE_403) },
    '/404': { status: 404, type: 'text/plain', body: `404 page not found for ?api-token=${TOKEN}` },
    '/502': {
      status: 502,
      type: 'text/html',
      body: '<html><head><style>p{}</style></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>',
    },
    '/ok-malformed': { status: 200, type: 'application/json', body: '{"status":"success",' },
    '/ok-html': { status: 200, type: 'text/html', body: '<html>maintenance</html>' },
  };
  beforeAll(async () => {
    server = await startTestServer((req, res) => {
      const answer = bodies[(req.url ?? '').split('?')[0] ?? ''];
      if (answer === undefined) throw new Error(`unknown route ${req.url}`);
      res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
    });
  });
  afterAll(() => server.close());

  it.each([
    [400, 'parse error at char 4: unexpected "}"', 'check the query in the SLI file'],
    [401, "Token '***' is not valid", 'set DT_API_TOKEN to a valid token'],
    [403, 'Token is missing required scope metrics.read', 'the token lacks the scope metrics.read'],
    [404, '404 page not found for ?api-token=***', 'check --prometheus-url'],
  ])('HTTP %i becomes a ConfigError with the server message and the hint', async (status, said, hint) => {
    const harness = createHarness();
    const request = tokenRequest(`${server.url}/${status}`, { hints: { [status]: hint } });
    const error = await expectFailure(harness, request);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ exitCode: 2, hint });
    expect(error.message).toBe(`GET ${server.url}/${status} was refused with HTTP ${status}: ${said}`);
    expect(server.requests.at(-1)?.url).toContain(TOKEN);
    expectNoToken(error, harness);
  });

  it('gives a default hint when the caller has none', async () => {
    const error = await expectFailure(createHarness(), tokenRequest(`${server.url}/401`));
    expect(error).toMatchObject({ hint: 'the token is missing, invalid or expired' });
  });

  it('turns an HTML error page into its text', async () => {
    const harness = createHarness({ retries: 0 });
    const error = await expectFailure(harness, tokenRequest(`${server.url}/502`));
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.message).toMatch(/answered HTTP 502: 502 Bad Gateway nginx$/);
    expectNoToken(error, harness);
  });

  it.each([
    ['/ok-malformed', '{"status":"success",'],
    ['/ok-html', '<html>maintenance</html>'],
  ])('returns a 200 body that is not valid JSON (%s) as text', async (path, text) => {
    const response = await createHarness().client.request(tokenRequest(`${server.url}${path}`));
    expect(response.data).toBe(text);
  });
});

describe('TLS', () => {
  const opensslMissing = !hasOpenssl();
  let certificate: TestCertificate;
  let server: TestServer;
  beforeAll(async () => {
    if (opensslMissing) return;
    certificate = generateSelfSignedCertificate();
    server = await startTestServer((_req, res) => res.writeHead(200).end('{"ok":true}'), certificate);
  });
  afterAll(() => server?.close());

  it.skipIf(opensslMissing)('refuses a self-signed certificate without its CA (needs openssl)', async () => {
    const harness = createHarness();
    const error = await expectFailure(harness, tokenRequest(server.url));
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.message).toMatch(
      /the TLS certificate of 127\.0\.0\.1:\d+ could not be verified \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
    );
    expect((error as ExternalSystemError).hint).toContain('--ca-file');
    expect(harness.waits).toEqual([]);
    expectNoToken(error, harness);
  });

  it.skipIf(opensslMissing)('trusts the certificate given as caFile (needs openssl)', async () => {
    const harness = createHarness({ caFile: certificate.certPath });
    const response = await harness.client.request(tokenRequest(server.url));
    expect(response.data).toEqual({ ok: true });
  });
});

describe('toHttpError', () => {
  it('never keeps the raw error, whose config carries the Authorization header', () => {
    const raw = Object.assign(new Error('socket hang up'), {
      code: 'ECONNRESET',
      config: { headers: { Authorization: `Bearer ${TOKEN}` }, url: `https://x.example/?token=${TOKEN}` },
    });
    const redactor = createRedactor([TOKEN]);
    const error = toHttpError(raw, { method: 'GET', url: `https://x.example/api?token=${TOKEN}`, redactor });
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.cause).not.toBe(raw);
    expect(error.cause).toMatchObject({ message: 'ECONNRESET: socket hang up' });
    expectNoToken(error, createHarness());
  });

  it('the leak check itself notices a token in a cause', () => {
    const leaky = new Error('failed', { cause: { headers: { Authorization: TOKEN } } });
    expect(() => expectNoToken(leaky, createHarness())).toThrow();
  });
});

describe('extractServerMessage', () => {
  it.each([
    [JSON.stringify(DYNATRACE_403), undefined, 'Token is missing required scope metrics.read'],
    [JSON.stringify(PROMETHEUS_400), undefined, 'parse error at char 4: unexpected "}"'],
    ['{"message":"401 Unauthorized"}', 'application/json', '401 Unauthorized'],
    ['  not\n json  ', 'text/plain', 'not json'],
    ['', undefined, ''],
    ['x'.repeat(400), undefined, `${'x'.repeat(300)}…`],
  ])('%#: finds the message', (body, type, expected) => {
    expect(extractServerMessage(body, type, createRedactor())).toBe(expected);
  });
});
