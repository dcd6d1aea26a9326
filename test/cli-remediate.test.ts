// `ci-connect remediate` through the real CLI (issue 13): a project whose remediation actions run
// commands from tasks: (each writes the environment it got to a log), or scale through the helm
// stub, and whose gate asks a local server answering Prometheus' query API (a value that passes or
// one that fails). The problem comes from --problem-type, from a Dynatrace problem notification
// payload, or from the strict Dynatrace stand-in (--problem-id).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliBin, runCli, type CliRun } from './support/cli.js';
import { startDynatraceStandIn, type DynatraceStandIn } from './support/dynatrace-stand-in.js';
import { createHelmStub, type HelmStub } from './support/helm-stub.js';
import { startPrometheusStandIn, type PrometheusStandIn } from './support/prometheus-stand-in.js';

const TOKEN =
  'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.REMEDIATESECRETREMEDIATESECRETREMEDIATESECRETREMEDIATESECRETREMEDI';

// Logs the action's environment, one JSON line per run, to actions.log in the config directory.
const LOG_ENV = `require('fs').appendFileSync('actions.log', JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('CI_CONNECT_')))) + '\\n')`;

const CI_CONNECT_YAML = `project: shop
defaults:
  stage: production
tasks:
  toggle-feature:
    command: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(LOG_ENV)}]
`;

// Keptn's feature-toggle example (fixtures/keptn-examples), with a second action.
const REMEDIATION = `apiVersion: spec.keptn.sh/0.1.4
kind: Remediation
metadata:
  name: carts-remediation
spec:
  remediations:
    - problemType: Response time degradation
      actionsOnOpen:
        - action: toggle-feature
          name: Toggle feature flag
          description: Toggle feature flag EnableItemCache to ON
          value:
            EnableItemCache: "on"
        - action: toggle-feature
          name: Toggle promotion off
          description: Toggle feature flag EnablePromotion to OFF
          value: "EnablePromotion=off"
`;

// The shape of dynatrace-service's problem notification (its custom webhook payload, see
// fixtures/dynatrace SOURCES: problem-notification_keptn-template_*), for this project's service.
const NOTIFICATION = {
  type: 'sh.keptn.events.problem',
  specversion: '1.0',
  source: 'dynatrace',
  id: '343cd015-72ac-4e10-b241-1136a22e4cd0',
  time: '2026-12-05T19:58:45.263Z',
  data: {
    State: 'OPEN',
    PID: '-6004362228644432354_1638271020000V2',
    ProblemID: 'P-211117376',
    ProblemTitle: 'Response time degradation',
    ProblemURL:
      'https://abc12345.live.dynatrace.com/#problems/problemdetails;pid=-6004362228644432354_1638271020000V2',
    ImpactedEntity: 'Response time degradation on Web service carts',
    KeptnProject: 'shop',
    KeptnStage: 'production',
    KeptnService: 'carts',
    Tags: 'keptn_project:shop,keptn_stage:production,keptn_service:carts',
  },
};

/** The gate's SLI: below 1 passes. */
let passing: PrometheusStandIn;
let failing: PrometheusStandIn;
beforeAll(async () => {
  passing = await startPrometheusStandIn('0.5');
  failing = await startPrometheusStandIn('5');
});
afterAll(async () => {
  await passing.close();
  await failing.close();
});

let root: string;
let configDir: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ci-connect-remediate-'));
  configDir = path.join(root, '.ci-connect');
  const service = path.join(configDir, 'base', 'carts');
  mkdirSync(path.join(service, 'sli'), { recursive: true });
  writeFileSync(path.join(configDir, 'ci-connect.yaml'), CI_CONNECT_YAML);
  writeFileSync(path.join(service, 'remediation.yaml'), REMEDIATION);
  writeFileSync(
    path.join(service, 'slo.yaml'),
    'objectives:\n  - sli: error_ratio\n    pass: [{criteria: ["<1"]}]\ntotal_score: {pass: "90%"}\n',
  );
  writeFileSync(
    path.join(service, 'sli', 'prometheus.yaml'),
    'spec_version: "1.0"\nindicators:\n  error_ratio: sum(rate(http_errors_total{job="$SERVICE"}[$DURATION_SECONDS]))\n',
  );
  writeFileSync(path.join(root, 'problem.json'), JSON.stringify(NOTIFICATION, null, 2));
});

