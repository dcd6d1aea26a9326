/**
 * The parts of a stage run (DESIGN.md section 6): a task runner per shipyard task, the results
 * they hand on, and the history records a run leaves (DESIGN.md section 4: `sequence-run`,
 * `deployment`, `approval`, next to the `evaluation`s).
 */

import type { GateProblem } from '../evaluation/check-evaluation.js';
import type { Clock, Logger } from '../environment.js';
import type { HistoryStore } from '../history/history-store.js';
import type { SequenceResult, ShipyardTask } from '../shipyard/types.js';

/** How a task ended: Keptn's `status` (a failed task `succeeded` in running, with result fail). */
export type TaskStatus = 'succeeded' | 'errored' | 'aborted' | 'waiting';

/** What one task did; handed to the tasks after it and recorded in the sequence run. */
export interface TaskResult {
  task: string;
  /** The runner that ran it: helm, jmeter, evaluate, approve, record, command. */
  runner: string;
  result: SequenceResult;
  status: TaskStatus;
  /** One line for people: what happened, or what failed and why. */
  message: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /**
   * What later tasks and tools may need: `test` gives `{ start, end }` (the evaluation window),
   * `evaluation` gives `{ evaluationId, score }`, `deployment` its release, `approval` who approved.
   */
  details: Readonly<Record<string, unknown>>;
}

/** What a task's runner knows about the run it is part of. */
export interface TaskContext {
  project: string;
  stage: string;
  service: string;
  version: string;
  image?: string;
  labels: Readonly<Record<string, string>>;
  sequence: string;
  /** The id of the sequence-run record this task belongs to (records link back to it). */
  runId: string;
  /** The config directory, absolute. */
  configDir: string;
  /** Results of this run's earlier tasks (of this sequence and, in a rollback, of the one before). */
  previous: readonly TaskResult[];
  /** The result a leading approval approves when no task before it gave one (the triggering stage's). */
  triggeringResult?: SequenceResult;
  /** `--approved-by`: a manual approval given up front. */
  approvedBy?: string;
  env: Readonly<Record<string, string | undefined>>;
  history: HistoryStore;
  clock: Clock;
  logger: Logger;
  /** Aborted on SIGINT/SIGTERM: runners stop their processes and report `aborted`. */
  signal: AbortSignal;
}

/** What planning a task may look at: the run's identity, no results and no history. */
export type PlanContext = Pick<
  TaskContext,
  'project' | 'stage' | 'service' | 'version' | 'image' | 'labels' | 'sequence' | 'configDir' | 'env'
>;

/** One line of a `--dry-run` plan. */
export interface TaskPlan {
  task: string;
  runner: string;
  /** What it will do, in words. */
  description: string;
  /** The commands it will run, as argv arrays. */
  commands: readonly (readonly string[])[];
  /** The files it will read. */
  files: readonly string[];
}

/** What checking a task before the run may look at: the plan's context and the tasks before it. */
export interface CheckContext extends PlanContext {
  /** The checks of the tasks that run before this one (in a rollback: the failed sequence's too). */
  earlier: readonly CheckedTask[];
  /** `--approved-by`: a manual approval given up front. */
  approvedBy?: string;
  /** Where a command would be found when run (PATH, or a path from the working directory); undefined: nowhere. */
  locate: (command: string) => Promise<string | undefined>;
  /** For the warnings of the files a check loads (silent in a real run: the task prints them then). */
  logger: Logger;
}

/** One problem a check found: what and how to fix it; exit 2 (configuration) or 3 (unreachable). */
export type CheckProblem = GateProblem;

/** What a runner's check found about one task, before anything runs. */
export interface TaskCheck {
  problems?: readonly CheckProblem[];
  /** What the run will need or do that is worth knowing up front (e.g. a manual approval). */
  notes?: readonly string[];
  /** The results file the task will write (a JMeter test), for the evaluation after it. */
  resultsFile?: string;
}

/** A task with the name of its runner and what its check found. */
export interface CheckedTask extends TaskCheck {
  task: string;
  runner: string;
}

/** Runs one kind of task. `run` never throws for a failed task: it returns result fail. */
export interface TaskRunner {
  readonly name: string;
  /** May read (e.g. `helm status`), never change anything. */
  plan(task: ShipyardTask, context: PlanContext): TaskPlan | Promise<TaskPlan>;
  /**
   * What can be checked before the first task of the run starts (files, settings, env vars);
   * reads local files only, runs nothing. May throw a CiConnectError for a single problem.
   */
  check?(task: ShipyardTask, context: CheckContext): TaskCheck | Promise<TaskCheck>;
  run(task: ShipyardTask, context: TaskContext): Promise<TaskOutcome>;
}

/** What a runner reports; the sequence runner adds the task, runner name and timing. */
export interface TaskOutcome {
  result: SequenceResult;
  status: TaskStatus;
  message: string;
  details?: Readonly<Record<string, unknown>>;
}

/** The `sequence-run` history record, and what `trigger-deployment --json` prints. */
export interface SequenceRunRecord {
  schemaVersion: 1;
  id: string;
  kind: 'sequence-run';
  project: string;
  stage: string;
  service: string;
  version: string;
  labels: Readonly<Record<string, string>>;
  sequence: string;
  /** `<stage>.<sequence>.finished` that allowed this run, `manual` (not triggered), or `forced`. */
  triggeredBy: string;
  /** The sequence run whose end started this one in the same job (a rollback after a failed delivery). */
  triggeredByRun?: string;
  /** True when `--force` ran it although `triggeredOn` was not satisfied. */
  forced: boolean;
  image?: string;
  startedAt: string;
  finishedAt: string;
  /** The last completed task's result (Keptn): pass, warning or fail. */
  result: SequenceResult;
  /** `waiting` when a manual approval stopped it; `aborted` after SIGINT/SIGTERM. */
  status: TaskStatus;
  message: string;
  tasks: TaskResult[];
  invalidated: false;
}
