/**
 * DESIGN.md section 9: text is redacted before it is ever cut short. A server that echoes a
 * credential back in its error is answered here with the cut (300 characters) at every position
 * from just before the credential to just after it, in every form it travels in (a bearer token,
 * the base64 of a Basic user:password, a password from URL user-info, a token query parameter),
 * in a JSON envelope, plain text and an HTML page. No run of 4 of its characters may survive in
 * the error's message, hint, or sanitized cause.
 */

import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../environment.js';
import { createHttpClient } from './http-client.js';
import { createRedactor } from '../redaction/redaction.js';
import { startTestServer } from './test-support/test-server.js';

const CUT = 300;
const TOKEN = 'q7z3k9w2m5x8c4v1b6n0j3h7g2f9d5s8';
const USER = 'reader';
const PASSWORD = 'u9y4t7r2e5w8q1p3o6i0';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');

type Envelope = 'json' | 'text' | 'html';

function bodyWith(echo: string, focus: string, offset: number, envelope: Envelope): [string, string] {
  // The server's message puts `offset` characters of the focused form before the cut.
  const at = echo.indexOf(focus);
  const message = `${'e'.repeat(CUT - at - offset)}${echo}`;
  if (envelope === 'json') return [JSON.stringify({ error: { code: 400, message } }), 'application/json'];
  if (envelope === 'html') return [`<html><body><p>${message}</p></body></html>`, 'text/html'];
  return [message, 'text/plain'];
}

function fragmentsOf(secret: string, size: number): string[] {
  return Array.from({ length: secret.length - size + 1 }, (_, i) => secret.slice(i, i + size));
}

const CASES = [
  { name: 'a bearer token', focus: TOKEN, secret: TOKEN, request: 'bearer' },
  { name: 'a Basic header from URL user-info', focus: BASIC, secret: BASIC, request: 'userinfo' },
  { name: 'the URL password, decoded', focus: PASSWORD, secret: PASSWORD, request: 'userinfo' },
  { name: 'a token query parameter', focus: TOKEN, secret: TOKEN, request: 'query' },
] as const;

describe('a credential the server echoes is masked before the message is cut', () => {
  it.each(CASES.flatMap((c) => (['json', 'text', 'html'] as const).map((envelope) => ({ ...c, envelope }))))(
    '$name, in a $envelope body, cut at every position',
    async ({ focus, secret, request, envelope }) => {
      const state = { offset: 0 };
      const server = await startTestServer((req, res) => {
        // The value without its scheme, as a server says "invalid token X": generic patterns
        // ("Bearer ...") cannot mask it, only what the client registered can.
        const credential = (req.headers.authorization ?? '').replace(/^\S+\s+/, '');
        const echo = `you sent ${credential} for ${decodeURIComponent(req.url ?? '')} ${'-'.repeat(60)} ok`;
        const [body, type] = bodyWith(echo, focus, state.offset, envelope);
        res.writeHead(400, { 'content-type': type });
        res.end(body);
      });
      const client = createHttpClient({
        timeoutMs: 2_000,
        retries: 0,
        logger: createMemoryLogger(),
        // Empty: the client must learn the credentials from the request itself.
        redactor: createRedactor(),
        userAgent: 'ci-connect-test',
      });
      const host = server.url.replace('http://', '');
      const url =
        request === 'userinfo'
          ? `http://${USER}:${PASSWORD}@${host}/api/v1/query`
          : `${server.url}/api/v1/query${request === 'query' ? `?api-token=${TOKEN}` : ''}`;
      const headers = request === 'bearer' ? { Authorization: `Bearer ${TOKEN}` } : undefined;
      const forbidden = fragmentsOf(secret, 4);
      // Masking shortens the text, so near the end of the credential nothing is left to cut.
      let cuts = 0;
      try {
        for (let offset = -2; offset <= focus.length + 2; offset++) {
          state.offset = offset;
          const error = await client.request({ method: 'GET', url, ...(headers ? { headers } : {}) }).then(
            () => undefined,
            (thrown: unknown) => thrown as Error & { hint?: string; cause?: Error },
          );
          expect(error, `offset ${offset}`).toBeInstanceOf(Error);
          const shown = [error?.message, error?.hint, error?.cause?.message, error?.cause?.stack].join('\n');
          const leaked = forbidden.filter((fragment) => shown.includes(fragment));
          expect(leaked, `offset ${offset}: ${shown}`).toEqual([]);
          if (error?.message.endsWith('…') === true) cuts++;
        }
        expect(cuts, 'messages cut short').toBeGreaterThan(focus.length);
      } finally {
        await server.close();
      }
    },
  );
});