interface Step {
  kind: string;
  step: string;
  actionIndex: number;
  action: { name: string; action: string; value?: unknown } | null;
  result: string;
  evaluationId: string | null;
  problem: { key?: string; title: string };
  message: string;
}

interface RemediationJson {
  schemaVersion: number;
  kind: string;
  outcome: string;
  exitCode: number;
  problem: { title: string };
  steps: Step[];
}

function remediate(
  args: string[],
  gate: PrometheusStandIn,
  env: Record<string, string> = {},
): Promise<CliRun> {
  return runCli(['remediate', '--service', 'carts', '--wait', '0s', ...args], {
    cwd: root,
    env: { PROMETHEUS_URL: gate.url, ...env },
  });
}

/** The environment each action's command got, in order. */
function actionsRun(): Record<string, string>[] {
  const log = path.join(configDir, 'actions.log');
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, string>);
}

function history(): { kind: string; id: string; step?: string; result?: string }[] {
  const file = path.join(configDir, 'history.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { kind: string; id: string });
}

const stepsOf = (steps: Step[]) =>
  steps.map((s) => [s.step, s.actionIndex, s.action?.name ?? null, s.result]);

describe('ci-connect remediate', () => {
  it('runs the first action with the action and the problem in its environment; a passing gate resolves it (exit 0)', async () => {
    const run = await remediate(
      ['--problem-type', 'Response time degradation', '--json', '--label', 'job=42'],
      passing,
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as RemediationJson;
    expect(result).toMatchObject({
      schemaVersion: 1,
      kind: 'remediation-run',
      outcome: 'resolved',
      exitCode: 0,
      problem: { title: 'Response time degradation' },
    });
    expect(stepsOf(result.steps)).toEqual([
      ['action', 0, 'Toggle feature flag', 'pass'],
      ['resolved', 0, 'Toggle feature flag', 'pass'],
    ]);
    expect(actionsRun()).toEqual([
      expect.objectContaining({
        CI_CONNECT_ACTION: 'toggle-feature',
        CI_CONNECT_ACTION_NAME: 'Toggle feature flag',
        CI_CONNECT_ACTION_VALUE: '{"EnableItemCache":"on"}',
        CI_CONNECT_PROBLEM_ID: '',
        CI_CONNECT_PROBLEM_TITLE: 'Response time degradation',
        CI_CONNECT_PROBLEM_URL: '',
        CI_CONNECT_PROJECT: 'shop',
        CI_CONNECT_STAGE: 'production',
        CI_CONNECT_SERVICE: 'carts',
      }),
    ]);
    // Each step is in history, and the gate after the action is recorded as an evaluation.
    const records = history();
    const evaluation = records.find((r) => r.kind === 'evaluation');
    expect(result.steps[0]?.evaluationId).toBe(evaluation?.id);
    expect(records.filter((r) => r.kind === 'remediation').map((r) => r.id)).toEqual(
      result.steps.map((s) => (s as unknown as { id: string }).id),
    );
    expect(passing.paths).toContain('/api/v1/query');
  });

  it('a failing gate tries the next action; with none left it escalates (exit 1), and history list shows the steps', async () => {
    const run = await remediate(['--problem-type', 'Response time degradation'], failing);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(actionsRun().map((env) => env.CI_CONNECT_ACTION_VALUE)).toEqual([
      '{"EnableItemCache":"on"}',
      'EnablePromotion=off',
    ]);
    expect(run.stdout).toContain('1. "Toggle feature flag" (toggle-feature)  fail');
    expect(run.stdout).toContain('2. "Toggle promotion off" (toggle-feature)  fail');
    expect(run.stdout).toMatch(
      / {2}escalated: there is no action with index 2 .*; tried 1\. "Toggle feature flag"/,
    );
    expect(run.stdout).toMatch(/ESCALATED \(exit 1\)\n$/);
    const list = await runCli(['history', 'list', '--kind', 'remediation'], { cwd: root });
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stdout).toContain(
      'action 1 toggle-feature "Toggle feature flag" · "Response time degradation"',
    );
    expect(list.stdout).toContain('escalated · "Response time degradation"');
    // The HTML report of the service shows the steps, each action linked to its gate's column.
    const report = await runCli(['report', '--out', 'report'], { cwd: root });
    expect(report.exitCode, report.stderr).toBe(0);
    const page = readFileSync(path.join(root, 'report', 'index.html'), 'utf8');
    expect(page).toContain('<h2 id="h-remediation">Remediation</h2>');
    expect(page).toContain('action 2: Toggle promotion off (toggle-feature) <a href="#e1">gate</a>');
    expect(page).toMatch(
      /<td>escalated <a href="#e1">gate<\/a><\/td><td class="f">✗ fail<span class="msg">there is no action with index 2/,
    );
  });

  it('SIGTERM while waiting records where it stopped (exit 143); the next remediate first runs the gate that action never had', async () => {
    const child = spawn(
      process.execPath,
      [cliBin, 'remediate', '--service', 'carts', '--event-file', 'problem.json', '--wait', '10m', '--json'],
      { cwd: root, env: { ...cleanEnv(), PROMETHEUS_URL: failing.url } },
    );
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Once, as a CI runner does (a second SIGTERM would kill the process outright).
      if (stderr.includes('before the quality gate') && child.signalCode === null && !child.killed)
        child.kill('SIGTERM');
    });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(143);
    const first = JSON.parse(stdout) as RemediationJson;
    expect(first.outcome).toBe('cancelled');
    expect(stepsOf(first.steps)).toEqual([
      ['action', 0, 'Toggle feature flag', 'pass'],
      ['cancelled', 1, 'Toggle feature flag', 'fail'],
    ]);
    const key = first.steps[0]?.problem.key;
    expect(key).toBeDefined();

    // The toggle may have fixed it: its gate runs before another action does (a dry run says so).
    const dry = await remediate(['--event-file', 'problem.json', '--dry-run', '--json'], passing);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      nextIndex: 1,
      gateFirst: { actionIndex: 0, action: { name: 'Toggle feature flag' } },
    });
    const dryText = await remediate(['--event-file', 'problem.json', '--dry-run'], passing);
    expect(dryText.stdout).toContain(
      '  first: the quality gate after action 1, "Toggle feature flag" (toggle-feature), which the run that ran it did not get to; pass or warning resolves the problem without another action',
    );
    const second = await remediate(['--event-file', 'problem.json', '--json'], passing);
    expect(second.exitCode, second.stderr).toBe(0);
    const result = JSON.parse(second.stdout) as RemediationJson;
    expect(stepsOf(result.steps)).toEqual([['resolved', 0, 'Toggle feature flag', 'pass']]);
    expect(result.steps[0]?.problem.key).toBe(key);
    expect(result.steps[0]?.evaluationId).toEqual(expect.any(String));
    expect(actionsRun().map((env) => env.CI_CONNECT_ACTION_NAME)).toEqual(['Toggle feature flag']);
  });

  it('an action whose gate never ran and failed it: the next remediate goes on with the next action', async () => {
    const child = spawn(
      process.execPath,
      [cliBin, 'remediate', '--service', 'carts', '--event-file', 'problem.json', '--wait', '10m'],
      { cwd: root, env: { ...cleanEnv(), PROMETHEUS_URL: failing.url } },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('before the quality gate') && child.signalCode === null && !child.killed)
        child.kill('SIGTERM');
    });
    expect(await new Promise<number | null>((resolve) => child.on('close', resolve)), stderr).toBe(143);
    const second = await remediate(['--event-file', 'problem.json', '--json'], failing);
    expect(second.exitCode, second.stderr).toBe(1);
    const result = JSON.parse(second.stdout) as RemediationJson;
    expect(stepsOf(result.steps)).toEqual([
      ['action', 1, 'Toggle promotion off', 'fail'],
      ['escalated', 2, null, 'fail'],
    ]);
    expect(actionsRun().map((env) => env.CI_CONNECT_ACTION_NAME)).toEqual([
      'Toggle feature flag',
      'Toggle promotion off',
    ]);
  });

  it('an action without a runner is exit 2 before anything runs, with the nearest runnable name', async () => {
    writeFileSync(
      path.join(configDir, 'base', 'carts', 'remediation.yaml'),
      REMEDIATION.replace(
        '        - action: toggle-feature\n          name: Toggle promotion',
        '        - action: toggle-featur\n          name: Toggle promotion',
      ),
    );
    const asked = passing.paths.length;
    const run = await remediate(['--problem-type', 'Response time degradation'], passing);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('the remediation action "toggle-featur" has no runner');
    expect(run.stderr).toContain('did you mean "toggle-feature"?');
    expect(actionsRun()).toEqual([]);
    expect(history()).toEqual([]);
    expect(passing.paths).toHaveLength(asked);
  });

  it.each([
    ['no SLO for the gate', () => rmSync(path.join(configDir, 'base', 'carts', 'slo.yaml')), /slo\.yaml/],
    [
      'an SLI no provider defines',
      () => rmSync(path.join(configDir, 'base', 'carts', 'sli', 'prometheus.yaml')),
      /error_ratio/,
    ],
  ])('%s is exit 2 before the first action', async (_, change, message) => {
    change();
    const run = await remediate(['--problem-type', 'Response time degradation'], passing);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(actionsRun()).toEqual([]);
    expect(history()).toEqual([]);
  });

  it('--dry-run says which action would run and how, and changes nothing', async () => {
    const run = await remediate(['--problem-type', 'Response time degradation', '--dry-run'], passing);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'next: action 1, "Toggle feature flag" (toggle-feature) with value {"EnableItemCache":"on"}',
    );
    expect(run.stdout).toContain(`$ ${process.execPath} -e`);
    expect(actionsRun()).toEqual([]);
    expect(history()).toEqual([]);
  });

  it('waits as the shipyard’s remediation sequence says (Keptn’s carts example: triggeredAfter 15m) unless --wait is given', async () => {
    const shipyard = new URL(
      '../fixtures/keptn-examples/examples_onboarding-carts_shipyard.yaml',
      import.meta.url,
    );
    writeFileSync(path.join(configDir, 'shipyard.yaml'), readFileSync(shipyard));
    const args = ['remediate', '--problem-type', 'Response time degradation', '--dry-run', '--json'];
    const run = await runCli(args, { cwd: root });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'remediation-plan', waitMs: 900_000, nextIndex: 0 });
    const given = await runCli([...args, '--wait', '90s'], { cwd: root });
    expect(JSON.parse(given.stdout)).toMatchObject({ waitMs: 90_000 });
  });

  it.each([
    ['a missing event file', 'missing.json', undefined, /--event-file.*missing\.json/],
    ['an event file that is no JSON', 'bad.json', '{"data": {"ProblemTitle": "x",}}', /bad\.json:1:\d+/],
  ])('%s is exit 2 naming the file, before anything runs', async (_, file, text, message) => {
    if (text !== undefined) writeFileSync(path.join(root, file), text);
    const run = await remediate(['--event-file', file], passing);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(actionsRun()).toEqual([]);
    expect(history()).toEqual([]);
  });

  it('a control character in a payload’s problem title forges no line of the output', async () => {
    const forged = {
      ...NOTIFICATION,
      data: { ...NOTIFICATION.data, ProblemTitle: 'Slow\nRESOLVED (exit 0)' },
    };
    writeFileSync(path.join(root, 'forged.json'), JSON.stringify(forged));
    const run = await remediate(['--event-file', 'forged.json'], failing);
    expect(run.stdout.split('\n')).not.toContain('RESOLVED (exit 0)');
    expect(run.stdout).not.toMatch(/^RESOLVED/m);
    // Nor of history list's detail column, nor of history show.
    const list = await runCli(['history', 'list', '--kind', 'remediation'], { cwd: root });
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stdout).toContain('Slow\\nRESOLVED (exit 0)');
    expect(list.stdout).not.toMatch(/^RESOLVED/m);
    const id = history().find((r) => r.kind === 'remediation')!.id;
    const show = await runCli(['history', 'show', id], { cwd: root });
    expect(show.exitCode, show.stderr).toBe(0);
    expect(show.stdout).not.toMatch(/^RESOLVED/m);
  });

  it('credentials in a payload’s problem URL reach neither the output nor history', async () => {
    const password = 'Zq8vK2pLm4Xn9Rw';
    const token = 'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.0123456789abcdef';
    const url = `https://relay:${password}@hooks.example.com/problem?api-token=${token}&pid=1`;
    writeFileSync(
      path.join(root, 'problem.json'),
      JSON.stringify({ ...NOTIFICATION, data: { ...NOTIFICATION.data, ProblemURL: url } }),
    );
    for (const json of [['--json'], []]) {
      const run = await remediate(['--event-file', 'problem.json', ...json], passing);
      expect(run.exitCode, run.stderr).toBe(0);
      for (const text of [
        run.stdout,
        run.stderr,
        readFileSync(path.join(configDir, 'history.jsonl'), 'utf8'),
      ]) {
        expect(text).not.toContain(password);
        expect(text).not.toContain(token);
      }
    }
  });

  it('--problem-id without DT_URL and DT_API_TOKEN says what needs them and which scope (exit 2)', async () => {
    const run = await remediate(['--problem-id', 'P-211117376'], passing, { DT_URL: '', DT_API_TOKEN: '' });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      'error: --problem-id P-211117376 is read from Dynatrace, but DT_URL and DT_API_TOKEN are not set',
    );
    expect(run.stderr).toContain('problems.read');
    expect(run.stderr).not.toContain('SLO');
    expect(actionsRun()).toEqual([]);
  });

  it('--close with no Dynatrace problem to close says so before anything runs', async () => {
    const run = await remediate(['--problem-type', 'Response time degradation', '--close'], passing);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'warning: --close has no Dynatrace problem to close: --problem-type names a type, not a problem; pass --problem-id or --event-file',
    );
  });

  it('needs exactly one problem source', async () => {
    const run = await remediate(['--problem-type', 'x', '--event-file', 'problem.json'], passing);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/--problem-type|--event-file/);
  });
});

