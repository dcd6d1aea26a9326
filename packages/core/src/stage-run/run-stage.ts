/**
 * `ci-connect trigger-deployment` without the CLI (DESIGN.md section 6): loads the project and
 * its shipyard, checks `triggeredOn` against history, runs the stage's sequence task by task,
 * records it, and, when the shipyard says so for the way it ended (a `rollback` sequence
 * triggered on `<stage>.delivery.finished` with `fail`), runs that sequence in the same job.
 */

import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { requireConfig } from '../config/config-errors.js';
import { formatDiagnostic } from '../config/diagnostics.js';
import { suggestKey } from '../config/suggest.js';
import {
  DEFAULT_TASK_RUNNERS,
  noRunnerHint,
  runnableTaskNames,
  loadProjectSettings,
  type OnWarning,
  type ProjectConfig,
  type TaskSetting,
} from '../config/project-config.js';
import {
  FALLBACK_NAME,
  findOnlyService,
  resolveHistoryUrl,
  resolveOnWarning,
} from '../config/project-context.js';
import { silentLogger, type Clock, type Logger } from '../environment.js';
import { ConfigError, UsageError } from '../errors.js';
import type { HistoryStore } from '../history/history-store.js';
import { createProcessRedactor } from '../redaction/credential-sources.js';
import type { Redactor } from '../redaction/redaction.js';
import { openReadyHistoryStore } from '../history/open-store.js';
import { PROVIDER_SETTINGS } from '../providers/registry.js';
import { findExecutable } from '../tools/find-executable.js';
import type { ProcessRunner } from '../tools/process.js';
import { planSequence, findSequence, type SequencePlan } from '../shipyard/sequence-plan.js';
import { loadShipyardFile } from '../shipyard/shipyard-file.js';
import { isRemediationStep } from '../shipyard/shipyard-rules.js';
import type { Shipyard, ShipyardTask } from '../shipyard/types.js';
import { runSequence, sequenceRunEndedBy, type StageRunListener } from './run-sequence.js';
import { combineListeners, createStageEventListener, type StageEventOptions } from './stage-events.js';
import { checkStageTasks, followUps, preflightError, problemOf, type PreflightReport } from './preflight.js';
import { checkTriggeredOn, type TriggerCheck } from './triggered-on.js';
import type { PlanContext, SequenceRunRecord, TaskContext, TaskPlan, TaskRunner } from './types.js';

/** What `trigger-deployment` was asked. */
export interface StageRunRequest {
  configDir: string;
  project?: string;
  /** Default: ci-connect.yaml `defaults.stage`, else the shipyard's first stage. */
  stage?: string;
  service?: string;
  version: string;
  image?: string;
  /** Default: delivery. */
  sequence?: string;
  labels: Readonly<Record<string, string>>;
  history?: string;
  approvedBy?: string;
  force: boolean;
  /** `--on-warning`; default: ci-connect.yaml `defaults.onWarning`, else pass. */
  onWarning?: OnWarning;
}

/** Builds the runner a task name maps to; the CLI gives helm, jmeter and evaluate their setup. */
export type RunnerFactory = (setting: TaskSetting, task: ShipyardTask) => TaskRunner;

export interface StageRunDependencies {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  runProcess: ProcessRunner;
  /** The runner for a task, from its `tasks:` setting (or the default for its name). */
  runnerFactory: (setup: StageSetup) => RunnerFactory;
  listener?: StageRunListener;
  /** How the events the project's `events:` asks for are sent (CloudEvents, Dynatrace). */
  events?: Omit<StageEventOptions, 'redactor'>;
  /**
   * Every record, event and message of the run passes through it; the front end's, so secrets
   * registered here never reach its output either. By default one that knows the process env.
   */
  redactor?: Redactor;
  newId?: () => string;
  /** How the checks before the run find a runner's binary (helm, jmeter); by default on disk. */
  findExecutable?: typeof findExecutable;
}

/** What a stage run works from, once loaded. */
export interface StageSetup {
  config: ProjectConfig;
  shipyard: Shipyard;
  /** Absolute. */
  configDir: string;
  project: string;
  stage: string;
  service: string;
  sequence: string;
  historyUrl: string;
  /** What a warning amounts to: for the evaluation task, and for the exit code. */
  onWarning: OnWarning;
}

/** The runs of one job: the requested sequence, then any it triggered (a rollback). */
export interface StageRunOutcome {
  setup: StageSetup;
  runs: SequenceRunRecord[];
}

