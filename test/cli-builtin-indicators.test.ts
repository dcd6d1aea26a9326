// Keptn's default indicator names are built into three providers (JMeter, Prometheus, Dynatrace):
// which one answers a gate that uses them, through the real CLI. Without an SLI file, Dynatrace
// offers dynatrace-service's defaults; with a results file, its indicators win over the others'.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { startDynatraceStandIn, type DynatraceStandIn } from './support/dynatrace-stand-in.js';

const TOKEN = 'dt0c01.BUILTINSTESTTOKEN00000000.BUILTINSECRETBUILTINSECRETBUILTINSECRETBUILTINSECRET0000';
const START = '2026-11-20T10:00:00Z';
const END = '2026-11-20T10:05:00Z';
// Nothing listens there: a run that asked Prometheus would fail.
const NO_PROMETHEUS = 'http://127.0.0.1:1';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-builtins-'));
});

describe("Dynatrace's built-in indicators (Keptn dynatrace-service's defaults)", () => {
  let standIn: DynatraceStandIn;
  beforeEach(async () => {
    standIn = await startDynatraceStandIn({ token: TOKEN });
    writeFileSync(
      path.join(dir, 'slo.yaml'),
      'spec_version: "1.0"\nobjectives:\n  - sli: response_time_p95\n    pass: [{criteria: ["<50000"]}]\ntotal_score: {pass: "90%"}\n',
    );
  });
  afterEach(async () => {
    expect(standIn.violations).toEqual([]);
    await standIn.close();
  });

  it('answers response_time_p95 without sli/dynatrace.yaml, with the keptn_* tags of the run (exit 0)', async () => {
    standIn.expect({
      path: '/api/v2/metrics/query',
      query: {
        metricSelector: 'builtin:service.response.time:merge("dt.entity.service"):percentile(95)',
        entitySelector:
          'type(SERVICE),tag(keptn_project:sockshop),tag(keptn_stage:staging),tag(keptn_service:carts),tag(keptn_deployment:)',
        from: String(Date.parse(START)),
        to: String(Date.parse(END)),
        resolution: 'Inf',
      },
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
    });
    const run = await runCli(
      [
        'evaluate',
        ...['--slo', 'slo.yaml', '--project', 'sockshop', '--stage', 'staging', '--service', 'carts'],
        ...['--start', START, '--end', END, '--settle', '0', '--history', 'file:history.jsonl', '--json'],
      ],
      { cwd: dir, env: { DT_URL: standIn.url, DT_API_TOKEN: TOKEN, PROMETHEUS_URL: '' } },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/JMeter/i);
    const evaluation = JSON.parse(run.stdout) as { objectives: { provider: string; value: number }[] };
    expect(evaluation.objectives[0]).toMatchObject({ provider: 'dynatrace', value: 31846.08512740705 });
    expect(standIn.unusedExpectations()).toEqual([]);
  });

  it('warns before the gate when a millisecond target meets the built-in response time (microseconds)', async () => {
    // A Keptn team without sli/dynatrace.yaml keeps its "<400" (milliseconds, as Keptn's tutorials wrote it).
    writeFileSync(
      path.join(dir, 'slo.yaml'),
      'spec_version: "1.0"\nobjectives:\n  - sli: response_time_p95\n    pass: [{criteria: ["<400"]}]\ntotal_score: {pass: "90%"}\n',
    );
    standIn.expect({
      path: '/api/v2/metrics/query',
      query: {
        metricSelector: 'builtin:service.response.time:merge("dt.entity.service"):percentile(95)',
        entitySelector:
          'type(SERVICE),tag(keptn_project:sockshop),tag(keptn_stage:staging),tag(keptn_service:carts),tag(keptn_deployment:)',
        from: String(Date.parse(START)),
        to: String(Date.parse(END)),
        resolution: 'Inf',
      },
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
    });
    const run = await runCli(
      [
        'evaluate',
        ...['--slo', 'slo.yaml', '--project', 'sockshop', '--stage', 'staging', '--service', 'carts'],
        ...['--start', START, '--end', END, '--settle', '0', '--history', 'file:history.jsonl', '--json'],
      ],
      { cwd: dir, env: { DT_URL: standIn.url, DT_API_TOKEN: TOKEN, PROMETHEUS_URL: '' } },
    );
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toMatch(
      /slo\.yaml:4:24 objectives\[0\]\.pass\[0\]\.criteria\[0\]: "<400" for SLI "response_time_p95": the target looks like milliseconds, but builtin:service\.response\.time is in microseconds.*\(dynatrace built-in indicator response_time_p95\)/,
    );
    expect(standIn.unusedExpectations()).toEqual([]);
  });
});

describe('a gate with a results file, Keptn default names and PROMETHEUS_URL exported', () => {
  const demo = ['--config-dir', 'fixtures/demo/.ci-connect', '--service', 'carts'];
  const jtl = ['--jtl', 'fixtures/demo/results/performance.jtl'];

  it("scores the demo with the results file's indicators and says so (exit 0)", async () => {
    const history = `file:${path.join(dir, 'history.jsonl')}`;
    const run = await runCli(['evaluate', ...demo, ...jtl, '--history', history, '--json'], {
      env: { PROMETHEUS_URL: NO_PROMETHEUS, DT_URL: '' },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const evaluation = JSON.parse(run.stdout) as { objectives: { sli: string; provider: string }[] };
    const providers = Object.fromEntries(evaluation.objectives.map((o) => [o.sli, o.provider]));
    expect(providers).toMatchObject({
      response_time_p95: 'jmeter',
      error_rate: 'jmeter',
      throughput: 'jmeter',
    });
    expect(run.stderr).toContain(
      "this run's results file answers response_time_p95, error_rate, throughput, response_time_p50 " +
        '(jmeter built-ins); the built-ins of prometheus with the same names are not used. ' +
        'To use them for one, define it in sli/prometheus.yaml',
    );
  });

  // DT_URL is also exported by projects that only send events to Dynatrace: its Keptn defaults
  // rank below Prometheus' built-ins, which keep answering (here: Prometheus is down, exit 3).
  it("uses Prometheus' built-ins, not Dynatrace's defaults, when both are configured and no results file is given", async () => {
    const history = `file:${path.join(dir, 'history.jsonl')}`;
    writeFileSync(
      path.join(dir, 'slo.yaml'),
      'objectives:\n  - sli: response_time_p95\n    pass: [{criteria: ["<600"]}]\ntotal_score: {pass: "90%"}\n',
    );
    const slo = ['--slo', path.join(dir, 'slo.yaml')];
    const run = await runCli(['evaluate', ...slo, '--history', history, '--start', START, '--end', END], {
      env: {
        PROMETHEUS_URL: NO_PROMETHEUS,
        DT_URL: 'https://abc12345.live.dynatrace.com',
        DT_API_TOKEN: TOKEN,
      },
    });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).not.toContain('is defined by');
    expect(run.stderr).toContain(new URL(NO_PROMETHEUS).host);
  });
});
