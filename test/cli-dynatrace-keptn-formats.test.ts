// Keptn SLI files for Dynatrace through the real CLI, against the strict stand-in: an MV2 unit
// Keptn did not know fails only its SLI (the gate still runs), a legacy `?scope=` query runs as
// Keptn ran it with a warning naming the current form, and `validate` warns at the criterion when
// a millisecond target meets a metric in microseconds.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import {
  DT_TEST_END as END,
  DT_TEST_START as START,
  DT_TEST_TOKEN as TOKEN,
  useDynatraceStandIn,
} from './support/dynatrace-cli.js';

const RT = 'builtin:service.response.time:merge("dt.entity.service"):percentile(95)';
const THROUGHPUT = 'builtin:service.requestCount.total:merge("dt.entity.service"):sum';

const dt = useDynatraceStandIn('ci-connect-dt-keptn-', { allExpectationsUsed: true });

beforeEach(() => {
  writeFileSync(
    path.join(dt.dir, 'slo.yaml'),
    [
      'spec_version: "1.0"',
      'objectives:',
      '  - sli: response_time_p95',
      '    pass: [{criteria: ["<50"]}]',
      '  - sli: throughput',
      '    pass: [{criteria: [">=1"]}]',
      'total_score: {pass: "90%", warning: "75%"}',
      '',
    ].join('\n'),
  );
});

function evaluate(sli: string): Promise<CliRun> {
  writeFileSync(path.join(dt.dir, 'dynatrace.yaml'), sli);
  return runCli(
    [
      'evaluate',
      '--slo',
      'slo.yaml',
      '--sli',
      'dynatrace=dynatrace.yaml',
      '--service',
      'carts',
      '--start',
      START,
      '--end',
      END,
      '--settle',
      '0',
      '--history',
      'file:history.jsonl',
      '--json',
    ],
    { cwd: dt.dir, env: { DT_URL: dt.standIn.url, DT_API_TOKEN: TOKEN } },
  );
}

const window = { from: String(Date.parse(START)), to: String(Date.parse(END)) };

interface Evaluation {
  result: string;
  objectives: { sli: string; status: string; value: number | null; message: string }[];
}

describe('evaluate with Keptn-era Dynatrace SLI files', () => {
  it('fails only the SLI whose MV2 unit Keptn did not know, with the did-you-mean, and runs the rest (exit 1)', async () => {
    dt.standIn.expect({
      path: '/api/v2/metrics/query',
      query: { metricSelector: THROUGHPUT, resolution: 'Inf', ...window },
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
    });
    const run = await evaluate(
      [
        'indicators:',
        `  response_time_p95: 'MV2;MicroSeconds;metricSelector=${RT}'`,
        `  throughput: 'metricSelector=${THROUGHPUT}'`,
        '',
      ].join('\n'),
    );
    expect(run.exitCode, run.stderr).toBe(1);
    const evaluation = JSON.parse(run.stdout) as Evaluation;
    expect(evaluation.objectives).toMatchObject([
      {
        sli: 'response_time_p95',
        status: 'fail',
        value: null,
        message: expect.stringContaining(
          'MV2 unit "MicroSeconds" is not one Keptn knows (MicroSecond, Byte); did you mean "MicroSecond"?',
        ),
      },
      { sli: 'throughput', status: 'pass', value: 31846.08512740705 },
    ]);
    expect(run.stderr).toMatch(/dynatrace\.yaml:2:22 indicators\.response_time_p95: MV2 unit "MicroSeconds"/);
    expect(dt.standIn.requests).toHaveLength(1);
  });

  it('runs a legacy "<selector>?scope=" query as Keptn did, warning with the current form', async () => {
    dt.standIn.expect({
      path: '/api/v2/metrics/query',
      query: {
        metricSelector: RT,
        entitySelector: 'tag(keptn_service:carts),type(SERVICE)',
        resolution: 'Inf',
        ...window,
      },
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
    });
    dt.standIn.expect({
      path: '/api/v2/metrics/query',
      query: { metricSelector: THROUGHPUT, resolution: 'Inf', ...window },
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
    });
    const run = await evaluate(
      [
        'indicators:',
        `  response_time_p95: '${RT}?scope=tag(keptn_service:$SERVICE)'`,
        `  throughput: '${THROUGHPUT}'`,
        '',
      ].join('\n'),
    );
    expect(run.stderr).toContain(
      `write it in the current form: metricSelector=${RT}&entitySelector=tag(keptn_service:$SERVICE),type(SERVICE)&resolution=Inf`,
    );
    // In microseconds, as the last dynatrace-service returned it: "<50" fails, and evaluate warns
    // before the gate, as validate does, at the criterion.
    expect(run.stderr).toMatch(
      /slo\.yaml:4:24 objectives\[0\]\.pass\[0\]\.criteria\[0\]: "<50" for SLI "response_time_p95": the target looks like milliseconds/,
    );
    expect(run.exitCode, run.stderr).toBe(1);
    expect((JSON.parse(run.stdout) as Evaluation).objectives).toMatchObject([
      { sli: 'response_time_p95', value: 31846.08512740705, status: 'fail' },
      { sli: 'throughput', status: 'pass' },
    ]);
  });

  it('refuses what Keptn did not translate exactly, with the rewritten query (exit 2, no request)', async () => {
    const run = await evaluate(
      `indicators:\n  response_time_p95: '${RT}?scope=tag(a)&resolution=1h'\n  throughput: 'x'\n`,
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      `write metricSelector=${RT}&entitySelector=tag(a),type(SERVICE)&resolution=1h`,
    );
    expect(dt.standIn.requests).toEqual([]);
  });
});

describe('validate', () => {
  it('warns at file:line:col when a millisecond target meets a metric in microseconds (exit 0)', async () => {
    const config = path.join(dt.dir, '.ci-connect', 'base', 'carts');
    mkdirSync(path.join(config, 'sli'), { recursive: true });
    writeFileSync(
      path.join(config, 'slo.yaml'),
      'spec_version: "1.0"\nobjectives:\n  - sli: response_time_p95\n    pass: [{criteria: ["<400"]}]\ntotal_score: {pass: "90%"}\n',
    );
    writeFileSync(
      path.join(config, 'sli', 'dynatrace.yaml'),
      `indicators:\n  response_time_p95: 'metricSelector=${RT}&entitySelector=type(SERVICE)'\n`,
    );
    const run = await runCli(['validate'], { cwd: dt.dir });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'warning .ci-connect/base/carts/slo.yaml:4:24 objectives[0].pass[0].criteria[0]: "<400" for SLI "response_time_p95": the target looks like milliseconds, but builtin:service.response.time is in microseconds',
    );
    expect(run.stdout).toContain('prefix it with MV2;MicroSecond; or add :toUnit(MicroSecond,MilliSecond)');
  });
});

describe('--settle help', () => {
  it('names the 360 s default with a USQL; SLI, for evaluate and for stage runs', async () => {
    for (const command of ['evaluate', 'trigger-deployment']) {
      const run = await runCli([command, '--help']);
      expect(run.stdout.replace(/\s+/g, ' ')).toMatch(/default 120[^)]*360 with a USQL; SLI\)/);
    }
  });
});
