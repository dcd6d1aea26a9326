// The postgres:// history through the real CLI: a gate recorded in a real PostgreSQL server, a
// wrong password that is exit 2 and shown nowhere, and a database that cannot be reached that is
// exit 3 before anything runs (no provider asked, no helm called).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { demoConfigDir } from './support/demo-app.js';
import { findFreePort } from './support/free-port.js';
import { createHelmStub, type HelmStub } from './support/helm-stub.js';
import {
  CI_PASSWORD,
  CI_ROLE,
  postgresql,
  startPostgres,
  type PostgresServer,
} from './support/postgres-server.js';
import { describeWithReal } from './support/real-components.js';

const SLO = `spec_version: "1.0"
objectives:
  - sli: response_time_p95
    pass: [{criteria: ["<=+10%", "<600"]}]
total_score: {pass: "90%", warning: "75%"}
`;

let dir: string;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function gateFiles(): string {
  dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-cli-pg-'));
  writeFileSync(path.join(dir, 'slo.yaml'), SLO);
  writeFileSync(path.join(dir, 'values.json'), '{"response_time_p95": 412}');
  return dir;
}

function evaluate(history: string, env: Record<string, string> = {}, extra: string[] = []) {
  return runCli(
    ['evaluate', '--slo', 'slo.yaml', '--values', 'values.json', '--history', history, '--json', ...extra],
    { cwd: dir, env },
  );
}

describeWithReal(postgresql, 'ci-connect with a postgres:// history', (found) => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres(found.bin);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('records the gate in PostgreSQL, where the next gate finds it as its baseline', async () => {
    gateFiles();
    const database = await server.createDatabase();
    const first = await evaluate(server.url(database), { PGPASSWORD: CI_PASSWORD });
    expect(first.exitCode, first.stderr).toBe(0);
    const recorded = JSON.parse(first.stdout) as { id: string; result: string };
    const second = await evaluate(server.url(database, { password: CI_PASSWORD }));
    expect(second.exitCode, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ comparedEvaluations: [recorded.id] });
    const rows = await server.admin<{ id: string; kind: string; record: unknown }>(
      'SELECT id, kind, record FROM ci_connect_history ORDER BY seq',
      [],
      database,
    );
    expect(rows.rows.map((row) => row.id)).toEqual([
      recorded.id,
      (JSON.parse(second.stdout) as { id: string }).id,
    ]);
    expect(rows.rows[0]?.record).toStrictEqual(JSON.parse(first.stdout));
  });

  it('takes a file history over with history export and import, then lists, pins and exports it', async () => {
    gateFiles();
    for (let i = 0; i < 3; i += 1) expect((await evaluate('file:history.jsonl')).exitCode).toBe(0);
    const database = await server.createDatabase();
    const env = { PGPASSWORD: CI_PASSWORD };
    const postgres = ['--history', server.url(database)];
    const exported = await runCli(
      ['history', 'export', '--history', 'file:history.jsonl', '--out', 'backup.jsonl'],
      {
        cwd: dir,
      },
    );
    expect(exported.exitCode, exported.stderr).toBe(0);
    for (const present of [0, 3]) {
      const imported = await runCli(['history', 'import', 'backup.jsonl', ...postgres, '--json'], {
        cwd: dir,
        env,
      });
      expect(imported.exitCode, imported.stderr).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ added: 3 - present, present });
    }
    const listed = await runCli(['history', 'list', ...postgres, '--json'], { cwd: dir, env });
    expect(listed.exitCode, listed.stderr).toBe(0);
    const ids = (JSON.parse(listed.stdout) as { records: { id: string }[] }).records.map((r) => r.id);
    expect(ids).toHaveLength(3);
    const pinned = await runCli(['history', 'pin', ids[2]!, ...postgres], { cwd: dir, env });
    expect(pinned.exitCode, pinned.stderr).toBe(0);
    const next = await evaluate(server.url(database), env);
    expect(JSON.parse(next.stdout)).toMatchObject({ comparedEvaluations: [ids[2]] });
    const back = await runCli(['history', 'export', ...postgres], { cwd: dir, env });
    const lines = back.stdout.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(
      readFileSync(path.join(dir, 'backup.jsonl'), 'utf8').trim().split('\n'),
    );
    expect(lines.map((line) => (JSON.parse(line) as { kind: string }).kind)).toEqual([
      ...['evaluation', 'evaluation', 'evaluation', 'pin', 'evaluation'],
    ]);
  });

  it('is exit 2 for a wrong password, which no output shows', async () => {
    gateFiles();
    const database = await server.createDatabase();
    const wrong = 'Wr0ng-pg-Passw0rd-x9';
    for (const run of [
      await evaluate(server.url(database, { password: wrong })),
      await evaluate(server.url(database), { PGPASSWORD: wrong }),
      await evaluate(
        `postgres://${CI_ROLE}:${encodeURIComponent(wrong)}@127.0.0.1:${server.port}/${database}`,
        {},
        [],
      ),
    ]) {
      expect(run.exitCode, run.stderr).toBe(2);
      expect(run.stderr).toContain(`password authentication failed for user "${CI_ROLE}"`);
      const error = JSON.parse(run.stdout) as { code: string; message: string; hint: string };
      expect(error.code).toBe('CONFIG');
      for (const output of [run.stdout, run.stderr]) {
        expect(output).not.toContain(wrong);
        expect(output).not.toContain(encodeURIComponent(wrong));
        expect(output).not.toContain(wrong.slice(2, 10));
      }
    }
  });
});

