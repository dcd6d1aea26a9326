/**
 * A real HTTP(S) server on 127.0.0.1 for the HTTP layer's tests, recording each request, and a
 * self-signed certificate made with the system's openssl (STYLE.md: no test touches the internet).
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the server saw of one request. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** Answers the n-th request (0-based). */
export type TestHandler = (req: http.IncomingMessage, res: http.ServerResponse, index: number) => void;

/** A running server; close() also drops open sockets. */
export interface TestServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A key and certificate for 127.0.0.1, and the certificate's file. */
export interface TestCertificate {
  key: string;
  cert: string;
  certPath: string;
}

/** Starts a server on 127.0.0.1:0; HTTPS when a certificate is given. */
export async function startTestServer(
  handler: TestHandler,
  certificate?: TestCertificate,
): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const listener: http.RequestListener = (req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res, requests.length - 1);
  };
  const server =
    certificate === undefined
      ? http.createServer(listener)
      : https.createServer({ key: certificate.key, cert: certificate.cert }, listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const scheme = certificate === undefined ? 'http' : 'https';
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Whether an openssl binary is on PATH. */
export function hasOpenssl(): boolean {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

/** Generates a self-signed certificate for IP 127.0.0.1 in a fresh temporary directory. */
export function generateSelfSignedCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'ci-connect-tls-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ]),
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
}
