// `evaluate` reporting its result to Dynatrace as CUSTOM_INFO (DESIGN.md section 7), as a
// pipeline runs it: the real CLI, a config directory with events.dynatrace enabled, and the
// strict Dynatrace stand-in recording the ingest body. The verdict, the exit code and the
// history record never depend on whether the event got through.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import { startDynatraceStandIn, type DynatraceStandIn } from './support/dynatrace-stand-in.js';

const TOKEN =
  'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.EVTSECRETEVTSECRETEVTSECRETEVTSECRETEVTSECRETEVTSECRETEVTSECRET';
const INGEST = '/api/v2/events/ingest';
const JOB_URL = 'https://github.com/shop/carts/actions/runs/4242';

let standIn: DynatraceStandIn;
let dir: string;

beforeEach(async () => {
  standIn = await startDynatraceStandIn({ token: TOKEN });
  dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-evt-'));
});

afterEach(async () => {
  expect(standIn.violations).toEqual([]);
  expect(standIn.unusedExpectations()).toEqual([]);
  await standIn.close();
});

/** A config dir for shop/hardening/carts gating on two values; `events` is ci-connect.yaml's. */
function project(events: string, values: Record<string, number | null>): void {
  const service = path.join(dir, '.ci-connect', 'base', 'carts');
  mkdirSync(service, { recursive: true });
  writeFileSync(
    path.join(dir, '.ci-connect', 'ci-connect.yaml'),
    `project: shop\ndefaults:\n  stage: hardening\n${events}`,
  );
  writeFileSync(
    path.join(service, 'slo.yaml'),
    'objectives:\n  - sli: response_time_p95\n    pass: [{criteria: ["<500"]}]\n' +
      '  - sli: error_rate\n    pass: [{criteria: ["<=1"]}]\ntotal_score: {pass: "90%", warning: "50%"}\n',
  );
  writeFileSync(path.join(dir, 'values.json'), JSON.stringify(values));
}

async function evaluate(extra: string[] = []): Promise<CliRun> {
  const run = await runCli(
    ['evaluate', '--values', 'values.json', '--version', '1.4.2', '--json', ...extra],
    {
      cwd: dir,
      env: {
        DT_URL: standIn.url,
        DT_API_TOKEN: TOKEN,
        GITHUB_ACTIONS: 'true',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'shop/carts',
        GITHUB_RUN_ID: '4242',
      },
    },
  );
  expect(`${run.stdout}\n${run.stderr}`).not.toContain('EVTSECRET');
  return run;
}

function history(): Record<string, unknown>[] {
  return readFileSync(path.join(dir, '.ci-connect', 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const ENABLED = 'events:\n  dynatrace:\n    enabled: true\n';

describe('evaluate --dynatrace-event', () => {
  it('sends the failed gate as CUSTOM_INFO and still exits 1 with the result recorded', async () => {
    project(ENABLED, { response_time_p95: 812, error_rate: 5 });
    standIn.expect({
      method: 'POST',
      path: INGEST,
      query: {},
      respond: 'events-v2-ingest_201_one-report-ok',
    });
    const run = await evaluate();
    expect(run.exitCode, run.stderr).toBe(1);
    const evaluation = JSON.parse(run.stdout) as { id: string; score: number; start: string; end: string };
    expect(standIn.requests[0]?.authorization).toBe(`Api-Token ${TOKEN}`);
    expect(standIn.requests[0]?.body).toEqual({
      eventType: 'CUSTOM_INFO',
      title: 'Quality gate fail for carts 1.4.2 in hardening: score 0%',
      entitySelector: 'type(SERVICE),tag(service:carts)',
      properties: {
        project: 'shop',
        stage: 'hardening',
        service: 'carts',
        version: '1.4.2',
        ci: 'github',
        ciBackLink: JOB_URL,
        result: 'fail',
        score: String(evaluation.score),
        evaluationId: evaluation.id,
        evaluationStart: evaluation.start,
        evaluationEnd: evaluation.end,
        objectivesNotPassed: 'response_time_p95: fail (812); error_rate: fail (5)',
      },
    });
    expect(run.stderr).toContain(
      'sent the result to Dynatrace as CUSTOM_INFO on type(SERVICE),tag(service:carts) (correlation id 29028bcb58ef4998)',
    );
    expect(history().map((r) => r.id)).toEqual([evaluation.id]);
  });

  it('uses the entity selector of events.dynatrace', async () => {
    project(`${ENABLED}    entitySelector: type(SERVICE),tag(app:$SERVICE),tag(env:$STAGE)\n`, {
      response_time_p95: 100,
      error_rate: 0,
    });
    standIn.expect({
      method: 'POST',
      path: INGEST,
      query: {},
      respond: 'events-v2-ingest_201_one-report-ok',
    });
    const run = await evaluate();
    expect(run.exitCode, run.stderr).toBe(0);
    expect(standIn.requests[0]?.body).toMatchObject({
      title: 'Quality gate pass for carts 1.4.2 in hardening: score 100%',
      entitySelector: 'type(SERVICE),tag(app:carts),tag(env:hardening)',
    });
  });

  it('keeps the verdict when Dynatrace creates no event (a warning, exit 0, recorded)', async () => {
    project(ENABLED, { response_time_p95: 100, error_rate: 0 });
    standIn.expect({ method: 'POST', path: INGEST, query: {}, respond: 'events-v2-ingest_201_zero-reports' });
    const run = await evaluate();
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'evaluation', result: 'pass' });
    expect(run.stderr).toContain('the result is recorded, but was not sent to Dynatrace');
    expect(run.stderr).toContain('matched no entity');
    expect(history()).toHaveLength(1);
  });

  it('keeps the verdict when the token is refused (401), and never prints the token', async () => {
    project(ENABLED, { response_time_p95: 100, error_rate: 0 });
    standIn.expect({
      method: 'POST',
      path: INGEST,
      query: {},
      respond: { status: 401, body: { error: { code: 401, message: `Token ${TOKEN} is invalid` } } },
    });
    const run = await evaluate();
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/not sent to Dynatrace: .*401/);
  });

  it('sends nothing with --no-dynatrace-event, and sends with --dynatrace-event when the file does not ask', async () => {
    project(ENABLED, { response_time_p95: 100, error_rate: 0 });
    expect((await evaluate(['--no-dynatrace-event'])).exitCode).toBe(0);
    expect(standIn.requests).toEqual([]);

    project('', { response_time_p95: 100, error_rate: 0 });
    expect((await evaluate()).exitCode).toBe(0);
    expect(standIn.requests).toEqual([]);

    standIn.expect({
      method: 'POST',
      path: INGEST,
      query: {},
      respond: 'events-v2-ingest_201_one-report-ok',
    });
    expect((await evaluate(['--dynatrace-event'])).exitCode).toBe(0);
    expect(standIn.requests).toHaveLength(1);
  });
});
