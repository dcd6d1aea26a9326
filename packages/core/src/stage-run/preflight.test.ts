// The checks of a stage run before its first task (issue 12), with the real runners and the
// real gate check: every problem reported at once, the right exit code, nothing run or recorded.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../environment.js';
import { CiConnectError, ConfigError, ExternalSystemError } from '../errors.js';
import { checkEvaluation } from '../evaluation/check-evaluation.js';
import { createRedactor } from '../redaction/redaction.js';
import type { ProcessRunner } from '../tools/process.js';
import { planStage, runStage, type StageRunDependencies, type StageRunRequest } from './run-stage.js';
import { createRunnerFactory } from './runners/create-runners.js';
import { sequentialIds, steppingClock } from './test-support/stage-run-fixtures.js';

const SLO = `spec_version: "1.0"
objectives:
  - sli: response_time_p99
    pass:
      - criteria: ["<600"]
  - sli: requests_served
    pass:
      - criteria: [">0"]
total_score:
  pass: "90%"
  warning: "75%"
`;

const PROMETHEUS_SLI = `spec_version: "1.0"
indicators:
  requests_served: sum(increase(http_requests_total[1m]))
`;

/** dev.delivery with the given tasks (YAML list items), and a rollback on fail. */
function shipyard(tasks: string, rollbackTask = 'rollback'): string {
  return `apiVersion: spec.keptn.sh/0.2.3
kind: Shipyard
metadata: {name: shop}
spec:
  stages:
    - name: dev
      sequences:
        - name: delivery
          tasks:
${tasks}
        - name: rollback
          triggeredOn:
            - event: dev.delivery.finished
              selector: {match: {result: fail}}
          tasks:
            - name: ${rollbackTask}
`;
}

/** A project with carts' SLO (a JMeter and a Prometheus SLI); the chart and test plan optional. */
function project(
  tasks: string,
  options: { chart?: boolean; jmx?: boolean; rollbackTask?: string } = {},
): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ci-connect-preflight-'));
  const base = path.join(root, '.ci-connect', 'base', 'carts');
  mkdirSync(path.join(base, 'sli'), { recursive: true });
  writeFileSync(path.join(root, '.ci-connect', 'shipyard.yaml'), shipyard(tasks, options.rollbackTask));
  writeFileSync(path.join(root, '.ci-connect', 'ci-connect.yaml'), 'project: shop\n');
  writeFileSync(path.join(base, 'slo.yaml'), SLO);
  writeFileSync(path.join(base, 'sli', 'prometheus.yaml'), PROMETHEUS_SLI);
  if (options.chart === true) {
    mkdirSync(path.join(base, 'helm'));
    writeFileSync(path.join(base, 'helm', 'Chart.yaml'), 'apiVersion: v2\nname: carts\nversion: 0.1.0\n');
  }
  if (options.jmx === true) {
    mkdirSync(path.join(base, 'jmeter'));
    writeFileSync(path.join(base, 'jmeter', 'performance.jmx'), '<jmeterTestPlan/>\n');
  }
  return root;
}

/** The real runners; any process they start or any gate they run fails the test. */
function deps(
  root: string,
  env: Record<string, string> = {},
  missing: readonly string[] = [],
): StageRunDependencies & { started: string[] } {
  const started: string[] = [];
  const redactor = createRedactor();
  const logger = createMemoryLogger();
  const runProcess: ProcessRunner = (spec) => {
    started.push(spec.argv.join(' '));
    return Promise.reject(new Error(`no process may run here: ${spec.argv.join(' ')}`));
  };
  return {
    started,
    cwd: root,
    env,
    clock: steppingClock(),
    logger,
    signal: new AbortController().signal,
    runProcess,
    newId: sequentialIds,
    redactor,
    // helm and jmeter are "installed" unless named missing: no test depends on this machine's PATH.
    findExecutable: (command) =>
      Promise.resolve(missing.includes(command) ? undefined : `/usr/bin/${command}`),
    runnerFactory: createRunnerFactory({
      env,
      logger,
      redactor,
      signal: new AbortController().signal,
      runProcess,
      newId: sequentialIds,
      evaluate: () => Promise.reject(new Error('no gate may run here')),
      checkGate: (request, checkLogger) =>
        checkEvaluation(request, { env, clock: steppingClock(), logger: checkLogger, redactor }),
      resultsDir: path.join(root, 'results'),
      testTimeoutSeconds: 60,
    }),
  };
}

