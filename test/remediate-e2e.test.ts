// `ci-connect remediate` end to end (issue 13), as the pipeline job of docs/remediation.md runs
// it: the real CLI on the example project of that page (fixtures/remediation-example), a strict
// Dynatrace stand-in serving the problem (recorded Problems API v2 shapes), the carts app whose
// latency the `toggle-feature` command really changes, real Prometheus for each re-evaluation,
// and the helm stub for `scaling`. The cases run in order on one copy of the project, so history
// carries over from one run to the next as it does between pipeline jobs; one case waits the
// default minute on purpose (the gate window then holds only what followed the action).
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { cliBin, runCli, type CliRun } from './support/cli.js';
import { cleanUpDemo } from './support/demo-app.js';
import { startDynatraceStandIn, type DynatraceStandIn } from './support/dynatrace-stand-in.js';
import { createHelmStub, upgradeSucceeded, type HelmStub } from './support/helm-stub.js';
import { prometheus } from './support/prometheus-server.js';
import { describeWithReal } from './support/real-components.js';
import {
  copyExample,
  problemBody,
  removeExample,
  startServiceUnderLoad,
  waitForP95,
  type ServiceUnderLoad,
} from './support/remediation-example.js';

const TOKEN = `dt0c01.REMEDIATEE2EABCDEFGHIJKL.${'S3CR3T'.repeat(11)}`;
const RELEASE = 'sockshop-production-carts';
const NAMESPACE = 'sockshop-production';
const PROBLEMS = '/api/v2/problems';
const INGEST = '/api/v2/events/ingest';

/** Three problems Dynatrace opened on carts; history keeps their actions apart by problemId. */
const CPU = {
  problemId: '-1000000000000000001_1764900000000V2',
  displayId: 'P-251205001',
  title: 'CPU saturation',
};
const SLOW = {
  problemId: '-2000000000000000002_1764900000000V2',
  displayId: 'P-251205002',
  title: 'Response time degradation',
};
const AGAIN = {
  problemId: '-3000000000000000003_1764900000000V2',
  displayId: 'P-251205003',
  title: 'Response time degradation',
};

interface Step {
  kind: string;
  step: string;
  actionIndex: number;
  action: { name: string; action: string; description: string; value?: unknown } | null;
  result: string;
  evaluationId: string | null;
  problem: { key?: string; displayId?: string; title: string };
  message: string;
}

interface RemediationRun {
  schemaVersion: number;
  kind: string;
  outcome: string;
  exitCode: number;
  problem: Record<string, unknown>;
  steps: Step[];
}

function runOf(run: CliRun): RemediationRun {
  expect(run.stdout.trim().startsWith('{'), `stdout: ${run.stdout}\nstderr: ${run.stderr}`).toBe(true);
  return JSON.parse(run.stdout) as RemediationRun;
}

/** The Dynatrace notification as a GitLab job gets it in $TRIGGER_PAYLOAD (docs/remediation.md). */
function triggerPayload(problem: typeof AGAIN, state: 'OPEN' | 'RESOLVED'): string {
  return JSON.stringify({
    State: state,
    PID: problem.problemId,
    ProblemID: problem.displayId.slice(2),
    ProblemTitle: problem.title,
    ProblemURL: `https://abc12345.live.dynatrace.com/#problems/problemdetails;pid=${problem.problemId}`,
    ImpactedEntities: [{ type: 'SERVICE', name: 'carts', entity: 'SERVICE-1016B63497E3FEF6' }],
    Tags: 'keptn_project:sockshop, keptn_stage:production, keptn_service:carts',
    // GitLab adds the trigger's own fields to the body it stores.
    id: '4711',
    ref: 'main',
    variables: {},
  });
}

