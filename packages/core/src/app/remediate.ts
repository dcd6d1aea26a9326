/**
 * `remediate`, the use case (issue 13): from a problem to the actions of the service's
 * remediation.yaml, each followed by the service's quality gate, until the gate passes, the
 * problem closes, no action is left (escalation) or the job is stopped. Every step is recorded
 * in history (`kind: remediation`), so the next `remediate` for the problem continues there.
 */

import { ExitCode } from '../errors.js';
import { silentLogger } from '../environment.js';
import { runEvaluation } from '../evaluation/run-evaluation.js';
import { planIndicators } from '../evaluation/resolve-indicators.js';
import { loadEvaluationSetup } from '../evaluation/setup.js';
import type { HistoryStore } from '../history/history-store.js';
import { openReadyHistoryStore } from '../history/open-store.js';
import {
  actionRef,
  actionsTried,
  problemRef,
  type RemediationActionRef,
  type RemediationProblemRef,
  type RemediationRecord,
} from '../remediation/remediation-record.js';
import {
  runRemediation,
  type ProblemChannel,
  type RemediationDependencies,
  type RemediationListener,
  type RemediationOutcome,
  ungatedAction,
} from '../remediation/run-remediation.js';
import { chooseAction } from '../remediation/select-action.js';
import { waitUnlessAborted } from '../stage-run/run-sequence.js';
import type { ActionChoice } from '../remediation/types.js';
import { signalExitCode } from './exit-code.js';
import type { Host } from './host.js';
import {
  createActionRunner,
  planAction,
  scalableDeployment,
  type ActionPlan,
} from './remediation-actions.js';
import { combineRemediationListeners, createRemediationEventListeners } from './remediation-events.js';
import { loadRemediationSetup, type RemediateRequest, type RemediationSetup } from './remediation-setup.js';

export type { ProblemSource, RemediateRequest } from './remediation-setup.js';

/** What `remediate --json` prints (issue 13's contract). */
export interface RemediationRunResult {
  schemaVersion: 1;
  kind: 'remediation-run';
  problem: RemediationProblemRef;
  outcome: RemediationOutcome;
  steps: RemediationRecord[];
  exitCode: number;
}

/** What `remediate --dry-run` prints: the next action and how it would run; nothing ran. */
export interface RemediationPlan {
  schemaVersion: 1;
  kind: 'remediation-plan';
  problem: RemediationProblemRef & { status: 'open' | 'closed' };
  project: string;
  stage: string;
  service: string;
  remediationFile: string;
  history: string;
  /** The number of actions earlier runs recorded for the problem: the next action's index. */
  nextIndex: number;
  /** The last of those actions when its gate never ran: that gate runs before the next action. */
  gateFirst: { actionIndex: number; action: RemediationActionRef; finishedAt: string } | null;
  next:
    { action: RemediationActionRef; runs: string; commands: string[][] } | { action: null; message: string };
  waitMs: number;
  dynatrace: boolean;
}

/** Runs (or with `dryRun`, plans) the remediation of one problem. */
export async function remediate(
  request: RemediateRequest,
  host: Host,
  listener?: RemediationListener,
): Promise<{ kind: 'run'; result: RemediationRunResult } | { kind: 'plan'; plan: RemediationPlan }> {
  const setup = await loadRemediationSetup(request, host);
  const store = await openReadyHistoryStore(setup.historyUrl, {
    baseDir: host.cwd,
    logger: host.logger,
    redactor: host.redactor,
    env: host.env,
    runProcess: host.runProcess,
    signal: host.signal,
  });
  try {
    const { project, stage, service } = setup;
    const recorded = await store.query({ kind: 'remediation', project, stage, service });
    const tried = actionsTried(recorded, setup.problem);
    const firstIndex = tried.length;
    const plans = await checkBeforeRunning(setup, store, firstIndex, host);
    if (request.dryRun) return { kind: 'plan', plan: planOf(setup, store, tried, plans) };
    const run = await runRemediation(
      { ...setup, labels: request.labels, firstIndex, tried, close: request.close },
      loopDependencies(setup, request, host, store, listener),
    );
    const result: RemediationRunResult = {
      schemaVersion: 1,
      kind: 'remediation-run',
      problem: problemRef(setup.problem, setup.key),
      outcome: run.outcome,
      steps: run.steps,
      exitCode: remediationExitCode(run.outcome, host.signal),
    };
    return { kind: 'run', result };
  } finally {
    await store.close();
  }
}

/**
 * What can fail before the first action, checked before it (exit 2): a runner for every action
 * that may still run, the release `scaling` would act on, and the gate after each action (its
 * SLO, SLI files and which provider answers each SLI; an endpoint a provider lacks is found when
 * it is asked). Returns the plan of each action.
 */
async function checkBeforeRunning(
  setup: RemediationSetup,
  store: HistoryStore,
  firstIndex: number,
  host: Host,
): Promise<{ choice: ActionChoice; plan?: ActionPlan }[]> {
  const { project, stage, service } = setup;
  const plans = checkActions(setup, firstIndex);
  if (plans.some((p) => p.plan?.kind === 'scaling')) await scalableDeployment({ ...setup, history: store });
  const gate = await loadEvaluationSetup(
    { configDir: setup.configDir, project, stage, service, sliFiles: [], history: setup.historyUrl },
    { env: host.env, clock: host.clock, logger: silentLogger, redactor: host.redactor },
  );
  planIndicators(gate.slo.objectives, gate.providers);
  return plans;
}

