// `ci-connect doctor` as an SRE runs it when a gate cannot reach its monitoring: the real CLI
// against a real Prometheus, the strict Dynatrace stand-in (token lookup), an endpoint nothing
// listens on, and real JMeter. The token is searched for in everything printed.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import { startDynatraceStandIn, type DynatraceStandIn } from './support/dynatrace-stand-in.js';
import { findFreePort } from './support/free-port.js';
import { prometheus, startPrometheus, type PrometheusServer } from './support/prometheus-server.js';
import { describeWithReal, itWithReal, jmeter } from './support/real-components.js';

const TOKEN = 'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.SECRETSECRETSECRETSECRETSECRETSECRETSECRETSECRETSECRETSE';
const LOOKUP = '/api/v2/apiTokens/lookup';
const SLO =
  'spec_version: "1.0"\nobjectives:\n  - sli: availability\n    pass: [{criteria: [">=99"]}]\ntotal_score: {pass: "90%", warning: "75%"}\n';

interface Report {
  schemaVersion: number;
  kind: string;
  ok: boolean;
  checks: { name: string; status: string; detail: string; hint?: string }[];
}

/** A project directory with one service; `files` are relative to its .ci-connect. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-doctor-e2e-'));
  for (const [file, content] of Object.entries({ 'base/carts/slo.yaml': SLO, ...files })) {
    mkdirSync(path.dirname(path.join(dir, '.ci-connect', file)), { recursive: true });
    writeFileSync(path.join(dir, '.ci-connect', file), content);
  }
  // A jmeter that answers at once, and "runs" a plan by writing a sample where -l says: the
  // real one is checked once, below.
  const stub = [
    '#!/bin/sh',
    'results=; while [ $# -gt 0 ]; do [ "$1" = -l ] && results="$2"; shift; done',
    '[ -z "$results" ] && { echo "Version 5.6.3"; exit 0; }',
    'echo "1,0,ci-connect doctor,200,OK,t 1-1,text,true,0,1,1,0" > "$results"',
  ];
  writeFileSync(path.join(dir, 'jmeter-stub'), `${stub.join('\n')}\n`);
  chmodSync(path.join(dir, 'jmeter-stub'), 0o755);
  return dir;
}

async function doctor(dir: string, env: Record<string, string>, args: string[] = []): Promise<CliRun> {
  const run = await runCli(['doctor', ...args], {
    cwd: dir,
    env: { JMETER_BIN: path.join(dir, 'jmeter-stub'), ...env },
  });
  expect(`${run.stdout}\n${run.stderr}`).not.toContain('SECRETSECRET');
  return run;
}

function parse(run: CliRun): Report {
  return JSON.parse(run.stdout) as Report;
}

function check(report: Report, name: string): Report['checks'][number] | undefined {
  return report.checks.find((c) => c.name === name);
}

describe('ci-connect doctor against the Dynatrace stand-in', () => {
  let standIn: DynatraceStandIn;
  beforeEach(async () => {
    standIn = await startDynatraceStandIn({ token: TOKEN });
  });
  afterEach(async () => {
    expect(standIn.violations).toEqual([]);
    expect(standIn.unusedExpectations()).toEqual([]);
    await standIn.close();
  });

  const sloSli = {
    'base/carts/sli/dynatrace.yaml':
      'spec_version: "1.0"\nindicators:\n  availability: "SLO;7d07efde-b714-3e6e-ad95-08490e2540c4"\n  errors: "metricSelector=builtin:service.errors.total.rate&entitySelector=type(SERVICE)"\n',
  };

  it('exits 2 and names slo.read when the SLI file uses SLO; and the token lacks it', async () => {
    standIn.expect({
      method: 'POST',
      path: LOOKUP,
      query: {},
      respond: 'api-tokens-lookup_200_metrics-problems-events',
    });
    const dir = project(sloSli);
    const run = await doctor(dir, { DT_URL: standIn.url, DT_API_TOKEN: TOKEN });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain(
      `✗ dynatrace   ${standIn.url}: the token "ci-connect gate (shop)" lacks slo.read (for SLO; queries in .ci-connect/base/carts/sli/dynatrace.yaml)`,
    );
    expect(run.stdout).toContain("hint: add slo.read to the token's scopes under Access tokens");
    expect(run.stdout).toMatch(/1 failed.*exit 2: fix the configuration or token/);
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]?.body).toEqual({ token: TOKEN });
  });

  it('exits 2 for an expired token, and prints the one JSON object with --json', async () => {
    standIn.expect({ method: 'POST', path: LOOKUP, query: {}, respond: 'api-tokens-lookup_200_expired' });
    const dir = project(sloSli);
    const run = await doctor(dir, { DT_URL: standIn.url, DT_API_TOKEN: TOKEN }, ['--json']);
    expect(run.exitCode).toBe(2);
    const report = parse(run);
    expect(report).toMatchObject({ schemaVersion: 1, kind: 'doctor', ok: false });
    expect(check(report, 'dynatrace')).toEqual({
      name: 'dynatrace',
      status: 'fail',
      detail: `${standIn.url}: the token "ci-connect gate (shop)" expired on 2025-07-31`,
      hint: 'create a new token with metrics.read, slo.read, events.ingest and set it in the token env var (default DT_API_TOKEN)',
    });
  });

  it('exits 0 when the token has every scope, with a warning for the missing helm only', async () => {
    standIn.expect({ method: 'POST', path: LOOKUP, query: {}, respond: 'api-tokens-lookup_200_all-scopes' });
    const dir = project(sloSli);
    const run = await doctor(dir, { DT_URL: standIn.url, DT_API_TOKEN: TOKEN, PATH: '/nonexistent' }, [
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const report = parse(run);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['config', 'ok'],
      ['helm', 'warning'],
      ['jmeter', 'ok'],
      ['prometheus', 'skipped'],
      ['dynatrace', 'ok'],
      ['history', 'ok'],
    ]);
    expect(check(report, 'dynatrace')?.detail).toBe(
      `${standIn.url}: the token "ci-connect gate (shop)" has metrics.read, slo.read, events.ingest; it never expires`,
    );
  });

  it('exits 2 when Dynatrace refuses the token, never printing it', async () => {
    standIn.expect({
      method: 'POST',
      path: LOOKUP,
      query: {},
      respond: 'error_401_missing-authorization-parameter',
    });
    const dir = project(sloSli);
    const run = await doctor(dir, { DT_URL: standIn.url, DT_API_TOKEN: TOKEN });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain('✗ dynatrace');
    expect(run.stdout).toContain('HTTP 401');
  });
});

describe('ci-connect doctor with an unreachable Prometheus', () => {
  it('exits 3 and says retrying may help', async () => {
    const port = await findFreePort();
    const dir = project({});
    const run = await doctor(dir, { PROMETHEUS_URL: `http://127.0.0.1:${port}` });
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain(
      `✗ prometheus  GET http://127.0.0.1:${port}/api/v1/status/buildinfo: 127.0.0.1:${port} refused the connection (ECONNREFUSED)`,
    );
    expect(run.stdout).toContain('hint: check the port in the URL and that the service is running');
    expect(run.stdout).toMatch(/exit 3: an endpoint did not answer; retrying may help\n$/);
  });
});

describeWithReal(prometheus, 'ci-connect doctor against a real Prometheus', (found) => {
  let server: PrometheusServer | undefined;
  beforeAll(async () => {
    // It scrapes nothing that exists: doctor only asks for its build information.
    server = await startPrometheus(found.bin, [{ job: 'nothing', target: '127.0.0.1:9' }]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reports the version the server itself reports', async () => {
    if (server === undefined) throw new Error('beforeAll did not start Prometheus');
    const direct = (await (await fetch(`${server.url}/api/v1/status/buildinfo`)).json()) as {
      data: { version: string };
    };
    const dir = project({
      'base/carts/sli/prometheus.yaml': 'spec_version: "1.0"\nindicators:\n  availability: "avg(up)"\n',
    });
    const run = await doctor(dir, { PROMETHEUS_URL: server.url });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      `✓ prometheus  ${server.url}: Prometheus ${direct.data.version}, no authentication\n`,
    );
  });
});

itWithReal(
  jmeter,
  'ci-connect doctor runs the real jmeter from JMETER_BIN and reports its version',
  async (found) => {
    const dir = project({});
    const run = await doctor(dir, { JMETER_BIN: found.bin }, ['--json']);
    expect(run.exitCode).toBe(0);
    const result = check(parse(run), 'jmeter');
    expect(result?.status).toBe('ok');
    expect(result?.detail).toMatch(/^JMeter \d+\.\d+\S* \(/);
    expect(result?.detail.endsWith(`(${found.bin}); loads and runs a test plan`)).toBe(true);
    // JMeter writes jmeter.log into its working directory unless -j says where: none here.
    expect(readdirSync(dir).sort()).toEqual(['.ci-connect', 'jmeter-stub']);
  },
  180_000,
);

// Debian's own /usr/bin/jmeter (2.13, without ../shared/tools/jmeter's launcher) answers
// --version and refuses every plan: doctor must say so before a stage run deploys.
const debianJmeter = '/usr/share/jmeter/bin/jmeter';
it.skipIf(!existsSync(debianJmeter) || !existsSync('/usr/share/jmeter/bin/ApacheJMeter.jar'))(
  "ci-connect doctor warns that Debian's own JMeter 2.13 answers --version but cannot load a plan (skipped: Debian's jmeter package is not installed)",
  async () => {
    const dir = project({});
    const run = await doctor(dir, { JMETER_BIN: debianJmeter }, ['--json']);
    const result = check(parse(run), 'jmeter');
    expect(result).toMatchObject({
      status: 'warning',
      detail: expect.stringMatching(
        /answers --version but cannot load a test plan: Error in NonGUIDriver/,
      ) as string,
    });
    expect(readdirSync(dir).sort()).toEqual(['.ci-connect', 'jmeter-stub']);
  },
  180_000,
);