/** A `--dry-run` plan: what would run, and whether triggeredOn would let it. */
export interface StagePlan {
  setup: StageSetup;
  trigger: TriggerCheck | { refused: string };
  tasks: TaskPlan[];
  /** Sequences that run in the same job if the main one fails (e.g. rollback), with their tasks. */
  onFail: { sequence: string; tasks: TaskPlan[] }[];
  /** The checks a run makes before its first task: a run with problems runs nothing. */
  checks: PreflightReport;
}

/** Loads the configuration, the shipyard and the names the run is for. */
export async function loadStageSetup(
  request: StageRunRequest,
  deps: Pick<StageRunDependencies, 'cwd' | 'logger'> &
    Partial<Pick<StageRunDependencies, 'env' | 'redactor'>>,
): Promise<StageSetup> {
  const configDir = resolve(deps.cwd, request.configDir);
  const secrets =
    deps.redactor === undefined || deps.env === undefined
      ? undefined
      : { redactor: deps.redactor, env: deps.env };
  const config = await loadProjectSettings(configDir, deps.logger, PROVIDER_SETTINGS, secrets);
  const loaded = await loadShipyardFile(join(configDir, 'shipyard.yaml'));
  for (const d of loaded.diagnostics) if (d.severity === 'warning') deps.logger.warn(formatDiagnostic(d));
  const shipyard = requireConfig(loaded.shipyard, loaded.diagnostics);
  const plan = planSequence(shipyard, {
    ...stageOf(request, config),
    ...(request.sequence === undefined ? {} : { sequence: request.sequence }),
  });
  refuseRemediationSequence(plan, config, request.service);
  return {
    config,
    shipyard,
    configDir,
    project: request.project ?? config.project ?? FALLBACK_NAME,
    stage: plan.stage,
    service: request.service ?? (await findOnlyService(configDir)),
    sequence: plan.sequence,
    historyUrl: resolveHistoryUrl(request.history, config, configDir),
    onWarning: resolveOnWarning(request.onWarning, config),
  };
}

/**
 * Keptn's remediation sequence (get-action, action, evaluation) is what `ci-connect remediate`
 * runs for a problem; a stage run of it would stop at get-action. Refused with the command to use,
 * unless ci-connect.yaml gives those tasks runners of its own.
 */
function refuseRemediationSequence(
  { stage, sequence, tasks }: SequencePlan,
  config: ProjectConfig,
  service: string | undefined,
): void {
  const steps = tasks
    .map((task) => task.name)
    .filter((name) => isRemediationStep(sequence, name) && config.tasks[name] === undefined);
  if (steps.length === 0) return;
  throw new ConfigError(
    `${stage}.${sequence} is Keptn's remediation sequence: its ${steps.join(' and ')} steps are what ci-connect remediate does for a problem, not a stage run`,
    {
      hint:
        `run ci-connect remediate --stage ${stage} --service ${service ?? '<service>'} with --problem-id P-..., ` +
        '--event-file <problem notification.json> or --problem-type "<problem title>" (docs/remediation.md)',
    },
  );
}

/** The setting a task runs with: `tasks:` in ci-connect.yaml, else the default for its name. */
export function taskSetting(config: ProjectConfig, task: ShipyardTask): TaskSetting {
  const setting = config.tasks[task.name] ?? DEFAULT_TASK_RUNNERS[task.name];
  if (setting !== undefined) return setting;
  const runnable = runnableTaskNames(config);
  throw new ConfigError(`the shipyard task "${task.name}" has no runner`, {
    hint: noRunnerHint(task.name, runnable, suggestKey(task.name, runnable)),
  });
}

/** The plan of `--dry-run`: reads config, shipyard and history; runs and changes nothing. */
export async function planStage(
  request: StageRunRequest,
  dependencies: StageRunDependencies,
): Promise<StagePlan> {
  const deps = withRedactor(dependencies);
  const setup = await loadStageSetup(request, deps);
  const factory = deps.runnerFactory(setup);
  const context = planContext(setup, request, deps);
  const { checks, store, trigger } = await preflight(setup, request, factory, deps, 'plan');
  await store?.close();
  const planTasks = async (tasks: readonly ShipyardTask[]): Promise<TaskPlan[]> => {
    const plans: TaskPlan[] = [];
    for (const task of tasks) plans.push(await planTask(factory, setup, task, context));
    return plans;
  };
  const main = findSequence(setup.shipyard, setup.stage, setup.sequence);
  const onFail: StagePlan['onFail'] = [];
  for (const sequence of followUps(
    setup.shipyard,
    setup.stage,
    setup.sequence,
    'fail',
    main.tasks.at(-1)?.name,
  ))
    onFail.push({
      sequence,
      tasks: await planTasks(findSequence(setup.shipyard, setup.stage, sequence).tasks),
    });
  return { setup, trigger, tasks: await planTasks(main.tasks), onFail, checks };
}