describe('ci-connect remediate --problem-id, against the strict Dynatrace stand-in', () => {
  const PROBLEM_ID = '-6004362228644432354_1638271020000V2';
  const PATH = `/api/v2/problems/${PROBLEM_ID}`;
  let standIn: DynatraceStandIn;

  // Built from the recorded shape of problems-v2_200_get-problem_open_no-root-cause_* (Problems API v2 `Problem`).
  const problem = (status: 'OPEN' | 'CLOSED') => ({
    status: 200,
    body: {
      problemId: PROBLEM_ID,
      displayId: 'P-211117376',
      title: 'Response time degradation',
      impactLevel: 'SERVICES',
      severityLevel: 'PERFORMANCE',
      status,
      affectedEntities: [{ entityId: { id: 'SERVICE-1016B63497E3FEF6', type: 'SERVICE' }, name: 'carts' }],
      impactedEntities: [{ entityId: { id: 'SERVICE-1016B63497E3FEF6', type: 'SERVICE' }, name: 'carts' }],
      rootCauseEntity: null,
      managementZones: [],
      entityTags: [],
      problemFilters: [],
      startTime: 1638271320000,
      endTime: status === 'OPEN' ? -1 : 1638272320000,
    },
  });

  beforeEach(async () => {
    standIn = await startDynatraceStandIn({ token: TOKEN });
  });
  afterEach(async () => {
    expect(standIn.violations).toEqual([]);
    expect(standIn.unusedExpectations()).toEqual([]);
    await standIn.close();
  });

  const dtEnv = () => ({ DT_URL: standIn.url, DT_API_TOKEN: TOKEN });

  it('a problem Dynatrace closes after the action ends the loop with exit 0, without a gate', async () => {
    standIn.expect({ path: PATH, query: {}, respond: problem('OPEN') });
    standIn.expect({ path: PATH, query: {}, respond: problem('CLOSED') });
    const asked = passing.paths.length;
    const run = await remediate(['--problem-id', PROBLEM_ID, '--json'], passing, dtEnv());
    expect(run.exitCode, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as RemediationJson;
    expect(result.outcome).toBe('problem-closed');
    expect(actionsRun().map((env) => env.CI_CONNECT_PROBLEM_ID)).toEqual([PROBLEM_ID]);
    expect(passing.paths).toHaveLength(asked);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('a passing gate comments on the problem and, with --close, closes it', async () => {
    standIn.expect({ path: PATH, query: {}, respond: problem('OPEN'), times: 2 });
    standIn.expect({
      method: 'POST',
      path: `${PATH}/comments`,
      query: {},
      respond: { status: 201, body: '' },
    });
    standIn.expect({
      method: 'POST',
      path: `${PATH}/close`,
      query: {},
      respond: { status: 200, body: { problemId: PROBLEM_ID, closing: true } },
    });
    const run = await remediate(['--problem-id', PROBLEM_ID, '--close'], passing, dtEnv());
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/RESOLVED \(exit 0\)/);
    const [comment, close] = standIn.requests.filter((r) => r.method === 'POST');
    expect(comment?.body).toEqual({
      message: expect.stringMatching(
        /^ci-connect remediate: "Toggle feature flag" \(toggle-feature\) resolved problem P-211117376 "Response time degradation": quality gate pass/,
      ),
      context: 'ci-connect',
    });
    expect(close?.body).toEqual({ message: expect.stringMatching(/^ci-connect remediate: /) });
  });

  it('a problem closed already runs nothing (exit 0)', async () => {
    standIn.expect({ path: PATH, query: {}, respond: problem('CLOSED') });
    const run = await remediate(['--problem-id', PROBLEM_ID], passing, dtEnv());
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('is closed already: nothing to remediate');
    expect(actionsRun()).toEqual([]);
  });
});

describe('ci-connect remediate: events', () => {
  let standIn: DynatraceStandIn;
  beforeEach(async () => {
    standIn = await startDynatraceStandIn({ token: TOKEN });
  });
  afterEach(async () => {
    expect(standIn.violations).toEqual([]);
    expect(standIn.unusedExpectations()).toEqual([]);
    await standIn.close();
  });

  it('sends Keptn’s remediation CloudEvents and a Dynatrace event per action and for the outcome', async () => {
    writeFileSync(
      path.join(configDir, 'ci-connect.yaml'),
      `${CI_CONNECT_YAML}events:\n  cloudevents:\n    sink: file:events.jsonl\n  dynatrace:\n    enabled: true\n`,
    );
    // The action's CUSTOM_CONFIGURATION, the gate's CUSTOM_INFO, the outcome's CUSTOM_INFO.
    standIn.expect({
      method: 'POST',
      path: '/api/v2/events/ingest',
      query: {},
      respond: 'events-v2-ingest_201_one-report-ok',
      times: 3,
    });
    const run = await remediate(['--problem-type', 'Response time degradation'], passing, {
      DT_URL: standIn.url,
      DT_API_TOKEN: TOKEN,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const events = readFileSync(path.join(root, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map(
        (line) =>
          JSON.parse(line) as {
            type: string;
            shkeptncontext: string;
            triggeredid?: string;
            id: string;
            data: Record<string, unknown>;
          },
      );
    expect(events.map((e) => e.type)).toEqual([
      'sh.keptn.event.production.remediation.triggered',
      'sh.keptn.event.get-action.triggered',
      'sh.keptn.event.get-action.started',
      'sh.keptn.event.get-action.finished',
      'sh.keptn.event.action.triggered',
      'sh.keptn.event.action.started',
      'sh.keptn.event.action.finished',
      'sh.keptn.event.evaluation.triggered',
      'sh.keptn.event.evaluation.started',
      'sh.keptn.event.evaluation.finished',
      'sh.keptn.event.production.remediation.finished',
    ]);
    expect(new Set(events.map((e) => e.shkeptncontext)).size).toBe(1);
    const byType = (type: string) => events.find((e) => e.type === `sh.keptn.event.${type}`)!;
    expect(byType('get-action.finished').data).toMatchObject({
      project: 'shop',
      stage: 'production',
      service: 'carts',
      result: 'pass',
      action: { action: 'toggle-feature', name: 'Toggle feature flag', value: { EnableItemCache: 'on' } },
      'get-action': { actionIndex: 1 },
    });
    expect(byType('get-action.finished').triggeredid).toBe(byType('get-action.triggered').id);
    expect(byType('action.triggered').data).toMatchObject({
      action: { action: 'toggle-feature' },
      problem: { ProblemTitle: 'Response time degradation', State: 'OPEN' },
    });
    expect(byType('evaluation.finished').data).toMatchObject({
      result: 'pass',
      evaluation: { result: 'pass' },
    });
    expect(byType('production.remediation.finished').data).toMatchObject({
      status: 'succeeded',
      result: 'pass',
    });
    const sent = standIn.requests
      .filter((r) => r.method === 'POST')
      .map((r) => r.body as { eventType: string; title: string });
    expect(sent.map((e) => e.eventType)).toEqual(['CUSTOM_CONFIGURATION', 'CUSTOM_INFO', 'CUSTOM_INFO']);
    expect(sent[0]?.title).toMatch(
      /^Remediation action "Toggle feature flag" \(toggle-feature\) for problem .*"Response time degradation": pass$/,
    );
    expect(sent[2]?.title).toMatch(/^Remediation of problem .*: resolved$/);
    expect(readFileSync(path.join(root, 'events.jsonl'), 'utf8')).not.toContain(TOKEN);
  });
});

describe('ci-connect remediate: scaling through helm', () => {
  let helm: HelmStub;
  beforeAll(async () => {
    helm = await createHelmStub([
      { command: ['get', 'values'], stdout: '{"replicaCount": 2, "image": "carts:1.4.2"}\n' },
      {
        command: ['upgrade'],
        stdout: 'Release "shop-production-carts" has been upgraded. Happy Helming!\nREVISION: 4\n',
      },
    ]);
  });
  afterAll(() => helm.cleanup());

  /** The service's remediation file with one scaling action ("Scale up") as its only action. */
  const writeScaling = (description: string, value: string) =>
    writeFileSync(
      path.join(configDir, 'base', 'carts', 'remediation.yaml'),
      REMEDIATION.replace(
        /actionsOnOpen:\n[\s\S]*$/,
        `actionsOnOpen:\n        - action: scaling\n          name: Scale up\n          description: ${description}\n          value: "${value}"\n`,
      ),
    );
  const remediateWithHelm = () =>
    runCli(
      ['remediate', '--service', 'carts', '--wait', '0s', '--problem-type', 'Response time degradation'],
      {
        cwd: root,
        env: { ...helm.env(), PROMETHEUS_URL: passing.url },
      },
    );

  it('scaling without a tasks entry raises replicaCount by the action’s value on the service’s release', async () => {
    writeScaling('one more pod', '1');
    const run = await remediateWithHelm();
    expect(run.exitCode, run.stderr).toBe(0);
    expect(helm.unmatched()).toEqual([]);
    const chart = path.join(configDir, 'base', 'carts', 'helm');
    expect(helm.argvs()).toEqual([
      [
        'get',
        'values',
        'shop-production-carts',
        '--namespace',
        'shop-production',
        '--all',
        '--output',
        'json',
      ],
      [
        'upgrade',
        'shop-production-carts',
        chart,
        '--namespace',
        'shop-production',
        '--reuse-values',
        '--atomic',
        '--wait',
        '--timeout',
        '300s',
        '--set',
        'replicaCount=3',
      ],
    ]);
    expect(run.stdout).toContain('scaled shop-production-carts from 2 to 3 replicas');
  });

  it('scales the release the last recorded deployment made, and says when the chart changed since', async () => {
    const chart = path.join(configDir, 'base', 'carts', 'helm');
    mkdirSync(chart, { recursive: true });
    writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: carts\nversion: 0.2.0\n');
    const deployment = {
      schemaVersion: 1,
      id: 'deployment-1',
      kind: 'deployment',
      project: 'shop',
      stage: 'production',
      service: 'carts',
      version: '1.4.2',
      strategy: 'direct',
      release: 'carts-prod',
      namespace: 'shop-live',
      sequenceRunId: 'run-1',
      chart: { path: '.ci-connect/base/carts/helm', digest: 'sha256:0000' },
      values: [],
      deployedAt: '2026-12-05T18:00:00.000Z',
      invalidated: false,
    };
    writeFileSync(path.join(configDir, 'history.jsonl'), `${JSON.stringify(deployment)}\n`);
    writeScaling('two more pods', '2');
    const before = helm.calls().length;
    const run = await remediateWithHelm();
    expect(run.exitCode, run.stderr).toBe(0);
    expect(helm.argvs().slice(before)).toEqual([
      ['get', 'values', 'carts-prod', '--namespace', 'shop-live', '--all', '--output', 'json'],
      [
        ...['upgrade', 'carts-prod', chart, '--namespace', 'shop-live', '--reuse-values'],
        ...['--atomic', '--wait', '--timeout', '300s', '--set', 'replicaCount=4'],
      ],
    ]);
    expect(run.stderr).toMatch(
      /scaling: the chart .* is not the one deployment deployment-1 recorded \(sha256:0000\); helm upgrade deploys its changes too/,
    );
  });

  it('a blue/green release is not scaled: exit 2 before anything runs', async () => {
    const deployment = {
      schemaVersion: 1,
      id: 'deployment-bg',
      kind: 'deployment',
      project: 'shop',
      stage: 'production',
      service: 'carts',
      version: '1.4.2',
      strategy: 'blue_green_service',
      release: 'shop-production-carts',
      namespace: 'shop-production',
      sequenceRunId: 'run-1',
      values: [],
      deployedAt: '2026-12-05T18:00:00.000Z',
      invalidated: false,
    };
    writeFileSync(path.join(configDir, 'history.jsonl'), `${JSON.stringify(deployment)}\n`);
    writeScaling('one more pod', '1');
    const before = helm.calls().length;
    const run = await remediateWithHelm();
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      'scaling: the last deployment of carts in production is blue_green_service, which ci-connect does not scale',
    );
    expect(helm.calls()).toHaveLength(before);
    expect(history().map((r) => r.kind)).toEqual(['deployment']);
  });

  it('a release helm does not know fails the action: escalated (exit 1), nothing upgraded', async () => {
    await helm.setRules([{ command: ['get', 'values'], exitCode: 1, stderr: 'Error: release: not found\n' }]);
    writeScaling('one more pod', '1');
    const before = helm.calls().length;
    const run = await remediateWithHelm();
    expect(run.exitCode, run.stderr).toBe(1);
    expect(
      helm
        .argvs()
        .slice(before)
        .map((argv) => argv[0]),
    ).toEqual(['get']);
    expect(run.stdout).toContain(
      'escalated: the action "Scale up" (scaling) failed: there is no release shop-production-carts in shop-production to scale',
    );
  });

  it.each([
    ['a text', '"many"'],
    ['a fraction', '2.5'],
    ['a negative number', '-1'],
  ])(
    'a replicaCount that is %s is not guessed as 1: the action fails naming it (escalated, exit 1), nothing upgraded',
    async (_what, replicaCount) => {
      await helm.setRules([
        { command: ['get', 'values'], stdout: `{"replicaCount": ${replicaCount}, "image": "carts:1.4.2"}\n` },
      ]);
      writeScaling('one more pod', '1');
      const before = helm.calls().length;
      const run = await remediateWithHelm();
      expect(run.exitCode, run.stderr).toBe(1);
      expect(
        helm
          .argvs()
          .slice(before)
          .map((argv) => argv[0]),
      ).toEqual(['get']);
      expect(run.stdout).toContain(
        `the action "Scale up" (scaling) failed: the release shop-production-carts has replicaCount ${replicaCount}, not a whole number of replicas`,
      );
    },
  );
});

function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith('CI_CONNECT_'),
    ),
  );
}
