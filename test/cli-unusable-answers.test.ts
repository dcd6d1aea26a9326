// `ci-connect evaluate` when a monitoring API answers 200 with something that is not its JSON: a
// login page of single sign-on in front of Prometheus, a body cut short by Dynatrace or a proxy.
// Such an answer is the system unavailable for that SLI ("error", never "no data"); when every SLI
// is in that state the gate exits 3 and records nothing (DESIGN.md section 5), so the answer can
// never become a baseline. Real CLI, strict local stand-ins.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import {
  startDynatraceStandIn,
  type DynatraceStandIn,
  type StandInResponse,
} from './support/dynatrace-stand-in.js';

const LOGIN_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Sign in - Example SSO</title></head>\n' +
  '<body><form method="post" action="/sso/login"><input name="username"></form></body></html>\n';
const PROM_TOKEN = 'prom-token-UNUSABLE-0123456789';
const DT_TOKEN = 'dt0c01.UNUSABLEANSWERSTESTTOKEN.SECRETSECRETSECRETSECRETSECRETSECRETSECRETSECRETSECRETSECR';
const START = '2026-11-20T10:00:00Z';
const END = '2026-11-20T10:05:00Z';

interface PrometheusStandIn {
  url: string;
  /** Requests for a query nobody declared; the test asserts there are none. */
  unknown: string[];
  close(): Promise<void>;
}

type PrometheusAnswer = 'login-page' | 'huge-error' | number;

/** A strict stand-in for /api/v1/query: each declared query gets a login page or one sample. */
async function startPrometheusStandIn(answers: Record<string, PrometheusAnswer>): Promise<PrometheusStandIn> {
  const unknown: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const query = url.searchParams.get('query') ?? '';
    const answer = url.pathname === '/api/v1/query' ? answers[query] : undefined;
    if (answer === undefined || req.headers.authorization !== `Bearer ${PROM_TOKEN}`) {
      unknown.push(`${req.method} ${req.url}`);
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"status":"error"}');
    } else if (answer === 'login-page') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(LOGIN_PAGE);
    } else if (answer === 'huge-error') {
      // Prometheus quotes a query back in its errors: a long one makes a long message.
      const error = `parse error: ${'unexpected token '.repeat(20_000)}`;
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'error', errorType: 'bad_data', error }));
    } else {
      const data = { resultType: 'vector', result: [{ metric: {}, value: [1, String(answer)] }] };
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'success', data }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    unknown,
    close: () =>
      new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

interface Objective {
  sli: string;
  status: string;
  value: number | null;
  message: string;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-unusable-'));
  writeFileSync(
    path.join(dir, 'slo.yaml'),
    [
      'spec_version: "1.0"',
      'objectives:',
      '  - sli: error_rate',
      '    pass: [{criteria: ["<5"]}]',
      '  - sli: latency',
      '    pass: [{criteria: ["<500"]}]',
      'total_score: {pass: "90%", warning: "75%"}',
      '',
    ].join('\n'),
  );
});

const history = () => path.join(dir, 'history.jsonl');
const gateArgs = ['evaluate', '--slo', 'slo.yaml', '--service', 'carts', '--start', START, '--end', END];
const historyArgs = ['--history', 'file:history.jsonl', '--json'];

function objectivesOf(run: CliRun): Record<string, Objective> {
  const evaluation = JSON.parse(run.stdout) as { objectives: Objective[] };
  return Object.fromEntries(evaluation.objectives.map((o) => [o.sli, o]));
}