describeWithReal(prometheus, 'the remediation example against the real carts app and Prometheus', (found) => {
  let service: ServiceUnderLoad;
  let root: string;
  let helm: HelmStub;
  let standIn: DynatraceStandIn;

  beforeAll(async () => {
    root = copyExample();
    service = await startServiceUnderLoad(found.bin);
    helm = await createHelmStub([
      {
        command: ['get', 'values'],
        stdout: `${JSON.stringify({ image: 'keptnexamples/carts:0.13.1', replicaCount: 1 })}\n`,
      },
      { command: ['upgrade'], stdout: upgradeSucceeded(RELEASE, NAMESPACE, 2) },
    ]);
  }, 40_000);

  afterAll(async () => {
    await service?.stop();
    await cleanUpDemo();
    await helm?.cleanup();
    removeExample(root);
  });

  beforeEach(async () => {
    standIn = await startDynatraceStandIn({ token: TOKEN });
  });

  afterEach(async () => {
    printed.push(JSON.stringify(standIn.requests));
    expect(standIn.violations).toEqual([]);
    expect(standIn.unusedExpectations()).toEqual([]);
    expect(helm.unmatched()).toEqual([]);
    await standIn.close();
  });

  const env = () => ({
    DT_URL: standIn.url,
    DT_API_TOKEN: TOKEN,
    PROMETHEUS_URL: service.prometheus.url,
    FEATURE_FLAGS_URL: service.appUrl,
    PATH: helm.env().PATH!,
  });
  /** Everything the remediate runs printed, for the token check at the end. */
  const printed: string[] = [];
  const remediate = async (args: string[]) => {
    const run = await runCli(
      ['remediate', '--service', 'carts', '--stage', 'production', '--json', ...args],
      {
        cwd: root,
        env: env(),
        // Up to two waits of the default minute: the gate of an action an earlier run left
        // ungated, then the gate of the next action.
        timeoutMs: 240_000,
      },
    );
    printed.push(run.stdout, run.stderr);
    return run;
  };
  const history = () =>
    readFileSync(path.join(root, '.ci-connect/history.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const stepsOf = (problem: { problemId: string }) =>
    history().filter(
      (r) => r.kind === 'remediation' && (r as unknown as Step).problem.key === problem.problemId,
    );
  const evaluation = (id: string | null) => history().find((r) => r.kind === 'evaluation' && r.id === id);
  const p95Of = (record: Record<string, unknown> | undefined) =>
    (record?.objectives as { sli: string; value: number }[]).find((o) => o.sli === 'response_time_p95')
      ?.value;
  const scaled = (chartDir = path.join(root, '.ci-connect/base/carts/helm')) => [
    ['get', 'values', RELEASE, '--namespace', NAMESPACE, '--all', '--output', 'json'],
    [
      ...['upgrade', RELEASE, chartDir, '--namespace', NAMESPACE, '--reuse-values'],
      ...['--atomic', '--wait', '--timeout', '300s', '--set', 'replicaCount=2'],
    ],
  ];
  const problemAnswer = (problem: typeof CPU, status: 'OPEN' | 'CLOSED') => ({
    status: 200,
    body: problemBody({ ...problem, status }),
  });
  const comments = (problem: typeof CPU) =>
    standIn.requests
      .filter((r) => r.method === 'POST' && r.path === `${PROBLEMS}/${problem.problemId}/comments`)
      .map((r) => r.body as { message: string; context?: string });
  /** The types of the CloudEvents written to the example's sink so far. */
  const cloudEventTypes = () => {
    const file = path.join(root, 'events.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
  };
  /** The Dynatrace events sent so far, as `<eventType>: <title>`. */
  const events = () =>
    standIn.requests
      .filter((r) => r.path === INGEST)
      .map((r) => r.body as { eventType: string; title: string })
      .map((e) => `${e.eventType}: ${e.title}`);

  it("fails the example's SLO while promotions are on (ci-connect evaluate, real Prometheus)", async () => {
    await waitForP95(service, 5, (ms) => ms > 250);
    const run = await runCli(
      [
        ...['evaluate', '--config-dir', '.ci-connect', '--service', 'carts'],
        ...['--timeframe', '1m', '--no-dynatrace-event', '--history', 'file:gate-check.jsonl', '--json'],
      ],
      { cwd: root, env: { PROMETHEUS_URL: service.prometheus.url } },
    );
    expect(run.exitCode, run.stderr).toBe(1);
    const evaluation = JSON.parse(run.stdout) as {
      objectives: { sli: string; value: number; status: string }[];
    };
    const p95 = evaluation.objectives.find((o) => o.sli === 'response_time_p95');
    expect(p95).toMatchObject({ status: 'fail' });
    expect(p95?.value).toBeGreaterThan(250);
    expect(evaluation.objectives.find((o) => o.sli === 'error_rate')).toMatchObject({ status: 'pass' });
  });

  it('the toggle-feature script turns promotions off, and the latency really drops', async () => {
    const script = path.join(root, 'scripts/toggle-feature.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, [script], {
      cwd: root,
      env: {
        FEATURE_FLAGS_URL: service.appUrl,
        CI_CONNECT_ACTION_VALUE: JSON.stringify({ EnablePromotion: 'off' }),
        CI_CONNECT_PROBLEM_ID: 'P-1',
      },
    });
    expect(stdout).toBe('EnablePromotion is now off (problem P-1)\n');
    expect(await (await fetch(`${service.appUrl}/flags`)).json()).toEqual({ EnablePromotion: 'off' });
    expect(await waitForP95(service, 3, (ms) => ms < 100)).toBeLessThan(100);
    await service.setFlag('EnablePromotion', 'on');
    expect(await waitForP95(service, 3, (ms) => ms > 250)).toBeGreaterThan(250);
  }, 60_000);

  it('the toggle-feature script fails with the reason for an unknown flag or a value that is not a mapping', async () => {
    const script = path.join(root, 'scripts/toggle-feature.mjs');
    const run = (value: string) =>
      promisify(execFile)(process.execPath, [script], {
        env: { FEATURE_FLAGS_URL: service.appUrl, CI_CONNECT_ACTION_VALUE: value },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      );
    expect(await run('{"EnablePromotions":"off"}')).toEqual({
      code: 1,
      stderr:
        'toggle-feature: setting EnablePromotions to off failed (HTTP 400): {"error":"unknown flag \\"EnablePromotions\\" (known: EnablePromotion)"}\n',
    });
    expect(await run('"off"')).toEqual({
      code: 1,
      stderr: 'toggle-feature: the action\'s value must be a mapping of flag names to "on" or "off"\n',
    });
    expect(await (await fetch(`${service.appUrl}/flags`)).json()).toEqual({ EnablePromotion: 'on' });
  });
  it('--dry-run says which action would run, and how, and changes nothing', async () => {
    const helmCalls = helm.calls().length;
    const run = await runCli(
      [
        ...['remediate', '--service', 'carts', '--stage', 'production'],
        ...['--problem-type', 'Response time degradation', '--dry-run', '--json'],
      ],
      { cwd: root, env: env() },
    );
    printed.push(run.stdout, run.stderr);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      schemaVersion: 1,
      kind: 'remediation-plan',
      problem: { title: 'Response time degradation', status: 'open' },
      nextIndex: 0,
      next: {
        action: { action: 'scaling', name: 'Scale up', value: '1' },
        commands: [
          ['helm', 'get', 'values', '<release>', '--namespace', '<namespace>', '--all', '--output', 'json'],
          // What scaling runs (see scaled()), with the names it looks up when it runs.
          [
            ...['helm', 'upgrade', '<release>', '<chart>', '--namespace', '<namespace>', '--reuse-values'],
            ...['--atomic', '--wait', '--timeout', '300s', '--set', 'replicaCount=<current+1>'],
          ],
        ],
      },
      waitMs: 60_000,
    });
    expect(helm.calls().length).toBe(helmCalls);
    expect(existsSync(path.join(root, '.ci-connect/history.jsonl'))).toBe(false);
    expect(standIn.requests).toEqual([]);
  });

  it('refuses an action with no runner before anything runs (exit 2), as validate does', async () => {
    const other = copyExample();
    try {
      const file = path.join(other, '.ci-connect/base/carts/remediation.yaml');
      writeFileSync(
        file,
        `${readFileSync(file, 'utf8')}    - problemType: Memory leak\n      actionsOnOpen:\n        - action: scaling\n          name: Scale up\n          description: Add one replica\n          value: "1"\n        - action: restart\n          name: Restart\n          description: Restart the pods\n`,
      );
      const helmCalls = helm.calls().length;
      const run = await runCli(
        ['remediate', '--service', 'carts', '--stage', 'production', '--problem-type', 'Memory leak'],
        { cwd: other, env: env() },
      );
      expect(run.exitCode, run.stderr).toBe(2);
      expect(run.stderr).toContain('restart');
      expect(run.stderr).toContain('tasks');
      expect(helm.calls().length).toBe(helmCalls);
      expect(existsSync(path.join(other, '.ci-connect/history.jsonl'))).toBe(false);
      // validate says the same, where it is written.
      const validate = await runCli(['validate'], { cwd: other });
      expect(validate.exitCode, validate.stdout).toBe(2);
      expect(validate.stdout).toContain(
        'error .ci-connect/base/carts/remediation.yaml:32:19 spec.remediations[2].actionsOnOpen[1].action: the action "restart" has no runner',
      );
    } finally {
      removeExample(other);
    }
  });

  it('escalates when every action was tried and the gate still fails: exit 1, the comment lists what was tried', async () => {
    standIn
      .expect({
        path: `${PROBLEMS}/${CPU.problemId}`,
        query: {},
        respond: problemAnswer(CPU, 'OPEN'),
        times: 2,
      })
      .expect({
        method: 'POST',
        path: `${PROBLEMS}/${CPU.problemId}/comments`,
        query: {},
        respond: { status: 201, body: '' },
      })
      .expect({
        method: 'POST',
        path: INGEST,
        query: {},
        respond: 'events-v2-ingest_201_one-report-ok',
        times: 3,
      });
    const helmCalls = helm.calls().length;
    const run = await remediate(['--problem-id', CPU.problemId, '--wait', '1s']);
    expect(run.exitCode, run.stderr).toBe(1);
    const result = runOf(run);
    expect(result).toMatchObject({
      schemaVersion: 1,
      kind: 'remediation-run',
      outcome: 'escalated',
      exitCode: 1,
    });
    expect(result.steps.map((s) => [s.step, s.actionIndex, s.action?.action ?? null, s.result])).toEqual([
      ['action', 0, 'scaling', 'fail'],
      ['escalated', 1, null, 'fail'],
    ]);
    expect(helm.argvs().slice(helmCalls)).toEqual(scaled());
    // The re-evaluation is a real gate on real Prometheus: promotions are on, the p95 is far above 100 ms.
    expect(p95Of(evaluation(result.steps[0]!.evaluationId))).toBeGreaterThan(250);
    const [comment] = comments(CPU);
    expect(comment?.message).toMatch(
      /^ci-connect remediate for sockshop\/production\/carts: there is no action with index 1 for problem title CPU saturation; tried 1\. "Scale up" \(scaling\): scaled sockshop-production-carts from 1 to 2 replicas; quality gate fail/,
    );
    expect(events()).toEqual([
      'CUSTOM_CONFIGURATION: Remediation action "Scale up" (scaling) for problem P-251205001 "CPU saturation": pass',
      'CUSTOM_INFO: Quality gate fail for carts in production: score 50%',
      'CUSTOM_INFO: Remediation of problem P-251205001 "CPU saturation": escalated',
    ]);
  }, 60_000);

  it('a second remediate for an escalated problem runs nothing again and escalates at once', async () => {
    standIn
      .expect({ path: `${PROBLEMS}/${CPU.problemId}`, query: {}, respond: problemAnswer(CPU, 'OPEN') })
      .expect({
        method: 'POST',
        path: `${PROBLEMS}/${CPU.problemId}/comments`,
        query: {},
        respond: { status: 201, body: '' },
      })
      .expect({ method: 'POST', path: INGEST, query: {}, respond: 'events-v2-ingest_201_one-report-ok' });
    const helmCalls = helm.calls().length;
    const run = await remediate(['--problem-id', CPU.problemId, '--wait', '1s']);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(runOf(run).steps.map((s) => [s.step, s.actionIndex])).toEqual([['escalated', 1]]);
    expect(helm.calls().length).toBe(helmCalls);
    expect(comments(CPU)[0]?.message).toContain('"Scale up" (scaling)');
    expect(stepsOf(CPU).map((r) => r.step)).toEqual(['action', 'escalated', 'escalated']);
  }, 30_000);

  it('ends with exit 0 when Dynatrace closes the problem after the second action (toggle-feature really fixed it)', async () => {
    await service.setFlag('EnablePromotion', 'on');
    // --problem-id with the display id, as a person copies it from Dynatrace: found through the
    // list's displayId selector, then re-read by its problemId after each action.
    const { evidenceDetails, impactAnalysis, recentComments, ...listItem } = problemBody({
      ...SLOW,
      status: 'OPEN',
    });
    expect([evidenceDetails, impactAnalysis, recentComments].every((v) => v !== undefined)).toBe(true);
    standIn
      .expect({
        path: PROBLEMS,
        query: { problemSelector: `displayId("${SLOW.displayId}")`, from: 'now-30d' },
        respond: { status: 200, body: { totalCount: 1, pageSize: 50, problems: [listItem] } },
      })
      .expect({ path: `${PROBLEMS}/${SLOW.problemId}`, query: {}, respond: problemAnswer(SLOW, 'OPEN') })
      .expect({ path: `${PROBLEMS}/${SLOW.problemId}`, query: {}, respond: problemAnswer(SLOW, 'CLOSED') })
      .expect({
        method: 'POST',
        path: INGEST,
        query: {},
        respond: 'events-v2-ingest_201_one-report-ok',
        times: 4,
      });
    const helmCalls = helm.calls().length;
    const run = await remediate(['--problem-id', SLOW.displayId, '--wait', '3s']);
    expect(run.exitCode, run.stderr).toBe(0);
    const result = runOf(run);
    expect(result).toMatchObject({ outcome: 'problem-closed', exitCode: 0 });
    expect(result.steps.map((s) => [s.step, s.actionIndex, s.action?.action ?? null])).toEqual([
      ['action', 0, 'scaling'],
      ['action', 1, 'toggle-feature'],
      ['problem-closed', 2, 'toggle-feature'],
    ]);
    expect(helm.argvs().slice(helmCalls)).toEqual(scaled());
    expect(await (await fetch(`${service.appUrl}/flags`)).json()).toEqual({ EnablePromotion: 'off' });
    expect(await waitForP95(service, 3, (ms) => ms < 100)).toBeLessThan(100);
    expect(comments(SLOW)).toEqual([]);
    expect(events()).toEqual([
      'CUSTOM_CONFIGURATION: Remediation action "Scale up" (scaling) for problem P-251205002 "Response time degradation": pass',
      'CUSTOM_INFO: Quality gate fail for carts in production: score 50%',
      'CUSTOM_CONFIGURATION: Remediation action "Turn promotions off" (toggle-feature) for problem P-251205002 "Response time degradation": pass',
      'CUSTOM_INFO: Remediation of problem P-251205002 "Response time degradation": problem-closed',
    ]);
  }, 60_000);

  it('continues where a cancelled remediate stopped, and resolves: the gate passes, the problem is commented and closed', async () => {
    await service.setFlag('EnablePromotion', 'on');
    const cloudEventsBefore = cloudEventTypes().length;
    const file = path.join(root, 'trigger-payload.json');
    writeFileSync(file, triggerPayload(AGAIN, 'OPEN'));
    standIn.expect({
      method: 'POST',
      path: INGEST,
      query: {},
      respond: 'events-v2-ingest_201_one-report-ok',
      times: 6,
    });
    // The first job: scaling, then the runner stops the job (SIGTERM) while it waits for the gate.
    const helmCalls = helm.calls().length;
    const child = spawn(
      process.execPath,
      [
        cliBin,
        'remediate',
        '--service',
        'carts',
        '--stage',
        'production',
        '--event-file',
        file,
        '--wait',
        '5m',
        '--json',
      ],
      { cwd: root, env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    for (let i = 0; i < 600 && !/waiting \d+ s/.test(stderr); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toMatch(/waiting \d+ s/);
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(143);
    printed.push(stdout, stderr);
    expect(helm.argvs().slice(helmCalls)).toEqual(scaled());
    const first = JSON.parse(stdout) as RemediationRun;
    expect(first).toMatchObject({ outcome: 'cancelled', exitCode: 143 });
    expect(stepsOf(AGAIN).map((r) => [r.step, r.actionIndex])).toEqual([
      ['action', 0],
      ['cancelled', 1],
    ]);

    // The next job for the same problem first runs the gate the cancelled job never ran for
    // scaling (the app is still slow: it fails), then the second action: toggle-feature, which
    // turns the slow feature off; after the default wait (1m) the gate on real Prometheus passes.
    standIn
      .expect({
        path: `${PROBLEMS}/${AGAIN.problemId}`,
        query: {},
        respond: problemAnswer(AGAIN, 'OPEN'),
        times: 2,
      })
      .expect({
        method: 'POST',
        path: `${PROBLEMS}/${AGAIN.problemId}/comments`,
        query: {},
        respond: { status: 201, body: '' },
      })
      .expect({
        method: 'POST',
        path: `${PROBLEMS}/${AGAIN.problemId}/close`,
        query: {},
        respond: 'problems-v2_200_post-close_closing-true_with-comment',
      });
    const helmBefore = helm.calls().length;
    const run = await remediate(['--event-file', file, '--close']);
    expect(run.exitCode, run.stderr).toBe(0);
    const result = runOf(run);
    expect(result).toMatchObject({ outcome: 'resolved', exitCode: 0 });
    expect(result.steps.map((s) => [s.step, s.actionIndex, s.action?.action ?? null, s.result])).toEqual([
      ['action', 1, 'toggle-feature', 'pass'],
      ['resolved', 1, 'toggle-feature', 'pass'],
    ]);
    expect(helm.calls().length).toBe(helmBefore);
    expect(p95Of(evaluation(result.steps[0]!.evaluationId))).toBeLessThan(100);
    expect(comments(AGAIN)[0]?.message).toContain('"Turn promotions off" (toggle-feature)');
    expect(comments(AGAIN)).toEqual([
      {
        message:
          'ci-connect remediate: "Turn promotions off" (toggle-feature) resolved problem P-251205003 "Response time degradation": quality gate pass (score 100%) for sockshop/production/carts.',
        context: 'ci-connect',
      },
    ]);
    const closing = standIn.requests.find((r) => r.path.endsWith('/close'));
    expect(closing?.body).toEqual({
      message:
        'ci-connect remediate: "Turn promotions off" (toggle-feature) resolved problem P-251205003 "Response time degradation": quality gate pass (score 100%)',
    });
    const problem = 'problem P-251205003 "Response time degradation"';
    expect(events()).toEqual([
      `CUSTOM_CONFIGURATION: Remediation action "Scale up" (scaling) for ${problem}: pass`,
      `CUSTOM_INFO: Remediation of ${problem}: cancelled`,
      expect.stringMatching(/^CUSTOM_INFO: Quality gate fail for carts in production: score /),
      `CUSTOM_CONFIGURATION: Remediation action "Turn promotions off" (toggle-feature) for ${problem}: pass`,
      'CUSTOM_INFO: Quality gate pass for carts in production: score 100%',
      `CUSTOM_INFO: Remediation of ${problem}: resolved`,
    ]);
    // Keptn's remediation sequence as CloudEvents, one context per job.
    const task = (name: string) =>
      ['triggered', 'started', 'finished'].map((s) => `sh.keptn.event.${name}.${s}`);
    expect(cloudEventTypes().slice(cloudEventsBefore)).toEqual([
      'sh.keptn.event.production.remediation.triggered',
      ...task('get-action'),
      ...task('action'),
      'sh.keptn.event.production.remediation.finished',
      'sh.keptn.event.production.remediation.triggered',
      // The gate the cancelled job never ran for scaling, before the next action.
      ...task('evaluation'),
      ...task('get-action'),
      ...task('action'),
      ...task('evaluation'),
      'sh.keptn.event.production.remediation.finished',
    ]);
  }, 330_000);

  it('exits 3 when the monitoring is unreachable after an action, and says the action is recorded', async () => {
    const down = { ...CPU, problemId: '-4000000000000000004_1764900000000V2', displayId: 'P-251205004' };
    const file = path.join(root, 'down.json');
    writeFileSync(file, triggerPayload({ ...down, title: 'CPU saturation' }, 'OPEN'));
    standIn
      .expect({ path: `${PROBLEMS}/${down.problemId}`, query: {}, respond: problemAnswer(down, 'OPEN') })
      .expect({ method: 'POST', path: INGEST, query: {}, respond: 'events-v2-ingest_201_one-report-ok' });
    const run = await runCli(
      ['remediate', '--service', 'carts', '--stage', 'production', '--event-file', file, '--wait', '1s'],
      { cwd: root, env: { ...env(), PROMETHEUS_URL: 'http://127.0.0.1:9' } },
    );
    printed.push(run.stdout, run.stderr);
    expect(run.exitCode, run.stderr).toBe(3);
    const [step] = stepsOf(down);
    expect(step).toMatchObject({ step: 'action', actionIndex: 0, evaluationId: null });
    expect(run.stderr).not.toContain('nothing was recorded');
    expect(run.stderr).toContain(
      `the action is recorded: the next remediate runs its gate first, and the next action only if the problem stays (ci-connect history invalidate ${String(step?.id)} runs the action again)`,
    );
  }, 60_000);

  it('a RESOLVED notification ends at once with exit 0 and runs nothing', async () => {
    const file = path.join(root, 'resolved.json');
    writeFileSync(file, triggerPayload(AGAIN, 'RESOLVED'));
    standIn.expect({
      method: 'POST',
      path: INGEST,
      query: {},
      respond: 'events-v2-ingest_201_one-report-ok',
    });
    const helmCalls = helm.calls().length;
    const run = await remediate(['--event-file', file]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(runOf(run)).toMatchObject({ outcome: 'problem-closed', exitCode: 0 });
    expect(helm.calls().length).toBe(helmCalls);
  });

  it('history list shows the remediation steps among the evaluations', async () => {
    const run = await runCli(['history', 'list', '--service', 'carts', '--stage', 'production'], {
      cwd: root,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    for (const word of ['escalated', 'problem-closed', 'cancelled', 'resolved', 'toggle-feature', 'scaling'])
      expect(run.stdout).toContain(word);
    const resolved = stepsOf(AGAIN).find((r) => r.step === 'resolved');
    const show = await runCli(['history', 'show', String(resolved?.id)], { cwd: root });
    expect(show.exitCode, show.stderr).toBe(0);
    expect(show.stdout).toContain('resolved');
    expect(show.stdout).toContain('Turn promotions off');
  });

  it('never shows the Dynatrace token: not in any output, history, or event', () => {
    const files = ['.ci-connect/history.jsonl', 'events.jsonl'].map((f) =>
      readFileSync(path.join(root, f), 'utf8'),
    );
    // printed also holds every request the Dynatrace stand-ins saw (authorization headers aside).
    for (const text of [...printed, ...files])
      expect(text.replace(/"authorization":"[^"]*"/g, '')).not.toContain(TOKEN);
    expect(printed.length).toBeGreaterThanOrEqual(14);
  });
});