/** A task's plan; one that cannot be planned says why (its problem is in the plan's checks). */
async function planTask(
  factory: RunnerFactory,
  setup: StageSetup,
  task: ShipyardTask,
  context: PlanContext,
): Promise<TaskPlan> {
  let runner: TaskRunner | undefined;
  try {
    runner = factory(taskSetting(setup.config, task), task);
    return await runner.plan(task, context);
  } catch (error) {
    const { message } = problemOf(task.name, error);
    return {
      task: task.name,
      runner: runner?.name ?? 'none',
      description: `cannot be planned: ${message}`,
      commands: [],
      files: [],
    };
  }
}

/** What the checks before a run found, and what the run goes on with when they found nothing. */
interface Preflight {
  checks: PreflightReport;
  listener: StageRunListener | undefined;
  /** Open unless the history could not be opened (a problem); the caller closes it. */
  store: HistoryStore | undefined;
  trigger: TriggerCheck | { refused: string };
}

/**
 * Everything a stage run can check before its first task (issue 12), every problem collected:
 * each task's runner and its check (preflight.ts), the CloudEvents sink, the history and
 * triggeredOn. A plan shows a refused triggeredOn beside the problems (the run may be meant for
 * --force); for a run it is one of them. Nothing runs and nothing is written. The files' warnings
 * are the plan's to show; a run's tasks print them when they load the files again.
 */
async function preflight(
  setup: StageSetup,
  request: StageRunRequest,
  factory: RunnerFactory,
  deps: StageRunDependencies & { redactor: Redactor },
  mode: 'plan' | 'run',
): Promise<Preflight> {
  const checks = await checkStageTasks({
    shipyard: setup.shipyard,
    stage: setup.stage,
    sequence: setup.sequence,
    runnerFor: (task) => factory(taskSetting(setup.config, task), task),
    context: planContext(setup, request, deps),
    ...(request.approvedBy === undefined ? {} : { approvedBy: request.approvedBy }),
    locate: (command) => (deps.findExecutable ?? findExecutable)(command, { env: deps.env, cwd: deps.cwd }),
    logger: mode === 'plan' ? deps.logger : silentLogger,
  });
  let listener: StageRunListener | undefined;
  try {
    listener = eventListener(setup, deps);
  } catch (error) {
    checks.problems.push(problemOf('events', error));
  }
  const store = await openStore(setup, deps).catch((error: unknown) => {
    checks.problems.push(problemOf('history', error));
    return undefined;
  });
  let trigger: Preflight['trigger'] = { refused: 'not checked: the history cannot be read' };
  if (store !== undefined) {
    const { triggeredOn } = findSequence(setup.shipyard, setup.stage, setup.sequence);
    try {
      // A dry run with --force plans the forced run, as the real run with --force would start.
      trigger = await checkTriggeredOn(
        triggerRequest(setup, request, triggeredOn, request.force),
        store,
        deps.logger,
      );
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      trigger = { refused: error.message };
      if (mode === 'run') checks.problems.push(problemOf('triggeredOn', error));
    }
  }
  return { checks, listener, store, trigger };
}

/** The run's listener: the front end's, and the events ci-connect.yaml asks for (throws for a bad sink). */
function eventListener(
  setup: StageSetup,
  deps: StageRunDependencies & { redactor: Redactor },
): StageRunListener | undefined {
  return combineListeners(
    deps.listener,
    createStageEventListener(setup.config, {
      env: deps.env,
      clock: deps.clock,
      logger: deps.logger,
      newId: deps.newId ?? randomUUID,
      ...deps.events,
      redactor: deps.redactor,
    }),
  );
}