describe('evaluate with Prometheus behind a login page', () => {
  let prometheus: PrometheusStandIn | undefined;
  afterEach(async () => {
    expect(prometheus?.unknown).toEqual([]);
    await prometheus?.close();
  });

  async function evaluateWith(answers: Record<string, PrometheusAnswer>): Promise<CliRun> {
    await prometheus?.close();
    prometheus = await startPrometheusStandIn(answers);
    writeFileSync(
      path.join(dir, 'prometheus.yaml'),
      'spec_version: "1.0"\nindicators:\n  error_rate: "sum(errors)"\n  latency: "sum(latency)"\n',
    );
    return runCli([...gateArgs, '--sli', 'prometheus=prometheus.yaml', ...historyArgs], {
      cwd: dir,
      env: { PROMETHEUS_URL: prometheus.url, PROMETHEUS_TOKEN: PROM_TOKEN },
    });
  }

  it('exits 3 and leaves history as it was when every query gets the login page', async () => {
    const first = await evaluateWith({ 'sum(errors)': 1, 'sum(latency)': 200 });
    expect(first.exitCode, first.stderr).toBe(0);
    const before = readFileSync(history(), 'utf8');

    const run = await evaluateWith({ 'sum(errors)': 'login-page', 'sum(latency)': 'login-page' });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toContain('no SLI could be fetched');
    expect(run.stderr).toMatch(
      /\/api\/v1\/query answered HTTP 200 with an HTML page titled "Sign in - Example SSO" \(a login page or a proxy\?\) instead of JSON/,
    );
    expect(run.stderr).toContain('nothing was recorded');
    expect(readFileSync(history(), 'utf8')).toBe(before);
    expect(`${run.stdout}${run.stderr}`).not.toContain(PROM_TOKEN);
  });

  it('records the gate when one SLI has data, failing the other with an "error" that says why', async () => {
    const run = await evaluateWith({ 'sum(errors)': 'login-page', 'sum(latency)': 200 });
    expect(run.exitCode, run.stderr).toBe(1);
    const objectives = objectivesOf(run);
    expect(objectives['latency']).toMatchObject({ status: 'pass', value: 200 });
    expect(objectives['error_rate']).toMatchObject({ status: 'fail', value: null });
    expect(objectives['error_rate']?.message).toMatch(
      /^error: GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query answered HTTP 200 with an HTML page .*\(a login page or a proxy\?\) instead of JSON \(check that the URL/,
    );
    const records = readFileSync(history(), 'utf8').trim().split('\n');
    expect(records).toHaveLength(1);
    expect(records[0]).not.toContain(PROM_TOKEN);
  });
});

describe('evaluate with a monitoring API that says too much', () => {
  let prometheus: PrometheusStandIn | undefined;
  afterEach(async () => {
    expect(prometheus?.unknown).toEqual([]);
    await prometheus?.close();
  });

  it('records a 340 KB error message cut to 2000 characters: history stays bounded', async () => {
    prometheus = await startPrometheusStandIn({ 'sum(errors)': 'huge-error', 'sum(latency)': 200 });
    writeFileSync(
      path.join(dir, 'prometheus.yaml'),
      'spec_version: "1.0"\nindicators:\n  error_rate: "sum(errors)"\n  latency: "sum(latency)"\n',
    );
    const run = await runCli([...gateArgs, '--sli', 'prometheus=prometheus.yaml', ...historyArgs], {
      cwd: dir,
      env: { PROMETHEUS_URL: prometheus.url, PROMETHEUS_TOKEN: PROM_TOKEN },
    });
    expect(run.exitCode, run.stderr).toBe(1);
    const message = objectivesOf(run)['error_rate']?.message ?? '';
    expect(message).toMatch(/^error: query "sum\(errors\)" failed: bad_data: parse error: unexpected token/);
    expect(message.length).toBeLessThanOrEqual(2000 + 'error: '.length + 1);
    expect(message.endsWith('…')).toBe(true);
    expect(readFileSync(history(), 'utf8').length).toBeLessThan(10_000);
  });
});

describe('evaluate with Dynatrace answering JSON cut short', () => {
  let standIn: DynatraceStandIn;
  beforeEach(async () => {
    standIn = await startDynatraceStandIn({ token: DT_TOKEN });
    writeFileSync(
      path.join(dir, 'dynatrace.yaml'),
      [
        'spec_version: "1.0"',
        'indicators:',
        '  error_rate: "metricSelector=builtin:service.errors.total.rate:merge(\\"dt.entity.service\\"):avg"',
        '  latency: "MV2;MicroSecond;metricSelector=builtin:service.response.time:merge(\\"dt.entity.service\\"):avg"',
        '',
      ].join('\n'),
    );
  });
  afterEach(async () => {
    expect(standIn.violations).toEqual([]);
    expect(standIn.unusedExpectations()).toEqual([]);
    await standIn.close();
  });

  const CUT_SHORT = {
    status: 200,
    body: '{"totalCount":1,"nextPageKey":null,"resolution":"Inf","result":[{"metricId":"bui',
  };
  const metricsQuery = (metric: string) => ({
    metricSelector: `${metric}:merge("dt.entity.service"):avg`,
    from: String(Date.parse(START)),
    to: String(Date.parse(END)),
    resolution: 'Inf',
  });
  const oneValue = (value: number) => ({
    status: 200,
    body: {
      totalCount: 1,
      resolution: 'Inf',
      result: [{ metricId: 'm', data: [{ dimensionMap: {}, values: [value] }] }],
    },
  });

  /** The gate, with Dynatrace answering the error rate and the latency query so. */
  function evaluate(errorRate: StandInResponse, latency: StandInResponse): Promise<CliRun> {
    const metrics = '/api/v2/metrics/query';
    standIn
      .expect({ path: metrics, query: metricsQuery('builtin:service.errors.total.rate'), respond: errorRate })
      .expect({ path: metrics, query: metricsQuery('builtin:service.response.time'), respond: latency });
    return runCli([...gateArgs, '--sli', 'dynatrace=dynatrace.yaml', '--settle', '0', ...historyArgs], {
      cwd: dir,
      env: { DT_URL: standIn.url, DT_API_TOKEN: DT_TOKEN },
    });
  }

  it('exits 3 and records nothing when every answer is broken JSON', async () => {
    const run = await evaluate(CUT_SHORT, CUT_SHORT);
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toContain('no SLI could be fetched');
    expect(run.stderr).toContain('answered HTTP 200 with JSON that does not parse');
    expect(existsSync(history())).toBe(false);
    expect(`${run.stdout}${run.stderr}`).not.toContain(DT_TOKEN);
  });

  it('records the gate when one SLI has data, failing the other with an "error" that says why', async () => {
    const run = await evaluate(CUT_SHORT, oneValue(200_000));
    expect(run.exitCode, run.stderr).toBe(1);
    const objectives = objectivesOf(run);
    expect(objectives['latency']).toMatchObject({ status: 'pass', value: 200 });
    expect(objectives['error_rate']).toMatchObject({ status: 'fail', value: null });
    expect(objectives['error_rate']?.message).toMatch(
      /^error: GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/metrics\/query answered HTTP 200 with JSON that does not parse \(\d+ characters; cut short or malformed\) instead of JSON/,
    );
    expect(readFileSync(history(), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(readFileSync(history(), 'utf8')).not.toContain(DT_TOKEN);
  });
});
