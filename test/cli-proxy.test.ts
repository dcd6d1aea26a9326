// Proxies as a company network has them (DESIGN.md section 9): HTTPS_PROXY / HTTP_PROXY /
// NO_PROXY are honoured. An HTTPS API is reached through a CONNECT tunnel, so the proxy sees
// only host:port and TLS (with --ca-file) is checked end to end; a plain-HTTP API is forwarded.
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { startForwardProxy, type ForwardProxy } from './support/forward-proxy.js';
import { describeWithReal, openssl } from './support/real-components.js';
import { makeSelfSignedCert } from './support/self-signed.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-proxy-'));
const PROM_TOKEN = 'prom-token-PROXYSECRET-0123456789';
const PROMETHEUS_ANSWER = JSON.stringify({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: {}, value: [1, '0.5'] }] },
});

let httpsApi: Server;
let httpApi: http.Server;
let httpsUrl = '';
let httpUrl = '';
let proxy: ForwardProxy;
const apiSaw: string[] = [];

describeWithReal(openssl, 'monitoring APIs through a proxy', () => {
  beforeAll(async () => {
    const { key, cert } = makeSelfSignedCert(dir);
    const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
      apiSaw.push(`${req.headers.host ?? ''} ${req.headers.authorization ?? ''}`);
      res.setHeader('content-type', 'application/json');
      res.end(PROMETHEUS_ANSWER);
    };
    httpsApi = createServer({ key, cert }, answer);
    httpApi = http.createServer(answer);
    await new Promise<void>((resolve) => httpsApi.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => httpApi.listen(0, '127.0.0.1', resolve));
    httpsUrl = `https://127.0.0.1:${(httpsApi.address() as AddressInfo).port}`;
    httpUrl = `http://127.0.0.1:${(httpApi.address() as AddressInfo).port}`;
    writeFileSync(
      path.join(dir, 'slo.yaml'),
      'objectives:\n  - sli: error_ratio\n    pass: [{criteria: ["<1"]}]\ntotal_score: {pass: "90%"}\n',
    );
    writeFileSync(path.join(dir, 'prometheus.yaml'), 'indicators:\n  error_ratio: "sum(rate(errors[5m]))"\n');
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => httpsApi.close(() => resolve()));
    await new Promise<void>((resolve) => httpApi.close(() => resolve()));
  });
  beforeEach(async () => {
    proxy = await startForwardProxy();
    apiSaw.length = 0;
  });
  afterEach(() => proxy.close());

  const evaluate = (history: string, env: Record<string, string>, extra: string[] = []) =>
    runCli(
      [
        ...['evaluate', '--slo', 'slo.yaml', '--sli', 'prometheus=prometheus.yaml', '--timeframe', '5m'],
        ...['--history', `file:${history}`, ...extra],
      ],
      { cwd: dir, env: { PROMETHEUS_TOKEN: PROM_TOKEN, ...env } },
    );

  it('tunnels HTTPS through HTTPS_PROXY with CONNECT, verifying the server with --ca-file', async () => {
    const run = await evaluate('tunnel.jsonl', { PROMETHEUS_URL: httpsUrl, HTTPS_PROXY: proxy.url }, [
      '--ca-file',
      'ca.pem',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(proxy.seen).toEqual([{ method: 'CONNECT', target: new URL(httpsUrl).host }]);
    // The token travelled inside the tunnel: the API got it, the proxy never could.
    expect(apiSaw).toEqual([`${new URL(httpsUrl).host} Bearer ${PROM_TOKEN}`]);
  });

  it('still refuses an untrusted certificate behind the proxy (exit 3)', async () => {
    const run = await evaluate('untrusted.jsonl', { PROMETHEUS_URL: httpsUrl, HTTPS_PROXY: proxy.url });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/certificate/i);
    expect(proxy.seen.map((s) => s.method)).toContain('CONNECT');
    expect(`${run.stdout}${run.stderr}`).not.toContain('PROXYSECRET');
  });

  it('forwards plain HTTP through HTTP_PROXY', async () => {
    const run = await evaluate('forward.jsonl', { PROMETHEUS_URL: httpUrl, HTTP_PROXY: proxy.url });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(proxy.seen).toHaveLength(1);
    expect(proxy.seen[0]?.method).toBe('GET');
    expect(proxy.seen[0]?.target).toMatch(new RegExp(`^${httpUrl}/api/v1/query\\?`));
    expect(apiSaw).toHaveLength(1);
  });

  it('goes direct for hosts in NO_PROXY', async () => {
    const run = await evaluate(
      'direct.jsonl',
      {
        PROMETHEUS_URL: httpsUrl,
        HTTPS_PROXY: proxy.url,
        NO_PROXY: '127.0.0.1',
      },
      ['--ca-file', 'ca.pem'],
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(proxy.seen).toEqual([]);
    expect(apiSaw).toHaveLength(1);
  });

  it('names the unreachable proxy and its env var, not the healthy server, never its password (exit 3)', async () => {
    const closed = new URL(proxy.url);
    await proxy.close();
    // The server behind it is up; only the proxy is gone.
    const withCredentials = `http://proxyuser:PROXYPASSWORD@${closed.host}`;
    const run = await evaluate('no-proxy.jsonl', { PROMETHEUS_URL: httpsUrl, HTTPS_PROXY: withCredentials }, [
      '--ca-file',
      'ca.pem',
    ]);
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toContain(`the proxy ${closed.host} (from HTTPS_PROXY) refused the connection`);
    expect(run.stderr).not.toContain(`${new URL(httpsUrl).host} refused`);
    expect(run.stderr).toMatch(/hint: check HTTPS_PROXY/);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/PROXYPASSWORD|proxyuser/);
    proxy = await startForwardProxy(); // afterEach closes it
  });

  it('names the proxy from the lower-case https_proxy as such', async () => {
    const closed = new URL(proxy.url);
    await proxy.close();
    const run = await evaluate('lower-case.jsonl', { PROMETHEUS_URL: httpsUrl, https_proxy: closed.host }, [
      '--ca-file',
      'ca.pem',
    ]);
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toContain(`the proxy ${closed.host} (from https_proxy) refused the connection`);
    proxy = await startForwardProxy();
  });

  it("does not blame a proxy that NO_PROXY bypasses: the refusal is the server's", async () => {
    const closed = new URL(proxy.url);
    await proxy.close();
    // A closed port on the API's host, reached directly because NO_PROXY lists localhost
    // (axios treats 127.0.0.1 as localhost).
    const run = await evaluate(
      'bypassed.jsonl',
      {
        PROMETHEUS_URL: `https://${closed.host}`,
        HTTPS_PROXY: `http://${closed.host}`,
        NO_PROXY: 'localhost',
      },
      ['--ca-file', 'ca.pem'],
    );
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toContain(`${closed.host} refused the connection`);
    expect(run.stderr).not.toContain('proxy');
    proxy = await startForwardProxy();
  });
});
