/**
 * What `trigger-deployment` and `promote` share: both run a stage's sequence, with the same
 * runners, flags, signal handling, progress lines, output and exit codes.
 */

import * as Flags from '@oclif/core/flags';
import {
  ExitCode,
  runEvaluation,
  runProcess,
  systemClock,
  type Logger,
  type Redactor,
  type RunnerOptions,
  type SequenceRunRecord,
  type StagePlan,
  type StageRunListener,
} from '@ci-connect/core';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createStageProgress } from './output/stage-progress.js';
import { parseLabels } from './parse-key-values.js';

/** 128 + the signal's number: what a shell reports for a job a signal stopped. */
const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/** The flags of a stage run besides the project, history, gate and CA flags. */
export const stageRunFlags = {
  image: Flags.string({
    description: 'the image to deploy (chart value image), e.g. registry/carts:1.4.2',
    env: 'CI_CONNECT_IMAGE',
  }),
  sequence: Flags.string({
    description: "the stage's sequence to run",
    env: 'CI_CONNECT_SEQUENCE',
    default: 'delivery',
  }),
  url: Flags.string({
    description: "the deployed service's URL, for the test task (JMeter's SERVER_URL, SERVER_PORT, PROTOCOL)",
    env: 'CI_CONNECT_URL',
  }),
  'approved-by': Flags.string({
    description: 'approve a manual approval task as this person (recorded)',
    env: 'CI_CONNECT_APPROVED_BY',
  }),
  force: Flags.boolean({
    description: 'run although triggeredOn is not met (recorded as forced)',
    default: false,
  }),
  'dry-run': Flags.boolean({
    description: 'print what would run (tasks, runners, files, commands) and change nothing',
    default: false,
  }),
  'results-dir': Flags.string({
    description: 'where JMeter results and logs go (publish it as a CI artifact)',
    env: 'CI_CONNECT_RESULTS_DIR',
    default: 'ci-connect-results',
  }),
  'test-timeout': Flags.integer({
    description: 'seconds a test may run before it is stopped and fails',
    env: 'CI_CONNECT_TEST_TIMEOUT',
    default: 3600,
    min: 1,
  }),
  settle: Flags.integer({
    description: 'seconds to wait after the test before querying Dynatrace (default 120)',
    env: 'CI_CONNECT_SETTLE',
    min: 0,
    max: 3600,
  }),
  'dynatrace-event': Flags.boolean({
    description:
      "send the stage's events to Dynatrace: CUSTOM_DEPLOYMENT, the test's CUSTOM_ANNOTATIONs, the gate's CUSTOM_INFO (default: events.dynatrace.enabled)",
    env: 'CI_CONNECT_DYNATRACE_EVENT',
    allowNo: true,
  }),
};

/** The parsed flags the runners are built from. */
export interface RunnerFlags {
  'results-dir': string;
  'test-timeout': number;
  url?: string | undefined;
  'ca-file'?: string | undefined;
  settle?: number | undefined;
  'dynatrace-event'?: boolean | undefined;
}

/** A command's output tools the runners log and redact through. */
export interface CommandTools {
  /** Where runners write progress (on a terminal: the task list's output bar). */
  logger: Logger;
  redactor: Redactor;
  signal: AbortSignal;
  /** Shows the run's progress (stage-progress.ts). */
  listener: StageRunListener;
}

/** The options of createRunnerFactory, from the flags and process environment (the CLI's entry point). */
export function runnerOptions(flags: RunnerFlags, tools: CommandTools): RunnerOptions {
  const { logger, redactor, signal } = tools;
  return {
    env: process.env,
    logger,
    redactor,
    signal,
    runProcess,
    newId: randomUUID,
    evaluate: (evaluation) =>
      runEvaluation(evaluation, {
        cwd: process.cwd(),
        env: process.env,
        clock: systemClock,
        logger,
        redactor,
      }),
    resultsDir: path.resolve(flags['results-dir']),
    testTimeoutSeconds: flags['test-timeout'],
    ...(flags.url === undefined ? {} : { targetUrl: flags.url }),
    ...(flags['ca-file'] === undefined ? {} : { caFile: flags['ca-file'] }),
    ...(flags.settle === undefined ? {} : { settleSeconds: flags.settle }),
    ...(flags['dynatrace-event'] === undefined ? {} : { dynatraceEvent: flags['dynatrace-event'] }),
  };
}

/** The dependencies of a stage run in core, besides its runner factory. */
export function stageRunDependencies(flags: RunnerFlags, tools: CommandTools) {
  const { logger, redactor, signal } = tools;
  return {
    cwd: process.cwd(),
    env: process.env,
    clock: systemClock,
    logger,
    signal,
    runProcess,
    newId: randomUUID,
    listener: tools.listener,
    redactor,
    events: {
      redactor,
      ...(flags['ca-file'] === undefined ? {} : { caFile: flags['ca-file'] }),
      ...(flags['dynatrace-event'] === undefined ? {} : { dynatraceEvent: flags['dynatrace-event'] }),
    },
  };
}