const request = (overrides: Partial<StageRunRequest> = {}): StageRunRequest => ({
  configDir: '.ci-connect',
  service: 'carts',
  version: '1.4.2',
  labels: {},
  force: false,
  ...overrides,
});

const BROKEN = `            - name: deployment
              properties: {deploymentstrategy: direct}
            - name: tests
            - name: evaluation
            - name: approval
            - name: release`;

const GOOD = `            - name: deployment
              properties: {deploymentstrategy: direct}
            - name: test
              properties: {teststrategy: performance}
            - name: evaluation
            - name: approval
              properties: {pass: automatic, warning: manual}
            - name: release`;

async function failure(run: Promise<unknown>): Promise<CiConnectError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CiConnectError);
  return error as CiConnectError;
}

describe('a stage run checks everything before its first task', () => {
  it('reports every problem at once (exit 2), and runs, deploys and records nothing', async () => {
    const root = project(BROKEN, { rollbackTask: 'undo' });
    const d = deps(root);
    const error = await failure(runStage(request(), d));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(2);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(
      'dev.delivery for carts 1.4.2: 5 problems found before the first task; nothing ran, nothing was deployed:',
    );
    expect(lines.filter((l) => /^ {2}\d\. /.test(l))).toEqual([
      `  1. dev.delivery task 1 (deployment) helm: no Helm chart to deploy carts with: base/carts/helm/Chart.yaml does not exist in ${path.join(root, '.ci-connect')}`,
      '  2. dev.delivery task 2 (tests): the shipyard task "tests" has no runner',
      '  3. dev.delivery task 3 (evaluation) evaluate: the SLO uses JMeter indicators, but no JMeter results file was given (response_time_p99)',
      '  4. dev.delivery task 3 (evaluation) evaluate: the SLO uses Prometheus indicators, but no Prometheus URL is configured',
      // The rollback that a failed delivery would start in the same job is checked too.
      '  5. dev.rollback task 1 (undo): the shipyard task "undo" has no runner',
    ]);
    // Each problem keeps its hint: how to fix it, in a stage run's terms.
    expect(error.message).toContain('did you mean "test"');
    expect(error.message).toContain(
      'hint: in a stage run the results file is the one written by a test task run by JMeter before the evaluation: give dev.delivery a test task',
    );
    expect(error.message).not.toContain('--jtl');
    expect(d.started).toEqual([]);
    expect(readHistory(root)).toEqual([]);
  });

  it('says what a manual approval will need, and passes a sequence whose test writes the results the gate needs', async () => {
    const root = project(GOOD.replace('direct', 'user_managed'), { jmx: true });
    const plan = await planStage(request(), deps(root, { PROMETHEUS_URL: 'http://127.0.0.1:9' }));
    expect(plan.checks.problems).toEqual([]);
    expect(plan.checks.notes).toEqual([
      'dev.delivery task 3 (evaluation): SLIs from jmeter: response_time_p99; prometheus: requests_served',
      'dev.delivery task 4 (approval): a warning result needs a manual approval: without --approved-by NAME the run stops here (exit 5) and runs no task after it',
    ]);
    const approved = await planStage(
      request({ approvedBy: 'jane' }),
      deps(root, { PROMETHEUS_URL: 'http://127.0.0.1:9' }),
    );
    expect(approved.checks.notes).toContain(
      'dev.delivery task 4 (approval): a warning result is approved by jane (--approved-by)',
    );
    const automatic = project(
      GOOD.replace('direct', 'user_managed').replace('warning: manual', 'warning: automatic'),
      {
        jmx: true,
      },
    );
    const needless = await planStage(
      request({ approvedBy: 'jane' }),
      deps(automatic, { PROMETHEUS_URL: 'http://127.0.0.1:9' }),
    );
    expect(needless.checks.notes).toContain(
      'dev.delivery task 4 (approval): pass and warning are approved automatically (--approved-by is not needed)',
    );
    const none = project(GOOD.replace('direct', 'user_managed').replace(/ {12}- name: approval\n.*\n/, ''), {
      jmx: true,
    });
    const unused = await planStage(
      request({ approvedBy: 'jane' }),
      deps(none, { PROMETHEUS_URL: 'http://127.0.0.1:9' }),
    );
    expect(unused.checks.notes).toContain(
      "--approved-by jane: dev.delivery has no approval task, so nobody's approval is recorded",
    );
  });

  it('finds a missing test plan without blaming the gate for the results it would have written', async () => {
    const root = project(GOOD, { chart: true });
    const d = deps(root, { PROMETHEUS_URL: 'http://127.0.0.1:9' });
    const error = await failure(runStage(request(), d));
    expect(error.message).toMatch(
      /1 problem found before the first task[^\n]*\n {2}1\. dev\.delivery task 2 \(test\) jmeter: no JMeter plan for the performance test of carts/,
    );
    expect(error.hint).toContain('add base/carts/jmeter/performance.jmx');
    expect(d.started).toEqual([]);
  });

  it('finds a missing helm and jmeter before the first task, where the sequence would run them', async () => {
    const root = project(GOOD, { chart: true, jmx: true });
    const d = deps(root, { PROMETHEUS_URL: 'http://127.0.0.1:9', JMETER_BIN: '/opt/jmeter/bin/jmeter' }, [
      'helm',
      '/opt/jmeter/bin/jmeter',
    ]);
    const error = await failure(runStage(request(), d));
    expect(error.exitCode).toBe(2);
    expect(error.message.split('\n').filter((l) => /^ {2}\d\. /.test(l))).toEqual([
      '  1. dev.delivery task 1 (deployment) helm: helm not found on PATH',
      '  2. dev.delivery task 2 (test) jmeter: /opt/jmeter/bin/jmeter does not exist',
      // A direct release runs no helm; the rollback a failed delivery starts would.
      '  3. dev.rollback task 1 (rollback) helm: helm not found on PATH',
    ]);
    expect(error.message).toContain('hint: install helm, or set HELM_BIN to its path');
    // A user_managed service runs no helm at all: nothing to find.
    const managed = project(GOOD.replace('direct', 'user_managed'), { jmx: true });
    const plan = await planStage(
      request(),
      deps(managed, { PROMETHEUS_URL: 'http://127.0.0.1:9' }, ['helm']),
    );
    expect(plan.checks.problems).toEqual([]);
  });

  it('exits 3 when the only problem is a history it cannot reach', async () => {
    const root = project(GOOD.replace('direct', 'user_managed'), { jmx: true });
    const d = deps(root, { PROMETHEUS_URL: 'http://127.0.0.1:9' });
    const history = 'postgres://ci@127.0.0.1:9/history?connect_timeout=2';
    const error = await failure(runStage(request({ history }), d));
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.exitCode).toBe(3);
    expect(error.message.split('\n')[1]).toBe(
      '  1. history: the history postgres://127.0.0.1:9/history: cannot be reached (ECONNREFUSED)',
    );
    expect(error.hint).toContain('retrying may help once the database is up');
    expect(d.started).toEqual([]);
  }, 30_000);

  it('--dry-run lists the same problems as the run, and plans what it can', async () => {
    const root = project(BROKEN, { rollbackTask: 'undo' });
    const plan = await planStage(request(), deps(root));
    expect(plan.checks.problems.map((p) => [p.where, p.exitCode])).toEqual([
      ['dev.delivery task 1 (deployment) helm', 2],
      ['dev.delivery task 2 (tests)', 2],
      ['dev.delivery task 3 (evaluation) evaluate', 2],
      ['dev.delivery task 3 (evaluation) evaluate', 2],
      ['dev.rollback task 1 (undo)', 2],
    ]);
    expect(plan.tasks[1]).toMatchObject({
      task: 'tests',
      runner: 'none',
      description: 'cannot be planned: the shipyard task "tests" has no runner',
    });
  });
});

function readHistory(root: string): unknown[] {
  const file = path.join(root, '.ci-connect', 'history.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}
