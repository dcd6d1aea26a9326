// TLS as a user meets it: a monitoring API behind a certificate of the company's own CA.
// Verification stays on; `--ca-file` adds the CA. The server is a local HTTPS server answering
// as Prometheus does, with a certificate made by openssl for this test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { detectCommand } from './support/real-components.js';

const openssl = detectCommand('openssl');
const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-tls-'));
let server: Server;
let url = '';

describe.skipIf(!openssl.available)('evaluate against an HTTPS monitoring API (needs openssl)', () => {
  beforeAll(async () => {
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
        ...[
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          path.join(dir, 'key.pem'),
          '-out',
          path.join(dir, 'ca.pem'),
        ],
      ],
      { stdio: 'ignore' },
    );
    server = createServer(
      { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'ca.pem')) },
      (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            status: 'success',
            data: { resultType: 'vector', result: [{ metric: {}, value: [1, '0.5'] }] },
          }),
        );
      },
    );
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

  it('trusts the server with --ca-file (exit 0)', async () => {
    const run = await runCli([...args, '--history', 'file:h.jsonl', '--ca-file', 'ca.pem'], {
      cwd: dir,
      env: { PROMETHEUS_URL: url },
    });
    expect(run.exitCode, run.stderr).toBe(0);
  });

  it('refuses the unknown certificate without it, and says how to fix that (exit 3, nothing recorded)', async () => {
    const run = await runCli([...args, '--history', 'file:refused.jsonl'], {
      cwd: dir,
      env: { PROMETHEUS_URL: url },
    });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/certificate/i);
    expect(() => readFileSync(path.join(dir, 'refused.jsonl'))).toThrow();
  });

  it('does not let NODE_TLS_REJECT_UNAUTHORIZED=0 switch verification off', async () => {
    const run = await runCli([...args, '--history', 'file:insecure.jsonl'], {
      cwd: dir,
      env: { PROMETHEUS_URL: url, NODE_TLS_REJECT_UNAUTHORIZED: '0' },
    });
    expect(run.exitCode, run.stderr).toBe(3);
  });
});
