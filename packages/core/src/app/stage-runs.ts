/**
 * `trigger-deployment` and `promote`, the use cases: a stage's sequence with the built-in task
 * runners wired from the host and the request, its events, and the exit code. A front end only
 * turns its inputs into a StageRunOptions and renders what comes back.
 */

import type { OnWarning } from '../config/project-config.js';
import { checkEvaluation } from '../evaluation/check-evaluation.js';
import { runEvaluation, type EvaluationOutcome } from '../evaluation/run-evaluation.js';
import { prepareReportDir } from '../report/write-reports.js';
import type { DeploymentRecord } from '../stage-run/runners/release-manifest.js';
import { createRunnerFactory, type RunnerOptions } from '../stage-run/runners/create-runners.js';
import { preflightExitCode } from '../stage-run/preflight.js';
import { planPromotion, promote, type PromotePlan, type PromoteRequest } from '../stage-run/promote.js';
import type { StageRunListener } from '../stage-run/run-sequence.js';
import {
  planStage,
  runStage,
  type StagePlan,
  type StageRunDependencies,
  type StageRunRequest,
} from '../stage-run/run-stage.js';
import type { SequenceRunRecord } from '../stage-run/types.js';
import type { EvaluationRecord } from '../gate/types.js';
import { writeReportsKeepingVerdict } from './evaluate.js';
import { exitCodeFor } from './exit-code.js';
import type { Host } from './host.js';

/** How the tasks run, besides what the shipyard and ci-connect.yaml say. */
export interface StageRunOptions {
  /** Print the plan and change nothing. */
  dryRun: boolean;
  /** Where JMeter results and logs go. */
  resultsDir: string;
  testTimeoutSeconds: number;
  /** The deployed service's URL, for the test task. */
  targetUrl?: string;
  /** A CA certificate for the monitoring APIs, Dynatrace and an https CloudEvents sink. */
  caFile?: string;
  /** Dynatrace's wait after the test, before the gate queries it. */
  settleSeconds?: number;
  /** Send the stage's events to Dynatrace; default ci-connect.yaml `events.dynatrace.enabled`. */
  dynatraceEvent?: boolean;
  /** Progress, as the front end shows it (a task list, plain lines). */
  listener?: StageRunListener;
  /** Where the reports of the run's evaluation go (as `evaluate --report-dir`); none when absent. */
  reportDir?: string;
}

/** The sequence runs of the job (the requested one, then a rollback it triggered) and the exit code. */
export interface StageRunResult {
  kind: 'runs';
  runs: SequenceRunRecord[];
  exitCode: number;
  /** The report files written: none without a report directory, or when no evaluation ran. */
  reports: string[];
  /** The evaluations the run's evaluation tasks recorded, in order, for the objectives table. */
  evaluations: EvaluationRecord[];
}

export interface PromotionResult extends Omit<StageRunResult, 'kind'> {
  kind: 'promotion';
  /** The deployment that was promoted. */
  source: DeploymentRecord;
}

/**
 * A dry run's plan and its exit code: 0 when the run's checks found nothing, else 2 (a
 * configuration problem) or 3 (the history unreachable), as the run itself would exit.
 */
export interface PlanResult<P extends StagePlan> {
  kind: 'plan';
  plan: P;
  exitCode: number;
}

function planResult<P extends StagePlan>(plan: P): PlanResult<P> {
  return { kind: 'plan', plan, exitCode: preflightExitCode(plan.checks.problems) };
}

/** Runs (or with `dryRun`, plans) one stage's sequence. */
export async function triggerDeployment(
  request: StageRunRequest,
  options: StageRunOptions,
  host: Host,
): Promise<StageRunResult | PlanResult<StagePlan>> {
  const evaluations: EvaluationOutcome[] = [];
  const deps = {
    ...stageRunDependencies(options, host),
    runnerFactory: createRunnerFactory(runnerOptions(options, host, evaluations)),
  };
  if (options.dryRun) return planResult(await planStage(request, deps));
  const { result } = await runReported(options, evaluations, host, () => runStage(request, deps));
  return { kind: 'runs', ...result };
}