/**
 * Runs a stage run's `work` with its tools: progress for this terminal (or CI log), the redactor,
 * and a signal that SIGINT/SIGTERM (from the CI runner) abort, so the running task's process
 * group is killed and the run recorded as aborted. `stoppedBy` names the signal, if any.
 */
export async function withStageRunTools<T>(
  logger: Logger,
  redactor: Redactor,
  work: (tools: CommandTools, stoppedBy: () => string | undefined) => Promise<T>,
): Promise<T> {
  return withStopSignals(logger, (signal, stoppedBy) => {
    const progress = createStageProgress(logger, { stream: process.stderr, env: process.env, redactor });
    return work({ ...progress, redactor, signal }, stoppedBy);
  });
}

/** The request fields `trigger-deployment` and `promote` read from the same flags. */
export function stageRequestFlags(flags: StageRequestFlags) {
  return {
    configDir: flags['config-dir'],
    project: flags.project,
    service: flags.service,
    version: flags.version,
    image: flags.image,
    sequence: flags.sequence,
    labels: parseLabels(flags.label, process.env),
    history: flags.history,
    approvedBy: flags['approved-by'],
    force: flags.force,
  };
}

interface StageRequestFlags {
  'config-dir': string;
  project?: string | undefined;
  service?: string | undefined;
  version: string;
  image?: string | undefined;
  sequence: string;
  label?: string[] | undefined;
  history?: string | undefined;
  'approved-by'?: string | undefined;
  force: boolean;
}

async function withStopSignals<T>(
  logger: Logger,
  work: (signal: AbortSignal, stoppedBy: () => string | undefined) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let stoppedBy: string | undefined;
  const stop = (signal: NodeJS.Signals) => {
    stoppedBy ??= signal;
    logger.warn(`${signal}: stopping the running task and recording the run as aborted`);
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await work(controller.signal, () => stoppedBy);
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

/** The first run decides the exit code; a rollback after it does not turn a failure into a pass. */
export function exitCodeFor(
  runs: readonly SequenceRunRecord[],
  onWarning: 'pass' | 'warn' | 'fail',
  stoppedBy: string | undefined,
): number {
  const first = runs[0];
  if (stoppedBy !== undefined || first?.status === 'aborted')
    return SIGNAL_EXIT[stoppedBy ?? 'SIGTERM'] ?? 143;
  if (first === undefined) return ExitCode.pass;
  if (first.status === 'waiting') return ExitCode.approvalRequired;
  if (first.result === 'fail' || first.status === 'errored') return ExitCode.fail;
  if (first.result === 'warning')
    return onWarning === 'pass' ? ExitCode.pass : onWarning === 'warn' ? ExitCode.warning : ExitCode.fail;
  return ExitCode.pass;
}

export function renderRun(run: SequenceRunRecord): string {
  const lines = [
    `${run.stage}.${run.sequence} for ${run.service} ${run.version}: ${run.status === 'succeeded' ? run.result.toUpperCase() : run.status.toUpperCase()}`,
    `  ${run.message}`,
    ...run.tasks.map(
      (t) =>
        `  ${t.task.padEnd(12)} ${t.runner.padEnd(8)} ${t.result.padEnd(7)} ${(t.durationMs / 1000).toFixed(1)} s  ${t.message}`,
    ),
  ];
  if (run.triggeredBy !== 'manual')
    lines.push(`  triggered by ${run.triggeredBy}${run.forced ? ' (--force)' : ''}`);
  return `${lines.join('\n')}\n`;
}

export function renderPlan(plan: StagePlan): string {
  const { setup } = plan;
  const lines = [
    `dry run: ${setup.stage}.${setup.sequence} for ${setup.service} (project ${setup.project}); nothing is changed`,
    'refused' in plan.trigger
      ? `  triggeredOn: would be refused: ${plan.trigger.refused}`
      : `  triggeredOn: ${plan.trigger.triggeredBy}`,
  ];
  const describe = (tasks: StagePlan['tasks']) =>
    tasks.flatMap((t, i) => [
      `  ${i + 1}. ${t.task} (${t.runner}): ${t.description}`,
      ...t.files.map((f) => `       file: ${f}`),
      ...t.commands.map((c) => `       $ ${c.join(' ')}`),
    ]);
  lines.push(...describe(plan.tasks));
  for (const follow of plan.onFail) {
    lines.push(`  if it fails: ${setup.stage}.${follow.sequence}`, ...describe(follow.tasks));
  }
  return `${lines.join('\n')}\n`;
}
