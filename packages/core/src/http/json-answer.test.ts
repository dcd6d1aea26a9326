import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode, ExternalSystemError } from '../errors.js';
import { createRedactor } from '../redaction/redaction.js';
import { describeBody } from './json-answer.js';
import {
  createHarness,
  expectFailure,
  expectNoToken,
  TOKEN,
  tokenRequest,
} from './test-support/client-harness.js';
import { startTestServer } from './test-support/test-server.js';
import type { TestServer } from './test-support/test-server.js';

const LOGIN_PAGE = `<!DOCTYPE html>
<html><head><title>Sign in - Corporate SSO</title></head>
<body><form action="/login?token=${TOKEN}"><input name="user"></form></body></html>`;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server answering every request with `status`, `body` and, if given, `contentType`. */
async function answerWith(status: number, body: string, contentType?: string): Promise<TestServer> {
  server = await startTestServer((_req, res) => {
    res.writeHead(status, contentType === undefined ? {} : { 'content-type': contentType }).end(body);
  });
  return server;
}

describe("expect: 'json'", () => {
  it.each<[string, number, string, string | undefined, RegExp]>([
    [
      'an HTML login page',
      200,
      LOGIN_PAGE,
      'text/html; charset=utf-8',
      /answered HTTP 200 with an HTML page titled "Sign in - Corporate SSO" \(a login page or a proxy\?\) instead of JSON$/,
    ],
    [
      'an HTML page sent as JSON',
      200,
      '<html><body>Access denied</body></html>',
      'application/json',
      /answered HTTP 200 with an HTML page \(a login page or a proxy\?\) instead of JSON$/,
    ],
    [
      'JSON cut short',
      200,
      '{"status":"success","data":{"resultType":"vec',
      'application/json',
      /answered HTTP 200 with JSON that does not parse \(45 characters; cut short or malformed\) instead of JSON$/,
    ],
    [
      'plain text',
      203,
      'Welcome to the hotel Wi-Fi. Accept the terms to continue.',
      'text/plain',
      /answered HTTP 203 with text\/plain: "Welcome to the hotel Wi-Fi\. Accept the terms to continue\." instead of JSON$/,
    ],
    ['an empty body', 200, '', undefined, /answered HTTP 200 with an empty body instead of JSON$/],
  ])(
    '%s is an ExternalSystemError (exit 3) naming the URL, not retried',
    async (_name, status, body, type, message) => {
      const { url } = await answerWith(status, body, type);
      const harness = createHarness();
      const error = await expectFailure(harness, tokenRequest(`${url}/api/v1/query`, { expect: 'json' }));
      expect(error).toBeInstanceOf(ExternalSystemError);
      expect((error as ExternalSystemError).exitCode).toBe(ExitCode.unavailable);
      expect(error.message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query answered/);
      expect(error.message).toMatch(message);
      expect((error as ExternalSystemError).hint).toMatch(/check that the URL.*proxy or single sign-on/);
      expect(server?.requests).toHaveLength(1);
      expectNoToken(error, harness);
    },
  );

  it('takes JSON whatever the content type says', async () => {
    const { url } = await answerWith(200, ' {"status":"success"}\n', 'text/plain');
    const response = await createHarness().client.request(tokenRequest(url, { expect: 'json' }));
    expect(response.data).toEqual({ status: 'success' });
  });

  it('leaves the body of an accepted non-2xx status to the caller', async () => {
    const { url } = await answerWith(404, LOGIN_PAGE, 'text/html');
    const response = await createHarness().client.request(
      tokenRequest(url, { expect: 'json', acceptStatuses: [404] }),
    );
    expect(response).toMatchObject({ status: 404, data: LOGIN_PAGE });
  });

  it('is off by default: a non-JSON body comes back as text', async () => {
    const { url } = await answerWith(200, LOGIN_PAGE, 'text/html');
    const response = await createHarness().client.request(tokenRequest(url));
    expect(response.data).toBe(LOGIN_PAGE);
  });
});

describe('describeBody', () => {
  it('redacts a secret before the preview is cut short', () => {
    const redactor = createRedactor();
    redactor.add(TOKEN);
    const text = `${'x'.repeat(95)} ${TOKEN} and more`;
    const described = describeBody(text, 'text/plain', redactor);
    expect(described).not.toContain(TOKEN.slice(0, 4));
    expect(described).toMatch(/^text\/plain: "x{95} \*\*\*/);
  });
});