/** Deploys what passed an earlier stage to the next one (or with `dryRun`, plans it). */
export async function promoteRelease(
  request: PromoteRequest,
  options: StageRunOptions,
  host: Host,
): Promise<PromotionResult | PlanResult<PromotePlan>> {
  const evaluations: EvaluationOutcome[] = [];
  const deps = {
    ...stageRunDependencies(options, host),
    runnerFactory: (promotion: RunnerOptions['promotion']) =>
      createRunnerFactory({
        ...runnerOptions(options, host, evaluations),
        ...(promotion === undefined ? {} : { promotion }),
      }),
  };
  if (options.dryRun) return planResult(await planPromotion(request, deps));
  const { result, ran } = await runReported(options, evaluations, host, () => promote(request, deps));
  return { kind: 'promotion', ...result, source: ran.source };
}

/**
 * A run of trigger-deployment or promote: the report directory prepared, the run, its reports
 * written, its exit code and the evaluations its tasks recorded.
 */
async function runReported<R extends { runs: SequenceRunRecord[]; setup: { onWarning: OnWarning } }>(
  options: StageRunOptions,
  evaluations: readonly EvaluationOutcome[],
  host: Host,
  run: () => Promise<R>,
): Promise<{ result: Omit<StageRunResult, 'kind'>; ran: R }> {
  if (options.reportDir !== undefined) await prepareReportDir(options.reportDir);
  const ran = await run();
  const reports = await writeRunReports(options, evaluations, host);
  return {
    result: {
      runs: ran.runs,
      exitCode: stageExitCode(ran.runs, ran.setup.onWarning, host),
      reports,
      evaluations: evaluations.map((e) => e.evaluation),
    },
    ran,
  };
}

/** The reports of the run's last evaluation, as `evaluate --report-dir` writes them. */
async function writeRunReports(
  options: StageRunOptions,
  evaluations: readonly EvaluationOutcome[],
  host: Host,
): Promise<string[]> {
  const last = evaluations.at(-1);
  if (options.reportDir === undefined) return [];
  if (last === undefined) {
    host.logger.info(`no evaluation ran in this job: nothing written into ${options.reportDir}`);
    return [];
  }
  return writeReportsKeepingVerdict(options.reportDir, last, host);
}

function stageExitCode(runs: SequenceRunRecord[], onWarning: OnWarning, host: Host): number {
  const stoppedBy = host.signal.aborted ? String(host.signal.reason) : undefined;
  return exitCodeFor({ kind: 'stage-run', runs, stoppedBy }, onWarning);
}

/**
 * The built-in runners' options: the host's tools, and the gate as `evaluate` runs it, each
 * outcome kept in `evaluations` for the run's reports.
 */
function runnerOptions(
  options: StageRunOptions,
  host: Host,
  evaluations: EvaluationOutcome[],
): RunnerOptions {
  const { env, logger, redactor, signal, runProcess, newId } = host;
  return {
    env,
    logger,
    redactor,
    signal,
    runProcess,
    newId,
    checkGate: (evaluation, checkLogger) =>
      checkEvaluation(evaluation, { env, clock: host.clock, logger: checkLogger, redactor }),
    evaluate: async (evaluation) => {
      const outcome = await runEvaluation(evaluation, host);
      evaluations.push(outcome);
      return outcome;
    },
    resultsDir: options.resultsDir,
    testTimeoutSeconds: options.testTimeoutSeconds,
    ...(options.targetUrl === undefined ? {} : { targetUrl: options.targetUrl }),
    ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
    ...(options.settleSeconds === undefined ? {} : { settleSeconds: options.settleSeconds }),
    ...(options.dynatraceEvent === undefined ? {} : { dynatraceEvent: options.dynatraceEvent }),
  };
}

/** The dependencies of a stage run in core, besides its runner factory. */
function stageRunDependencies(
  options: StageRunOptions,
  host: Host,
): Omit<StageRunDependencies, 'runnerFactory'> {
  const { cwd, env, clock, logger, signal, runProcess, newId, redactor } = host;
  return {
    cwd,
    env,
    clock,
    logger,
    signal,
    runProcess,
    newId,
    redactor,
    ...(options.listener === undefined ? {} : { listener: options.listener }),
    events: {
      ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
      ...(options.dynatraceEvent === undefined ? {} : { dynatraceEvent: options.dynatraceEvent }),
    },
  };
}
