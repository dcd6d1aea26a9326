/**
 * How `remediate` runs a remediation action (issue 13, Keptn's uniform idea): `tasks.<action>` in
 * ci-connect.yaml runs its command as the stage run's command runner does, with the action and
 * the problem in the environment; `scaling` without a `tasks` entry is Helm, the replica count
 * raised by the action's value (Keptn's helm-service). Any other action needs a `tasks` entry:
 * checked for every action that may run before the first one does.
 */

import { existsSync } from 'node:fs';
import type { ProjectConfig, TaskSetting } from '../config/project-config.js';
import { suggestKey } from '../config/suggest.js';
import type { Clock, Logger } from '../environment.js';
import { ConfigError } from '../errors.js';
import type { HistoryStore } from '../history/history-store.js';
import type { Redactor } from '../redaction/redaction.js';
import type { ActionRun } from '../remediation/run-remediation.js';
import { noActionRunnerHint, runnableActionNames } from '../remediation/runnable-actions.js';
import type { Problem, RemediationAction } from '../remediation/types.js';
import { CommandRunner } from '../stage-run/runners/command-runner.js';
import { helmNames } from '../stage-run/runners/deployment-runner.js';
import { serviceFile } from '../stage-run/runners/service-file.js';
import type { TaskContext } from '../stage-run/types.js';
import { HelmRunner } from '../tools/helm/helm-runner.js';
import type { HelmScaleTarget } from '../tools/helm/types.js';
import { digestDirectory, type DeploymentRecord } from '../stage-run/runners/release-manifest.js';
import { resolveHelmNames } from '../tools/helm/naming.js';
import { commandFromEnv } from '../tools/find-executable.js';
import type { ProcessRunner } from '../tools/process.js';

/** What runs an action: a command, or Helm scaling by a number of replicas. */
export type ActionPlan =
  | { kind: 'command'; setting: Extract<TaskSetting, { command: readonly string[] }> }
  | { kind: 'scaling'; increment: number };

/** The way each action would run; ConfigError (exit 2) for one that cannot, before anything runs. */
export function planAction(config: ProjectConfig, action: RemediationAction, where: string): ActionPlan {
  const setting = config.tasks[action.action];
  if (setting !== undefined && typeof setting !== 'string') return { kind: 'command', setting };
  if (setting === 'helm' || (setting === undefined && action.action === 'scaling'))
    return { kind: 'scaling', increment: scalingIncrement(action, where) };
  if (setting !== undefined)
    throw new ConfigError(
      `${where}: tasks.${action.action} names the ${setting} runner, which cannot run a remediation action`,
      {
        hint: `give tasks.${action.action} a command, e.g. {command: ["./scripts/${action.action}.sh"]}; helm scales (tasks.${action.action}: helm)`,
      },
    );
  const runnable = runnableActionNames(config);
  throw new ConfigError(`${where}: the remediation action "${action.action}" has no runner`, {
    hint: noActionRunnerHint(action.action, runnable, suggestKey(action.action, runnable)),
  });
}

/** Keptn's scaling value: a whole number of replicas to add (a string in Keptn's files). */
function scalingIncrement(action: RemediationAction, where: string): number {
  const value = typeof action.value === 'string' ? action.value.trim() : action.value;
  const increment =
    typeof value === 'number' ? value : /^[-+]?\d+$/.test(String(value)) ? Number(value) : NaN;
  if (Number.isInteger(increment)) return increment;
  throw new ConfigError(
    `${where}: the scaling action's value ${JSON.stringify(action.value ?? null)} is not a number of replicas`,
    {
      hint: 'write the replicas to add as Keptn did, e.g. value: "1"',
    },
  );
}

/** What running actions needs from the use case. */
export interface ActionRunnerContext {
  config: ProjectConfig;
  configDir: string;
  project: string;
  stage: string;
  service: string;
  labels: Readonly<Record<string, string>>;
  problem: Problem;
  problemKey: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  history: HistoryStore;
  clock: Clock;
  logger: Logger;
  redactor: Redactor;
  signal: AbortSignal;
  runProcess: ProcessRunner;
}

/** Runs one action; a failed command or Helm step is a result, a missing program an error. */
export function createActionRunner(
  context: ActionRunnerContext,
): (action: RemediationAction, index: number) => Promise<ActionRun> {
  return async (action, index) => {
    const startedAt = context.clock.now().toISOString();
    const plan = planAction(context.config, action, `action ${index + 1} (${action.action})`);
    const outcome =
      plan.kind === 'command'
        ? await runCommand(plan.setting, action, context)
        : await runScaling(plan.increment, context);
    return { ...outcome, startedAt, finishedAt: context.clock.now().toISOString() };
  };
}

type RunOutcome = Pick<ActionRun, 'result' | 'aborted' | 'message'>;

async function runCommand(
  setting: Extract<TaskSetting, { command: readonly string[] }>,
  action: RemediationAction,
  context: ActionRunnerContext,
): Promise<RunOutcome> {
  const env = { ...setting.env, ...actionEnv(action, context) };
  const runner = new CommandRunner({ ...setting, env }, context.runProcess, context.redactor);
  const outcome = await runner.run({ name: action.action, properties: {} }, taskContext(context));
  return { result: outcome.result, aborted: outcome.status === 'aborted', message: outcome.message };
}

