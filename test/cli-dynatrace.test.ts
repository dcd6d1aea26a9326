// `ci-connect evaluate` against Dynatrace, as a user runs it: the real CLI with DT_URL and
// DT_API_TOKEN pointing at a strict local stand-in that answers with recorded responses.
// Every failure path is driven with a known token, and the token is searched for in
// everything the run produced: stdout, stderr, history and reports.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import {
  DT_TEST_END as END,
  DT_TEST_START as START,
  DT_TEST_TOKEN as TOKEN,
  useDynatraceStandIn,
} from './support/dynatrace-cli.js';

const METRICS = '/api/v2/metrics/query';

const dt = useDynatraceStandIn('ci-connect-dt-');

beforeEach(() => {
  writeFileSync(
    path.join(dt.dir, 'slo.yaml'),
    'spec_version: "1.0"\nobjectives:\n  - sli: response_time_p95\n    pass: [{criteria: ["<50"]}]\n    warning: [{criteria: ["<=60"]}]\ntotal_score: {pass: "90%", warning: "75%"}\n',
  );
  writeFileSync(
    path.join(dt.dir, 'dynatrace.yaml'),
    'spec_version: "1.0"\nindicators:\n  response_time_p95: "MV2;MicroSecond;metricSelector=builtin:service.response.time:merge(\\"dt.entity.service\\"):percentile(95)&entitySelector=type(SERVICE),tag(service:$SERVICE)"\n',
  );
});

const windowArgs = [
  '--start',
  START,
  '--end',
  END,
  '--settle',
  '0',
  '--history',
  'file:history.jsonl',
  '--report-dir',
  'reports',
];

function metricsQuery(): Record<string, string> {
  return {
    metricSelector: 'builtin:service.response.time:merge("dt.entity.service"):percentile(95)',
    entitySelector: 'type(SERVICE),tag(service:carts)',
    from: String(Date.parse(START)),
    to: String(Date.parse(END)),
    resolution: 'Inf',
  };
}

/** Everything the run left behind, as text. */
function everything(run: CliRun): string {
  const files = existsSync(path.join(dt.dir, 'reports'))
    ? readdirSync(path.join(dt.dir, 'reports')).map((f) => path.join(dt.dir, 'reports', f))
    : [];
  const history = path.join(dt.dir, 'history.jsonl');
  return [
    run.stdout,
    run.stderr,
    ...files.map((f) => readFileSync(f, 'utf8')),
    existsSync(history) ? readFileSync(history, 'utf8') : '',
  ].join('\n');
}

async function runWith(extra: string[]): Promise<CliRun> {
  return runCli(
    [
      'evaluate',
      '--slo',
      'slo.yaml',
      '--sli',
      'dynatrace=dynatrace.yaml',
      '--service',
      'carts',
      ...windowArgs,
      ...extra,
    ],
    {
      cwd: dt.dir,
      env: { DT_URL: dt.standIn.url, DT_API_TOKEN: TOKEN },
    },
  );
}

describe('evaluate with Dynatrace SLIs', () => {
  it('scores the recorded p95, microseconds converted to milliseconds (exit 0)', async () => {
    dt.standIn.expect({
      path: METRICS,
      query: metricsQuery(),
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
    });
    const run = await runWith(['--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const evaluation = JSON.parse(run.stdout) as {
      result: string;
      objectives: { value: number; provider: string }[];
    };
    expect(evaluation.result).toBe('pass');
    expect(evaluation.objectives[0]).toMatchObject({ provider: 'dynatrace' });
    expect(evaluation.objectives[0]!.value).toBeCloseTo(31.84608512740705, 9);
    expect(dt.standIn.requests.map((r) => r.authorization)).toEqual([`Api-Token ${TOKEN}`]);
    expect(everything(run)).not.toContain(TOKEN);
    expect(dt.standIn.unusedExpectations()).toEqual([]);
  });

  it('fails the objective with the server message when Dynatrace rejects the query (exit 1)', async () => {
    dt.standIn.expect({
      path: METRICS,
      query: metricsQuery(),
      respond: 'error_400_metrics-query_selector-parse-error',
    });
    const run = await runWith(['--json']);
    expect(run.exitCode, run.stderr).toBe(1);
    const evaluation = JSON.parse(run.stdout) as { objectives: { status: string; message: string }[] };
    expect(evaluation.objectives[0]).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/^error: /),
    });
    expect(everything(run)).not.toContain(TOKEN);
  });

  it.each([
    ['error_401_missing-authorization-parameter', 'token'],
    ['error_403_missing-scope_problems-read', 'scope'],
  ])('exits 2 on %s, says what to fix, and records nothing', async (fixture, word) => {
    dt.standIn.expect({ path: METRICS, query: metricsQuery(), respond: fixture });
    const run = await runWith([]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.toLowerCase()).toContain(word);
    expect(existsSync(path.join(dt.dir, 'history.jsonl'))).toBe(false);
    expect(everything(run)).not.toContain(TOKEN);
  });

  it('exits 3 and records nothing when Dynatrace answers 503 on every try', async () => {
    dt.standIn.expect({
      path: METRICS,
      query: metricsQuery(),
      respond: { status: 503, body: 'maintenance' },
      times: 10,
    });
    const run = await runWith([]);
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toContain('no SLI could be fetched');
    expect(existsSync(path.join(dt.dir, 'history.jsonl'))).toBe(false);
    expect(everything(run)).not.toContain(TOKEN);
  });

  it('exits 3 when Dynatrace cannot be reached at all', async () => {
    const closed = await freePort();
    const run = await runCli(
      [
        'evaluate',
        '--slo',
        'slo.yaml',
        '--sli',
        'dynatrace=dynatrace.yaml',
        '--service',
        'carts',
        ...windowArgs,
      ],
      {
        cwd: dt.dir,
        env: { DT_URL: `http://127.0.0.1:${closed}`, DT_API_TOKEN: TOKEN },
      },
    );
    expect(run.exitCode, run.stderr).toBe(3);
    expect(everything(run)).not.toContain(TOKEN);
  });

  it('exits 2 naming DT_API_TOKEN when it is not set', async () => {
    const run = await runCli(
      ['evaluate', '--slo', 'slo.yaml', '--sli', 'dynatrace=dynatrace.yaml', ...windowArgs],
      {
        cwd: dt.dir,
        env: { DT_URL: dt.standIn.url },
      },
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('DT_API_TOKEN');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
