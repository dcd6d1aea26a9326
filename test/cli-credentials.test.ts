// Credentials that enter other than through the token variables (issue 8, DESIGN.md section 9),
// through the real CLI: user:password in PROMETHEUS_URL never silently replaces PROMETHEUS_TOKEN,
// alone it is sent as a Basic header, and a proxy refusing its own credentials (407) is named as
// the culprit, not the API's token. No password reaches any output.
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const PROM_TOKEN = 'prom-token-CREDENTIALS-0123456789';
const URL_PASSWORD = 'url:pa ss@Secret-42';
const PROXY_PASSWORD = 'proxy-Secret-77';
const ANSWER = JSON.stringify({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: {}, value: [1, '0.5'] }] },
});

interface Seen {
  url: string;
  authorization?: string;
  proxyAuthorization?: string;
}

let server: http.Server;
let host = '';
let seen: Seen[] = [];
let dir = '';

/** Answers instant queries; asked as a proxy (absolute URI), refuses with 407 as a company proxy does. */
beforeEach(async () => {
  seen = [];
  server = http.createServer((req, res) => {
    const url = req.url ?? '';
    seen.push({
      url,
      ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }),
      ...(req.headers['proxy-authorization'] === undefined
        ? {}
        : { proxyAuthorization: req.headers['proxy-authorization'] }),
    });
    if (url.startsWith('http://')) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="egress"', 'content-type': 'text/plain' });
      res.end(`407 Proxy Authentication Required; you sent ${req.headers['proxy-authorization'] ?? ''}`);
      return;
    }
    if (!url.startsWith('/api/v1/query?')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(ANSWER);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-credentials-'));
  writeFileSync(
    path.join(dir, 'slo.yaml'),
    'objectives:\n  - sli: error_ratio\n    pass: [{criteria: ["<1"]}]\ntotal_score: {pass: "90%"}\n',
  );
  writeFileSync(path.join(dir, 'prometheus.yaml'), 'indicators:\n  error_ratio: "sum(rate(errors[5m]))"\n');
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

const userInfo = `ci-reader:${encodeURIComponent(URL_PASSWORD)}`;
const gate = (env: Record<string, string>) =>
  runCli(
    [
      ...['evaluate', '--slo', 'slo.yaml', '--sli', 'prometheus=prometheus.yaml', '--timeframe', '5m'],
      ...['--history', 'file:history.jsonl'],
    ],
    { cwd: dir, env },
  );

describe('credentials in an endpoint URL', () => {
  it('refuses user:password in PROMETHEUS_URL together with PROMETHEUS_TOKEN: neither silently wins (exit 2)', async () => {
    const run = await gate({ PROMETHEUS_URL: `http://${userInfo}@${host}`, PROMETHEUS_TOKEN: PROM_TOKEN });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      'Prometheus credentials are given twice: in PROMETHEUS_URL (user:password@) and in PROMETHEUS_TOKEN',
    );
    expect(run.stderr).toMatch(/hint: remove user:password@ from PROMETHEUS_URL, or unset PROMETHEUS_TOKEN/);
    expect(seen).toEqual([]);
    const output = `${run.stdout}${run.stderr}`;
    for (const secret of [URL_PASSWORD, encodeURIComponent(URL_PASSWORD), PROM_TOKEN])
      expect(output).not.toContain(secret);
  });

  it('sends user:password from PROMETHEUS_URL alone as a Basic header, never in the URL', async () => {
    const run = await gate({ PROMETHEUS_URL: `http://${userInfo}@${host}` });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(seen).toHaveLength(1);
    const basic = Buffer.from(`ci-reader:${URL_PASSWORD}`).toString('base64');
    expect(seen[0]?.authorization).toBe(`Basic ${basic}`);
    expect(`${run.stdout}${run.stderr}`).not.toContain(URL_PASSWORD);
  });
});

describe('a proxy that refuses its credentials', () => {
  it('blames the proxy and its env var, not the Prometheus token, and never shows the password (exit 2)', async () => {
    const proxyUrl = `http://egress:${PROXY_PASSWORD}@${host}`;
    const run = await gate({
      PROMETHEUS_URL: 'http://prometheus.internal.example:9090',
      PROMETHEUS_TOKEN: PROM_TOKEN,
      HTTP_PROXY: proxyUrl,
    });
    expect(run.exitCode, run.stderr).toBe(2);
    // The proxy really got (and echoed) its credentials.
    expect(seen[0]?.proxyAuthorization).toBe(
      `Basic ${Buffer.from(`egress:${PROXY_PASSWORD}`).toString('base64')}`,
    );
    expect(run.stderr).toContain(
      `the proxy ${host} (from HTTP_PROXY) refused the proxy credentials (HTTP 407)`,
    );
    expect(run.stderr).toMatch(/hint: check the user:password in HTTP_PROXY, or list the host in NO_PROXY/);
    expect(run.stderr).not.toMatch(/Prometheus refused the credentials/);
    const output = `${run.stdout}${run.stderr}`;
    for (const secret of [
      PROXY_PASSWORD,
      Buffer.from(`egress:${PROXY_PASSWORD}`).toString('base64'),
      PROM_TOKEN,
    ])
      expect(output).not.toContain(secret);
  });
});