/** Runs the stage; every sequence run is recorded, also when a runner's error ends it. */
export async function runStage(
  request: StageRunRequest,
  dependencies: StageRunDependencies,
): Promise<StageRunOutcome> {
  const deps = withRedactor(dependencies);
  const setup = await loadStageSetup(request, deps);
  const factory = deps.runnerFactory(setup);
  const newId = deps.newId ?? randomUUID;
  const main = findSequence(setup.shipyard, setup.stage, setup.sequence);
  // Everything that can be checked is, before anything runs; every problem is reported at once.
  const { checks, listener, store, trigger } = await preflight(setup, request, factory, deps, 'run');
  if (store === undefined || 'refused' in trigger || checks.problems.length > 0) {
    await store?.close();
    throw preflightError(
      `${setup.stage}.${setup.sequence} for ${setup.service} ${request.version}`,
      checks.problems,
    );
  }
  for (const note of checks.notes) deps.logger.info(note);
  const runs: SequenceRunRecord[] = [];
  try {
    const base: Omit<TaskContext, 'sequence' | 'runId'> = {
      ...planContext(setup, request, deps),
      labels: request.labels,
      previous: [],
      ...(trigger.triggeringResult === undefined ? {} : { triggeringResult: trigger.triggeringResult }),
      ...(request.approvedBy === undefined ? {} : { approvedBy: request.approvedBy }),
      history: store,
      clock: deps.clock,
      logger: deps.logger,
      signal: deps.signal,
    };
    const runnerFor = (task: ShipyardTask) => factory(taskSetting(setup.config, task), task);
    const first = await recorded(store, runs, () =>
      runSequence(
        {
          sequence: setup.sequence,
          tasks: main.tasks,
          triggeredBy: trigger.triggeredBy,
          ...(trigger.triggeredByRun === undefined ? {} : { triggeredByRun: trigger.triggeredByRun }),
          forced: trigger.forced,
          context: base,
        },
        { runnerFor, newId, listener },
      ),
    );
    if (first.status !== 'succeeded') return { setup, runs };
    for (const sequence of followUps(
      setup.shipyard,
      setup.stage,
      setup.sequence,
      first.result,
      first.tasks.at(-1)?.task,
    )) {
      deps.logger.info(
        `${setup.stage}.${setup.sequence} finished with ${first.result}: running ${setup.stage}.${sequence}`,
      );
      await recorded(store, runs, () =>
        runSequence(
          {
            sequence,
            tasks: findSequence(setup.shipyard, setup.stage, sequence).tasks,
            triggeredBy: `${setup.stage}.${setup.sequence}.finished`,
            triggeredByRun: first.id,
            forced: false,
            context: { ...base, previous: first.tasks },
          },
          { runnerFor, newId, listener },
        ),
      );
    }
    return { setup, runs };
  } finally {
    await store.close();
  }
}

/** Runs a sequence and records it, also when a runner's error ended it (the error is rethrown). */
async function recorded(
  store: HistoryStore,
  runs: SequenceRunRecord[],
  run: () => Promise<SequenceRunRecord>,
): Promise<SequenceRunRecord> {
  try {
    const record = await run();
    await store.append(record);
    runs.push(record);
    return record;
  } catch (error) {
    const record = sequenceRunEndedBy(error);
    if (record !== undefined) {
      await store.append(record);
      runs.push(record);
    }
    throw error;
  }
}

function planContext(
  setup: StageSetup,
  request: StageRunRequest,
  deps: Pick<StageRunDependencies, 'env'>,
): PlanContext {
  return {
    project: setup.project,
    stage: setup.stage,
    service: setup.service,
    version: request.version,
    ...(request.image === undefined ? {} : { image: request.image }),
    labels: request.labels,
    sequence: setup.sequence,
    configDir: setup.configDir,
    env: deps.env,
  };
}

function triggerRequest(
  setup: StageSetup,
  request: StageRunRequest,
  triggeredOn: Parameters<typeof checkTriggeredOn>[0]['triggeredOn'],
  force: boolean,
) {
  return {
    project: setup.project,
    stage: setup.stage,
    service: setup.service,
    version: request.version,
    sequence: setup.sequence,
    triggeredOn,
    force,
  };
}

/** The run's history, checked usable (exit 2 or 3) before any task runs. */
function openStore(
  setup: StageSetup,
  deps: Pick<StageRunDependencies, 'cwd' | 'logger' | 'redactor' | 'env' | 'runProcess' | 'signal'>,
): Promise<HistoryStore> {
  const { cwd: baseDir, logger, redactor, env, runProcess, signal } = deps;
  return openReadyHistoryStore(setup.historyUrl, {
    baseDir,
    logger,
    ...(redactor === undefined ? {} : { redactor }),
    env,
    runProcess,
    signal,
  });
}

/** The dependencies with the redactor every output of the run goes through. */
function withRedactor(deps: StageRunDependencies): StageRunDependencies & { redactor: Redactor } {
  return { ...deps, redactor: deps.redactor ?? createProcessRedactor(deps.env) };
}

function stageOf(request: StageRunRequest, config: ProjectConfig): { stage?: string } {
  const stage = request.stage ?? config.defaults.stage;
  return stage === undefined ? {} : { stage };
}