describeWithReal(postgresql, 'ci-connect doctor with a postgres:// history', (found) => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres(found.bin);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reaches the database as a gate would, and says what is wrong when it cannot log in', async () => {
    gateFiles();
    const database = await server.createDatabase();
    const doctor = async (env: Record<string, string>) => {
      const run = await runCli(['doctor', '--history', server.url(database), '--json'], { cwd: dir, env });
      const report = JSON.parse(run.stdout) as { checks: { name: string; status: string; detail: string }[] };
      return { run, history: report.checks.find((check) => check.name === 'history') };
    };
    const ok = await doctor({ PGPASSWORD: CI_PASSWORD });
    expect(ok.history).toMatchObject({
      status: 'ok',
      detail: `postgres://127.0.0.1:${server.port}/${database}: reachable, history tables ready`,
    });
    const refused = await doctor({ PGPASSWORD: 'Wr0ng-pg-Passw0rd-x9' });
    expect(refused.history).toMatchObject({ status: 'fail' });
    expect(refused.history?.detail).toContain('password authentication failed');
    expect(refused.run.exitCode).toBe(2);
    expect(refused.run.stdout + refused.run.stderr).not.toContain('Wr0ng-pg-Passw0rd-x9');
  });
});

describe('ci-connect with a postgres:// history that cannot be reached', () => {
  let helm: HelmStub | undefined;
  afterEach(async () => {
    await helm?.cleanup();
    helm = undefined;
  });

  it('exits 3 from evaluate before any provider is asked, writing no report', async () => {
    gateFiles();
    writeFileSync(path.join(dir, 'sli.yaml'), 'spec_version: "1.0"\nindicators:\n  response_time_p95: up\n');
    const requests: string[] = [];
    const prometheus = createServer((request, response) => {
      requests.push(request.url ?? '');
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
    const { port: prometheusPort } = prometheus.address() as AddressInfo;
    const port = await findFreePort();
    const run = await runCli(
      [
        ...['evaluate', '--slo', 'slo.yaml', '--sli', 'prometheus=sli.yaml', '--report-dir', 'reports'],
        ...['--history', `postgres://ci@127.0.0.1:${port}/history`, '--json'],
      ],
      { cwd: dir, env: { PGPASSWORD: CI_PASSWORD, PROMETHEUS_URL: `http://127.0.0.1:${prometheusPort}` } },
    );
    await new Promise((resolve) => prometheus.close(resolve));
    expect(requests).toEqual([]);
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toContain(
      `the history postgres://127.0.0.1:${port}/history: cannot be reached (ECONNREFUSED)`,
    );
    expect(run.stderr).toContain('retrying may help');
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'error', exitCode: 3, code: 'UNAVAILABLE' });
    expect(existsSync(path.join(dir, 'reports', 'evaluation.json'))).toBe(false);
  });

  it('exits 3 from trigger-deployment before any task: helm is never called', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-cli-pg-'));
    const configDir = path.join(dir, '.ci-connect');
    cpSync(demoConfigDir, configDir, { recursive: true });
    const chart = path.join(configDir, 'base/carts/helm');
    mkdirSync(chart, { recursive: true });
    writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: carts\nversion: 0.1.0\n');
    helm = await createHelmStub([{ command: ['upgrade'] }, { command: ['history'], stdout: '[]' }]);
    const port = await findFreePort();
    const run = await runCli(
      [
        ...['trigger-deployment', '--service', 'carts', '--version', '1.4.2', '--stage', 'hardening'],
        ...['--history', `postgres://ci@127.0.0.1:${port}/history`, '--json'],
      ],
      { cwd: dir, env: helm.env({ PGPASSWORD: CI_PASSWORD }) },
    );
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toContain('cannot be reached (ECONNREFUSED)');
    expect(helm.calls()).toEqual([]);
  });
});