/** The loop's world: the host's clock and signal, the runners, the gate, history, Dynatrace, events. */
function loopDependencies(
  setup: RemediationSetup,
  request: RemediateRequest,
  host: Host,
  store: HistoryStore,
  listener: RemediationListener | undefined,
): RemediationDependencies {
  const { project, stage, service } = setup;
  const caFile = request.caFile === undefined ? {} : { caFile: request.caFile };
  // Opened now: a CloudEvents sink that cannot work is exit 2 before the first action.
  const events = createRemediationEventListeners({
    config: setup.config,
    problem: setup.problem,
    problemKey: setup.key,
    subject: { project, stage, service, labels: request.labels },
    env: host.env,
    clock: host.clock,
    logger: host.logger,
    redactor: host.redactor,
    newId: host.newId,
    ...caFile,
  });
  const gate = (window: { start: string; end: string }) =>
    runEvaluation(
      {
        configDir: setup.configDir,
        project,
        stage,
        service,
        labels: { ...request.labels },
        window,
        history: setup.historyUrl,
        sliFiles: [],
        ...caFile,
      },
      host,
    );
  return {
    clock: host.clock,
    logger: host.logger,
    signal: host.signal,
    newId: host.newId,
    sleep: waitUnlessAborted,
    runAction: createActionRunner({
      ...setup,
      ...host,
      labels: request.labels,
      problemKey: setup.key,
      history: store,
    }),
    evaluate: async (window) => (await gate(window)).evaluation,
    record: (record) => store.append(record),
    ...(setup.dynatrace === undefined ? {} : { problems: problemChannel(setup) }),
    listener: combineRemediationListeners(host.logger, host.redactor, [
      ...events,
      ...(listener === undefined ? [] : [listener]),
    ]),
  };
}

/** 0 resolved or closed, 1 escalated, 130/143 stopped (issue 13; DESIGN.md section 4). */
export function remediationExitCode(outcome: RemediationOutcome, signal: AbortSignal): number {
  switch (outcome) {
    case 'resolved':
    case 'problem-closed':
      return ExitCode.pass;
    case 'escalated':
      return ExitCode.fail;
    case 'cancelled':
      return signalExitCode(String(signal.reason));
  }
}

/** The plan of each action that may still run, in order; throws for one without a runner. */
function checkActions(
  setup: RemediationSetup,
  firstIndex: number,
): { choice: ActionChoice; plan?: ActionPlan }[] {
  const plans: { choice: ActionChoice; plan?: ActionPlan }[] = [];
  for (let index = firstIndex; ; index++) {
    const choice = chooseAction(setup.file, setup.problem, index);
    if (choice.kind === 'none') return plans.length === 0 ? [{ choice }] : plans;
    const where = `${setup.file.file}: problemType "${choice.problemType}", action ${index + 1} (${choice.action.action})`;
    plans.push({ choice, plan: planAction(setup.config, choice.action, where) });
  }
}

function planOf(
  setup: RemediationSetup,
  store: HistoryStore,
  tried: readonly RemediationRecord[],
  plans: { choice: ActionChoice; plan?: ActionPlan }[],
): RemediationPlan {
  const [first] = plans;
  const choice = first!.choice;
  const nextIndex = tried.length;
  const ungated = ungatedAction(tried, nextIndex);
  return {
    schemaVersion: 1,
    kind: 'remediation-plan',
    problem: { ...problemRef(setup.problem, setup.key), status: setup.problem.status },
    project: setup.project,
    stage: setup.stage,
    service: setup.service,
    remediationFile: setup.file.file,
    history: store.location,
    nextIndex,
    gateFirst:
      ungated === undefined
        ? null
        : { actionIndex: ungated.actionIndex, action: ungated.action!, finishedAt: ungated.finishedAt },
    next:
      choice.kind === 'none'
        ? { action: null, message: choice.message }
        : {
            action: actionRef(choice.action),
            ...describePlan(first!.plan!, setup.config.helm.timeoutSeconds),
          },
    waitMs: setup.waitMs,
    dynatrace: setup.dynatrace !== undefined,
  };
}

/** What the action would run: for scaling, HelmRunner.scale's argv with the names it looks up then. */
function describePlan(
  plan: ActionPlan,
  helmTimeoutSeconds: number | undefined,
): { runs: string; commands: string[][] } {
  if (plan.kind === 'command')
    return {
      runs: 'the command of its tasks entry in ci-connect.yaml',
      commands: [[...plan.setting.command]],
    };
  const sign = plan.increment < 0 ? '' : '+';
  return {
    runs: `helm: replicaCount ${sign}${plan.increment} on the release of the service's last deployment (--reuse-values)`,
    commands: [
      ['helm', 'get', 'values', '<release>', '--namespace', '<namespace>', '--all', '--output', 'json'],
      [
        ...['helm', 'upgrade', '<release>', '<chart>', '--namespace', '<namespace>', '--reuse-values'],
        ...['--atomic', '--wait', '--timeout', `${helmTimeoutSeconds ?? 300}s`],
        ...['--set', `replicaCount=<current${sign}${plan.increment}>`],
      ],
    ],
  };
}

/** The Dynatrace problem behind the loop: re-read by its key, the freshest copy commented on. */
function problemChannel(setup: RemediationSetup): ProblemChannel {
  const api = setup.dynatrace!;
  let current = setup.problem;
  return {
    refresh: async () => (current = await api.get(setup.key ?? '')),
    comment: (message) => api.comment(current, message),
    close: (message) => api.close(current, message),
  };
}
