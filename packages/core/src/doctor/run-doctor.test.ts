import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../http/test-support/test-server.js';
import type { TestServer } from '../http/test-support/test-server.js';
import { doctorExitCode, runDoctor } from './run-doctor.js';
import { CLOSED_URL, doctorDeps, writeTree } from './test-support/doctor-deps.js';
import { checkResult } from './types.js';

describe('doctorExitCode', () => {
  const ok = checkResult('a', 'ok', '');
  const warning = checkResult('b', 'warning', '');
  const skipped = checkResult('c', 'skipped', '');
  const config = checkResult('d', 'fail', '', { failure: 'config' });
  const unavailable = checkResult('e', 'fail', '', { failure: 'unavailable' });

  it.each([
    ['nothing failed (warnings and skips allowed)', [ok, warning, skipped], 0],
    ['only an endpoint did not answer', [ok, unavailable], 3],
    ['a setting or token is wrong', [config, ok], 2],
    ['both: retrying alone would not help', [unavailable, config], 2],
  ])('%s', (_, results, code) => {
    expect(doctorExitCode(results)).toBe(code);
  });
});

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function stubs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ci-connect-doctor-bin-'));
  // Answers --version, and "runs" doctor's plan by writing a sample where -l says.
  const jmeter = [
    '#!/bin/sh',
    'results=; while [ $# -gt 0 ]; do [ "$1" = -l ] && results="$2"; shift; done',
    '[ -z "$results" ] && { echo "Version 5.6.3"; exit 0; }',
    'echo "1,0,ci-connect doctor,200,OK,t 1-1,text,true,0,1,1,0" > "$results"',
  ];
  writeFileSync(join(dir, 'jmeter'), `${jmeter.join('\n')}\n`);
  chmodSync(join(dir, 'jmeter'), 0o755);
  return dir;
}

const PROJECT = {
  '.ci-connect/ci-connect.yaml': 'project: shop\n',
  '.ci-connect/base/carts/slo.yaml':
    'spec_version: "1.0"\nobjectives:\n  - sli: error_rate\n    pass: [{criteria: ["<5"]}]\ntotal_score: {pass: "90%", warning: "75%"}\n',
  '.ci-connect/base/carts/sli/prometheus.yaml':
    'spec_version: "1.0"\nindicators:\n  error_rate: "sum(rate(errors[5m]))"\n',
};

describe('runDoctor', () => {
  it('runs every check in a fixed order and prints the report contract', async () => {
    server = await startTestServer((_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { version: '2.45.3' } }));
    });
    const dir = writeTree(PROJECT);
    const deps = doctorDeps({ PATH: stubs(), PROMETHEUS_URL: server.url }, { cwd: dir });
    const { report, exitCode } = await runDoctor(
      { configDir: join(dir, '.ci-connect'), configDirNamed: true },
      deps,
    );
    expect(exitCode).toBe(0);
    expect(report.schemaVersion).toBe(1);
    expect(report.kind).toBe('doctor');
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['config', 'ok'],
      ['helm', 'warning'],
      ['jmeter', 'ok'],
      ['prometheus', 'ok'],
      ['dynatrace', 'skipped'],
      ['history', 'ok'],
    ]);
    for (const check of report.checks) {
      expect(
        Object.keys(check).every((key) => ['name', 'status', 'detail', 'hint', 'problems'].includes(key)),
      ).toBe(true);
    }
  });

  it('exits 3 when the only failure is an endpoint that does not answer', async () => {
    const dir = writeTree(PROJECT);
    const deps = doctorDeps({ PATH: stubs(), PROMETHEUS_URL: CLOSED_URL }, { cwd: dir });
    const { report, exitCode } = await runDoctor(
      { configDir: join(dir, '.ci-connect'), configDirNamed: true },
      deps,
    );
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'prometheus')?.status).toBe('fail');
    expect(exitCode).toBe(3);
  });

  it('exits 2 when a configuration file is wrong', async () => {
    const dir = writeTree({ ...PROJECT, '.ci-connect/ci-connect.yaml': 'project: [not, a, name]\n' });
    const deps = doctorDeps({ PATH: stubs() }, { cwd: dir });
    const { report, exitCode } = await runDoctor(
      { configDir: join(dir, '.ci-connect'), configDirNamed: true },
      deps,
    );
    expect(report.checks[0]).toMatchObject({ name: 'config', status: 'fail' });
    expect(exitCode).toBe(2);
  });
});
