/**
 * The checks of a stage run before its first task (issue 12): every task of the sequence, and of
 * the sequences its end may start in the same job (a rollback), has a runner, and each runner's
 * check passes (a chart and helm; a JMeter plan and jmeter; the gate's SLIs resolvable with their
 * providers configured and a results file for JMeter indicators). Every problem is collected, so
 * one run reports them all; `--dry-run` shows the same list.
 */

import { ConfigError, ExternalSystemError, type CiConnectError } from '../errors.js';
import { problemOf as checkProblemOf } from '../evaluation/check-evaluation.js';
import type { Logger } from '../environment.js';
import { sequencesTriggeredBy, findSequence } from '../shipyard/sequence-plan.js';
import type { SequenceResult, Shipyard, ShipyardTask } from '../shipyard/types.js';
import type { CheckProblem, CheckedTask, PlanContext, TaskRunner } from './types.js';

/** A problem found before the run, and where: a task, the history, the events, triggeredOn. */
export interface PreflightProblem extends CheckProblem {
  where: string;
}

/** What the checks found: problems stop the run before its first task; notes are for the log. */
export interface PreflightReport {
  problems: PreflightProblem[];
  notes: string[];
}

/** What the checks need of the run: its shipyard position and how to build each task's runner. */
export interface PreflightInput {
  shipyard: Shipyard;
  stage: string;
  sequence: string;
  /** The runner of a task; throws a ConfigError when the task has none. */
  runnerFor: (task: ShipyardTask) => TaskRunner;
  context: PlanContext;
  approvedBy?: string;
  /** Where a command would be found when run; undefined when nowhere. */
  locate: (command: string) => Promise<string | undefined>;
  logger: Logger;
}

/** Checks the tasks of the sequence, then those of the same-stage sequences its end may start. */
export async function checkStageTasks(input: PreflightInput): Promise<PreflightReport> {
  const report: PreflightReport = { problems: [], notes: [] };
  const main = findSequence(input.shipyard, input.stage, input.sequence);
  const earlier = await checkSequence(input, input.sequence, main.tasks, [], report);
  if (input.approvedBy !== undefined && !earlier.some((t) => t.runner === 'approve'))
    report.notes.push(
      `--approved-by ${input.approvedBy}: ${input.stage}.${input.sequence} has no approval task, so nobody's approval is recorded`,
    );
  for (const sequence of followUpsOf(input, main.tasks))
    await checkSequence(
      input,
      sequence,
      findSequence(input.shipyard, input.stage, sequence).tasks,
      earlier,
      report,
    );
  return report;
}

async function checkSequence(
  input: PreflightInput,
  sequence: string,
  tasks: readonly ShipyardTask[],
  before: readonly CheckedTask[],
  report: PreflightReport,
): Promise<CheckedTask[]> {
  const checked = [...before];
  for (const [index, task] of tasks.entries()) {
    const where = `${input.stage}.${sequence} task ${index + 1} (${task.name})`;
    let runner: TaskRunner;
    try {
      runner = input.runnerFor(task);
    } catch (error) {
      report.problems.push(problemOf(where, error));
      checked.push({ task: task.name, runner: 'none' });
      continue;
    }
    try {
      const found =
        (await runner.check?.(task, {
          ...input.context,
          sequence,
          earlier: checked,
          ...(input.approvedBy === undefined ? {} : { approvedBy: input.approvedBy }),
          locate: input.locate,
          logger: input.logger,
        })) ?? {};
      report.problems.push(
        ...(found.problems ?? []).map((p) => ({ ...p, where: `${where} ${runner.name}` })),
      );
      report.notes.push(...(found.notes ?? []).map((note) => `${where}: ${note}`));
      checked.push({ ...found, task: task.name, runner: runner.name });
    } catch (error) {
      report.problems.push(problemOf(`${where} ${runner.name}`, error));
      checked.push({ task: task.name, runner: runner.name });
    }
  }
  return checked;
}

/** Same-stage sequences the end of this one may start, whichever task it ends at and however. */
function followUpsOf(input: PreflightInput, tasks: readonly ShipyardTask[]): string[] {
  const results: SequenceResult[] = ['pass', 'warning', 'fail'];
  const names = new Set<string>();
  for (const result of results)
    for (const task of tasks)
      for (const sequence of followUps(input.shipyard, input.stage, input.sequence, result, task.name))
        names.add(sequence);
  return [...names];
}

/** Same-stage sequences the end of this one starts (cross-stage triggers are other CI jobs). */
export function followUps(
  shipyard: Shipyard,
  stage: string,
  sequence: string,
  result: SequenceResult,
  lastTask: string | undefined,
): string[] {
  return sequencesTriggeredBy(shipyard, {
    stage,
    sequence,
    result,
    ...(lastTask === undefined ? {} : { lastTask }),
  })
    .filter((ref) => ref.stage === stage && ref.sequence !== sequence)
    .map((ref) => ref.sequence);
}

/** A user-facing error as a problem of `where`; anything else is a bug and is rethrown. */
export function problemOf(where: string, error: unknown): PreflightProblem {
  return { where, ...checkProblemOf(error) };
}

/** Runs each check, collecting the problems they throw (so one does not hide the next). */
export async function collectProblems(
  checks: readonly (() => void | Promise<void>)[],
): Promise<CheckProblem[]> {
  const problems: CheckProblem[] = [];
  for (const check of checks)
    try {
      await check();
    } catch (error) {
      problems.push(checkProblemOf(error));
    }
  return problems;
}

/** The exit code of the problems: 2 when any is a configuration problem, else 3 (unreachable). */
export function preflightExitCode(problems: readonly CheckProblem[]): 0 | 2 | 3 {
  if (problems.length === 0) return 0;
  return problems.some((p) => p.exitCode === 2) ? 2 : 3;
}

/**
 * One error listing every problem (exit 2 for any configuration problem, else 3), saying that
 * nothing ran: the run stops here, before its first task.
 */
export function preflightError(run: string, problems: readonly PreflightProblem[]): CiConnectError {
  const only = problems.length === 1 ? problems[0] : undefined;
  const title =
    `${run}: ${problems.length} problem${problems.length === 1 ? '' : 's'} found before the first task; ` +
    'nothing ran, nothing was deployed';
  const lines = problems.map(
    (p, i) =>
      `  ${i + 1}. ${p.where}: ${p.message}` +
      (p.hint === undefined || only !== undefined ? '' : `\n     hint: ${p.hint}`),
  );
  const hint =
    only?.hint ?? 'fix each problem (its hint says how) and run again; --dry-run runs the same checks';
  const message = `${title}:\n${lines.join('\n')}`;
  return preflightExitCode(problems) === 2
    ? new ConfigError(message, { hint, problems })
    : new ExternalSystemError(message, { hint, problems });
}

/** `helm not found on PATH`, or `/opt/jmeter/bin/jmeter does not exist`: as the process runner says it. */
export function notFound(command: string): string {
  return `${command} ${command.includes('/') ? 'does not exist' : 'not found on PATH'}`;
}
