/**
 * Runs one sequence of a stage task by task, as Keptn's shipyard-controller did (keptn-spec.md
 * 3.1): in order, each through its runner, handing every task the results of the ones before;
 * the sequence stops at the first failed task, and its result is the last completed task's. A
 * manual approval without `--approved-by` stops it as `waiting`; SIGINT/SIGTERM as `aborted`.
 */

import { setTimeout as delay } from 'node:timers/promises';
import { CiConnectError, InternalError } from '../errors.js';
import type { SequenceResult, ShipyardTask } from '../shipyard/types.js';
import type { SequenceRunRecord, TaskContext, TaskOutcome, TaskResult, TaskRunner } from './types.js';

/** Best-effort observers of a run (CloudEvents, Dynatrace events, progress output). */
export interface StageRunListener {
  /** Before the first task: the run's id is known, nothing has run yet. */
  sequenceStarted?(input: SequenceRunInput, runId: string): Promise<void> | void;
  taskStarted?(task: ShipyardTask, runner: string, context: TaskContext): Promise<void> | void;
  taskFinished?(task: ShipyardTask, result: TaskResult, context: TaskContext): Promise<void> | void;
  /** After the last task, with the record as it is about to be stored (also when a runner's error ended the run). */
  sequenceFinished?(record: SequenceRunRecord): Promise<void> | void;
}

export interface SequenceRunInput {
  sequence: string;
  tasks: readonly ShipyardTask[];
  /** `<stage>.<sequence>.finished`, `manual` or `forced`. */
  triggeredBy: string;
  triggeredByRun?: string;
  forced: boolean;
  /** The run's identity and environment; `previous` may carry an earlier sequence's results. */
  context: Omit<TaskContext, 'sequence' | 'runId'>;
}

export interface SequenceRunDependencies {
  runnerFor(task: ShipyardTask): TaskRunner;
  newId: () => string;
  listener?: StageRunListener;
}

/**
 * Runs the tasks; returns the sequence-run record (not yet stored). A runner's CiConnectError
 * (helm not installed, a bad plan file) ends the run as errored and is rethrown; the record it
 * ended is `sequenceRunEndedBy(error)`, so the caller can store it and still exit with the error's code.
 */
export async function runSequence(
  input: SequenceRunInput,
  deps: SequenceRunDependencies,
): Promise<SequenceRunRecord> {
  const { context } = input;
  const runId = deps.newId();
  const startedAt = context.clock.now();
  const results: TaskResult[] = [];
  let status: SequenceRunRecord['status'] = 'succeeded';
  let failure: CiConnectError | undefined;
  await notify(() => deps.listener?.sequenceStarted?.(input, runId), context, 'a sequence event');

  for (const task of input.tasks) {
    if (context.signal.aborted) {
      status = 'aborted';
      break;
    }
    const taskContext: TaskContext = {
      ...context,
      sequence: input.sequence,
      runId,
      previous: [...context.previous, ...results],
    };
    if (task.triggeredAfterMs !== undefined && task.triggeredAfterMs > 0) {
      context.logger.info(
        `${task.name}: waiting ${Math.ceil(task.triggeredAfterMs / 1000)} s (triggeredAfter)`,
      );
      if (!(await waitUnlessAborted(task.triggeredAfterMs, context.signal))) {
        status = 'aborted';
        break;
      }
    }
    const runner = deps.runnerFor(task);
    await notify(() => deps.listener?.taskStarted?.(task, runner.name, taskContext), context);
    const started = context.clock.now();
    let outcome: TaskOutcome;
    try {
      outcome = await runner.run(task, taskContext);
    } catch (error) {
      if (!(error instanceof CiConnectError) || error instanceof InternalError) throw error;
      failure = error;
      outcome = { result: 'fail', status: 'errored', message: error.message };
    }
    const finished = context.clock.now();
    const result: TaskResult = {
      task: task.name,
      runner: runner.name,
      result: outcome.result,
      status: outcome.status,
      message: outcome.message,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      details: detailsOf(task, outcome),
    };
    results.push(result);
    await notify(() => deps.listener?.taskFinished?.(task, result, taskContext), context);
    if (outcome.status !== 'succeeded') {
      status = outcome.status;
      break;
    }
    if (outcome.result === 'fail') break;
  }

  const record: SequenceRunRecord = {
    schemaVersion: 1,
    id: runId,
    kind: 'sequence-run',
    project: context.project,
    stage: context.stage,
    service: context.service,
    version: context.version,
    labels: context.labels,
    sequence: input.sequence,
    triggeredBy: input.triggeredBy,
    ...(input.triggeredByRun === undefined ? {} : { triggeredByRun: input.triggeredByRun }),
    forced: input.forced,
    ...(context.image === undefined ? {} : { image: context.image }),
    startedAt: startedAt.toISOString(),
    finishedAt: context.clock.now().toISOString(),
    result: sequenceResult(results),
    status,
    message: describeRun(input.sequence, results, status, input.tasks.length),
    tasks: results,
    invalidated: false,
  };
  await notify(() => deps.listener?.sequenceFinished?.(record), context, 'a sequence event');
  if (failure !== undefined) {
    runsEndedBy.set(failure, record);
    throw failure;
  }
  return record;
}

// The run an error ended, kept beside the error: the error's class (and so its exit code) stays
// as the runner threw it, and nothing is added to an object the caller did not create.
const runsEndedBy = new WeakMap<Error, SequenceRunRecord>();

/** The sequence run a runner's error ended, when runSequence rethrew it; undefined otherwise. */
export function sequenceRunEndedBy(error: unknown): SequenceRunRecord | undefined {
  return error instanceof Error ? runsEndedBy.get(error) : undefined;
}

/** Keptn: the result of the last completed task; a run that completed no task passed nothing. */
function sequenceResult(results: readonly TaskResult[]): SequenceResult {
  const completed = results.filter((r) => r.status === 'succeeded' || r.status === 'errored');
  return completed.at(-1)?.result ?? (results.length === 0 ? 'pass' : 'fail');
}

function describeRun(
  sequence: string,
  results: readonly TaskResult[],
  status: SequenceRunRecord['status'],
  planned: number,
): string {
  const last = results.at(-1);
  if (status === 'aborted')
    return `${sequence} was aborted${last === undefined ? '' : ` during ${last.task}`}`;
  if (status === 'waiting' && last !== undefined) return `${sequence} is waiting: ${last.message}`;
  if (last === undefined) return `${sequence} has no tasks`;
  if (last.result === 'fail') return `${sequence} failed at ${last.task}: ${last.message}`;
  const skipped = planned - results.length;
  return `${sequence} finished with ${last.result}${skipped > 0 ? ` (${skipped} task(s) not run)` : ''}`;
}

/** Listener failures are reported, never fatal: events are a side channel of the run. */
async function notify(
  call: () => Promise<void> | void | undefined,
  context: { logger: TaskContext['logger'] },
  what = 'a task event',
) {
  try {
    await call();
  } catch (error) {
    context.logger.warn(`could not report ${what}: ${(error as Error).message}`);
  }
}

/** Waits `ms`; false if the signal aborted the wait. */
export async function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** The runner's details; a test task's `teststrategy` too, whichever runner ran it (`$TESTSTRATEGY` of a later evaluation). */
function detailsOf(task: ShipyardTask, outcome: TaskOutcome): Readonly<Record<string, unknown>> {
  const details = outcome.details ?? {};
  return task.testStrategy === undefined ? details : { teststrategy: task.testStrategy, ...details };
}