/** The action and the problem, for the command (issue 13's contract). */
export function actionEnv(
  action: RemediationAction,
  context: Pick<ActionRunnerContext, 'problem' | 'problemKey'>,
): Record<string, string> {
  const value =
    action.value === undefined
      ? ''
      : typeof action.value === 'string'
        ? action.value
        : JSON.stringify(action.value);
  const env = {
    CI_CONNECT_ACTION: action.action,
    CI_CONNECT_ACTION_NAME: action.name,
    CI_CONNECT_ACTION_VALUE: value,
    CI_CONNECT_PROBLEM_ID: context.problemKey ?? '',
    CI_CONNECT_PROBLEM_TITLE: context.problem.title,
    CI_CONNECT_PROBLEM_URL: context.problem.url ?? '',
  };
  // An environment value cannot hold a NUL (spawn refuses the whole command): a payload's title
  // or a file's value may, so it is passed as the two characters `\0`.
  return Object.fromEntries(Object.entries(env).map(([name, text]) => [name, text.replaceAll('\0', '\\0')]));
}

/** The command runner's context: a remediation runs for no version and no sequence of its own. */
function taskContext(context: ActionRunnerContext): TaskContext {
  return {
    project: context.project,
    stage: context.stage,
    service: context.service,
    version: '',
    labels: context.labels,
    sequence: 'remediation',
    runId: '',
    configDir: context.configDir,
    previous: [],
    env: context.env,
    history: context.history,
    clock: context.clock,
    logger: context.logger,
    signal: context.signal,
  };
}

async function runScaling(increment: number, context: ActionRunnerContext): Promise<RunOutcome> {
  const target = await scalingTarget(context);
  const helm = new HelmRunner({
    runProcess: context.runProcess,
    helmBinary: commandFromEnv(context.env.HELM_BIN, 'helm'),
    env: { ...context.env },
    logger: context.logger,
    redactor: context.redactor,
    signal: context.signal,
    notFoundHint:
      'install helm, or set HELM_BIN to its path; or run scaling through a command (tasks.scaling)',
  });
  const step = await helm.scale(target, increment);
  return {
    result: step.status === 'succeeded' ? 'pass' : 'fail',
    aborted: context.signal.aborted,
    message: step.message,
  };
}

/**
 * The release the service's last recorded deployment in the stage made (its release manifest),
 * else the names a deployment would use; the chart is the config directory's.
 */
async function scalingTarget(context: ActionRunnerContext): Promise<HelmScaleTarget> {
  const { project, stage, service } = context;
  const deployment = await scalableDeployment(context);
  const chartDir = serviceFile({ configDir: context.configDir, stage, service }, 'helm');
  await warnOfChartChange(chartDir, deployment, context.logger);
  const names = resolveHelmNames({
    project,
    stage,
    service,
    strategy: 'direct',
    chartDir,
    valuesFiles: [],
    ...helmNames(context.config.helm, context),
  });
  const timeoutSeconds = context.config.helm.timeoutSeconds;
  return {
    release: deployment?.release ?? names.release,
    namespace: deployment?.namespace ?? names.namespace,
    chartDir,
    ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
  };
}

/**
 * The service's last recorded deployment in the stage, if any; ConfigError when its release is
 * not one ci-connect scales (blue/green, user_managed). `remediate` asks before the first action.
 */
export async function scalableDeployment(
  context: Pick<ActionRunnerContext, 'history' | 'project' | 'stage' | 'service'>,
): Promise<Partial<DeploymentRecord> | undefined> {
  const { project, stage, service } = context;
  const query = { kind: 'deployment', project, stage, service, limit: 1 };
  const [deployment] = (await context.history.query(query)) as Partial<DeploymentRecord>[];
  if (deployment !== undefined && deployment.strategy !== 'direct')
    throw new ConfigError(
      `scaling: the last deployment of ${service} in ${stage} is ${deployment.strategy}, which ci-connect does not scale`,
      { hint: 'run scaling through a command: tasks.scaling: {command: [...]} in ci-connect.yaml' },
    );
  return deployment;
}

/**
 * `helm upgrade --reuse-values` deploys the chart it is given: when the config directory's chart
 * is not the one the release manifest recorded, the scaling deploys its changes too. Said, not
 * refused: a remediation job runs on the current checkout.
 */
async function warnOfChartChange(
  chartDir: string,
  deployment: Partial<DeploymentRecord> | undefined,
  logger: Logger,
): Promise<void> {
  const recorded = deployment?.chart?.digest;
  if (recorded === undefined || !existsSync(chartDir)) return;
  const current = await digestDirectory(chartDir);
  if (current !== recorded)
    logger.warn(
      `scaling: the chart ${chartDir} (${current}) is not the one deployment ${deployment?.id ?? ''} recorded (${recorded}); helm upgrade deploys its changes too`,
    );
}
