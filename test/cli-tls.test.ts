// TLS as a user meets it: a monitoring API and Dynatrace behind a certificate of the company's
// own CA. Verification stays on; `--ca-file` adds the CA. The server is a local HTTPS server
// answering as Prometheus and as the Events API do, with a certificate made by openssl.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { readDynatraceFixture } from './support/dynatrace-stand-in.js';
import { describeWithReal, openssl } from './support/real-components.js';
import { makeSelfSignedCert } from './support/self-signed.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-tls-'));
const TOKEN =
  'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.TLSSECRETTLSSECRETTLSSECRETTLSSECRETTLSSECRETTLSSECRETTLSSECRET';
let server: Server;
let url = '';

describeWithReal(openssl, 'commands against HTTPS APIs with a private CA', () => {
  beforeAll(async () => {
    const { key, cert } = makeSelfSignedCert(dir);
    const ingestReply = readDynatraceFixture('events-v2-ingest_201_one-report-ok');
    server = createServer({ key, cert }, (req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/api/v2/events/ingest') {
        req.resume();
        res.writeHead(ingestReply.status).end(ingestReply.body);
        return;
      }
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [1, '0.5'] }] },
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    writeFileSync(
      path.join(dir, 'slo.yaml'),
      'objectives:\n  - sli: error_ratio\n    pass: [{criteria: ["<1"]}]\ntotal_score: {pass: "90%"}\n',
    );
    writeFileSync(path.join(dir, 'prometheus.yaml'), 'indicators:\n  error_ratio: "sum(rate(errors[5m]))"\n');
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const args = ['evaluate', '--slo', 'slo.yaml', '--sli', 'prometheus=prometheus.yaml', '--timeframe', '5m'];

  it('evaluate trusts the server with --ca-file (exit 0)', async () => {
    const run = await runCli([...args, '--history', 'file:h.jsonl', '--ca-file', 'ca.pem'], {
      cwd: dir,
      env: { PROMETHEUS_URL: url },
    });
    expect(run.exitCode, run.stderr).toBe(0);
  });

  it('evaluate refuses the unknown certificate without it, and says how to fix that (exit 3, nothing recorded)', async () => {
    const run = await runCli([...args, '--history', 'file:refused.jsonl'], {
      cwd: dir,
      env: { PROMETHEUS_URL: url },
    });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/certificate/i);
    // Retrying cannot fix an unknown CA: the hint says what does, and that nothing was recorded.
    expect(run.stderr).toMatch(/hint: .*--ca-file or set NODE_EXTRA_CA_CERTS.*nothing was recorded/);
    expect(run.stderr).not.toContain('retry the job when');
    expect(() => readFileSync(path.join(dir, 'refused.jsonl'))).toThrow();
  });

  it('does not let NODE_TLS_REJECT_UNAUTHORIZED=0 switch verification off', async () => {
    const run = await runCli([...args, '--history', 'file:insecure.jsonl'], {
      cwd: dir,
      env: { PROMETHEUS_URL: url, NODE_TLS_REJECT_UNAUTHORIZED: '0' },
    });
    expect(run.exitCode, run.stderr).toBe(3);
  });

  const sendEvent = ['send-event', '--config-dir', 'none', '--type', 'info', '--service', 'carts'];

  it('send-event trusts the server with --ca-file (exit 0)', async () => {
    const run = await runCli([...sendEvent, '--ca-file', 'ca.pem'], {
      cwd: dir,
      env: { DT_URL: url, DT_API_TOKEN: TOKEN },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('correlation id 29028bcb58ef4998');
  });

  it('send-event refuses the unknown certificate without it (exit 3), and never prints the token', async () => {
    const run = await runCli(sendEvent, { cwd: dir, env: { DT_URL: url, DT_API_TOKEN: TOKEN } });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/certificate/i);
    // The handshake failed, so the event surely does not exist: no "may have been created" doubt.
    expect(run.stderr).not.toContain('may or may not');
    expect(run.stderr).toMatch(/hint: .*--ca-file or set NODE_EXTRA_CA_CERTS/);
    expect(`${run.stdout}${run.stderr}`).not.toContain('TLSSECRET');
  });

  it('doctor names --ca-file for both endpoints behind the unknown certificate', async () => {
    const run = await runCli(['doctor', '--config-dir', 'none'], {
      cwd: dir,
      env: { PROMETHEUS_URL: url, DT_URL: url, DT_API_TOKEN: TOKEN },
    });
    expect(run.exitCode, run.stderr).not.toBe(0);
    for (const check of ['prometheus', 'dynatrace']) {
      expect(run.stdout).toMatch(
        new RegExp(`✗ ${check} .*certificate.*\\n\\s+hint: .*--ca-file or set NODE_EXTRA_CA_CERTS`),
      );
    }
    expect(`${run.stdout}${run.stderr}`).not.toContain('TLSSECRET');
  });
});
