/**
 * The remediation loop (issue 13), as Keptn's remediation sequence ran it: get-action (the next
 * action of remediation.yaml for the problem), action, wait, evaluation; a passing gate (or a
 * warning) resolves the problem, a failing one tries the next action, and no action left
 * escalates. A problem Dynatrace reports closed ends the loop. Every step is recorded. All I/O is
 * injected (runner, gate, Dynatrace, history, sleep), so the loop is tested without waiting.
 */

import type { Clock, Logger } from '../environment.js';
import { ExternalSystemError } from '../errors.js';
import { formatScore } from '../gate/score.js';
import type { EvaluationRecord, GateResult } from '../gate/types.js';
import { chooseAction } from './select-action.js';
import {
  actionRef,
  problemRef,
  type RemediationActionRef,
  type RemediationRecord,
  type RemediationStep,
} from './remediation-record.js';
import type { ActionChoice, Problem, RemediationAction, RemediationFile } from './types.js';

/** How a remediation ended. */
export type RemediationOutcome = 'resolved' | 'problem-closed' | 'escalated' | 'cancelled';

/** What running one action did. */
export interface ActionRun {
  result: GateResult;
  /** Stopped by SIGINT/SIGTERM while it ran. */
  aborted: boolean;
  message: string;
  startedAt: string;
  finishedAt: string;
}

/** A Dynatrace problem's side of the loop: re-read, comment, close. */
export interface ProblemChannel {
  refresh(): Promise<Problem>;
  comment(message: string): Promise<void>;
  close(message: string): Promise<'closed' | 'already-closed'>;
}

/** Observers of the loop (CloudEvents, Dynatrace events, progress); called in order. */
export interface RemediationListener {
  started?(): Promise<void> | void;
  actionChosen?(choice: ActionChoice, index: number): Promise<void> | void;
  actionStarted?(action: RemediationAction, index: number): Promise<void> | void;
  actionFinished?(action: RemediationAction, index: number, run: ActionRun): Promise<void> | void;
  evaluationStarted?(window: { start: string; end: string }): Promise<void> | void;
  evaluated?(evaluation: EvaluationRecord): Promise<void> | void;
  finished?(outcome: RemediationOutcome, last: RemediationRecord): Promise<void> | void;
}

export interface RemediationInput {
  file: RemediationFile;
  problem: Problem;
  /** problemKey(problem): what history counts the problem's actions by. */
  key: string | undefined;
  project: string;
  stage: string;
  service: string;
  labels: Readonly<Record<string, string>>;
  /** The index of the first action: the number of `action` steps recorded for the key. */
  firstIndex: number;
  /** The actions earlier runs tried for the key, for the escalation's comment. */
  tried: readonly RemediationRecord[];
  /** How long to wait after an action before the problem is re-read and the gate runs. */
  waitMs: number;
  /** `--close`: close the Dynatrace problem once the gate passes. */
  close: boolean;
}

export interface RemediationDependencies {
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  newId: () => string;
  /** Resolves false when the signal aborted the wait. */
  sleep(ms: number, signal: AbortSignal): Promise<boolean>;
  runAction(action: RemediationAction, index: number): Promise<ActionRun>;
  /** The service's gate over the window; recorded as an evaluation. */
  evaluate(window: { start: string; end: string }): Promise<EvaluationRecord>;
  /** Appends a step to history. */
  record(record: RemediationRecord): Promise<void>;
  /** Present when the problem is Dynatrace's. */
  problems?: ProblemChannel;
  listener?: RemediationListener;
}

export interface RemediationRun {
  outcome: RemediationOutcome;
  /** The records this run wrote, in order. */
  steps: RemediationRecord[];
}

/** Monitoring data needs a window of at least a minute (evaluate's rule). */
const MIN_WINDOW_MS = 60_000;

/** Runs the loop until the problem is resolved, closed, escalated or the job is stopped. */
export async function runRemediation(
  input: RemediationInput,
  deps: RemediationDependencies,
): Promise<RemediationRun> {
  const run = new LoopRun(input, deps);
  await deps.listener?.started?.();
  if (input.problem.status === 'closed')
    return run.end('problem-closed', input.firstIndex, null, {
      message: `${describeProblem(input.problem)} is closed already: nothing to remediate`,
    });
  const ungated = ungatedAction(input.tried, input.firstIndex);
  if (ungated !== undefined) {
    const ended = await run.judgeEarlier(ungated);
    if (ended !== undefined) return ended;
  }
  for (let index = input.firstIndex; ; index++) {
    if (deps.signal.aborted) return run.cancelled(index, null);
    const choice = chooseAction(input.file, input.problem, index);
    await deps.listener?.actionChosen?.(choice, index);
    if (choice.kind === 'none') return run.escalate(index, choice.message);
    const ended = await run.step(choice.action, index);
    if (ended !== undefined) return ended;
  }
}

/** One run of the loop: its records so far, and how each step ends. */
class LoopRun {
  readonly steps: RemediationRecord[] = [];
  private lastEvaluationId: string | null = null;

  constructor(
    private readonly input: RemediationInput,
    private readonly deps: RemediationDependencies,
  ) {}

  /** Runs one action, waits, re-reads the problem and runs the gate; undefined: try the next. */
  async step(action: RemediationAction, index: number): Promise<RemediationRun | undefined> {
    const { deps } = this;
    deps.logger.info(`action ${index + 1}: ${describeAction(action)}`);
    await deps.listener?.actionStarted?.(action, index);
    const ran = await deps.runAction(action, index);
    await deps.listener?.actionFinished?.(action, index, ran);
    const actionStep = (result: GateResult, message: string, evaluationId: string | null = null) =>
      this.write('action', index, actionRef(action), result, message, ran.startedAt, evaluationId);
    if (ran.aborted) {
      await actionStep('fail', ran.message);
      return this.cancelled(index + 1, action);
    }
    if (ran.result === 'fail') {
      await actionStep('fail', ran.message);
      // Keptn's remediation sequence stopped at a failed action task: nothing re-evaluates it.
      return this.escalate(index + 1, `the action ${describeAction(action)} failed: ${ran.message}`);
    }
    try {
      return await this.afterAction(action, index, ran, actionStep);
    } catch (error) {
      // Dynatrace or the monitoring unreachable (exit 3): the action ran, and the next run must know.
      const recorded =
        this.steps.find((r) => r.step === 'action' && r.actionIndex === index) ??
        (await actionStep(ran.result, `${ran.message}; then ${(error as Error).message}`));
      throw recordedHint(error, recorded);
    }
  }

  /**
   * The gate after an earlier run's action whose gate never ran (that run was stopped while
   * waiting, or Dynatrace or the monitoring was unreachable): judged before another action runs,
   * over the window since that action (the rest of the wait first). Undefined: try the next action.
   */
  async judgeEarlier(earlier: RemediationRecord): Promise<RemediationRun | undefined> {
    const { deps, input } = this;
    const action = earlier.action!;
    deps.logger.info(
      `action ${earlier.actionIndex + 1} (${describeAction(action)}) of an earlier run has had no quality gate yet: it runs first`,
    );
    const remaining = Date.parse(earlier.finishedAt) + input.waitMs - deps.clock.now().getTime();
    if (remaining > 0) {
      deps.logger.info(`waiting ${Math.ceil(remaining / 1000)} s before the quality gate (--wait)`);
      if (!(await deps.sleep(remaining, deps.signal))) return this.cancelled(input.firstIndex, null);
      if (await this.closedMeanwhile())
        return this.end('problem-closed', input.firstIndex, null, {
          message: `${describeProblem(input.problem)} was closed in Dynatrace after ${describeAction(action)}`,
        });
    }
    const gate = await this.gate(earlier.finishedAt);
    if (gate.result === 'fail') return undefined;
    return this.resolve(earlier.actionIndex, action, gate.text);
  }

  /** The service's gate over the window since an action's end (recorded as an evaluation). */
  private async gate(actionEnd: string): Promise<{ result: GateResult; text: string; id: string }> {
    const { deps } = this;
    const window = gateWindow(actionEnd, deps.clock.now());
    await deps.listener?.evaluationStarted?.(window);
    const evaluation = await deps.evaluate(window);
    await deps.listener?.evaluated?.(evaluation);
    this.lastEvaluationId = evaluation.id;
    const text = `quality gate ${evaluation.result} (score ${formatScore(evaluation.score)}%)`;
    return { result: evaluation.result, text, id: evaluation.id };
  }

  /** The wait, the problem re-read and the gate after an action that succeeded. */
  private async afterAction(
    action: RemediationAction,
    index: number,
    ran: ActionRun,
    actionStep: (
      result: GateResult,
      message: string,
      evaluationId?: string | null,
    ) => Promise<RemediationRecord>,
  ): Promise<RemediationRun | undefined> {
    const { deps, input } = this;
    deps.logger.info(`waiting ${Math.ceil(input.waitMs / 1000)} s before the quality gate (--wait)`);
    if (!(await deps.sleep(input.waitMs, deps.signal))) {
      await actionStep(ran.result, `${ran.message}; stopped while waiting for the gate`);
      return this.cancelled(index + 1, action);
    }
    if (await this.closedMeanwhile()) {
      await actionStep(ran.result, `${ran.message}; the problem closed meanwhile`);
      return this.end('problem-closed', index + 1, action, {
        message: `${describeProblem(input.problem)} was closed in Dynatrace after ${describeAction(action)}`,
      });
    }
    const gate = await this.gate(ran.finishedAt);
    await actionStep(gate.result, `${ran.message}; ${gate.text}`, gate.id);
    if (gate.result === 'fail') return undefined;
    return this.resolve(index, action, gate.text);
  }

  private async resolve(
    index: number,
    action: RemediationAction | RemediationActionRef,
    gate: string,
  ): Promise<RemediationRun> {
    const { input, deps } = this;
    const message = `${describeAction(action)} resolved ${describeProblem(input.problem)}: ${gate}`;
    await this.tell(`ci-connect remediate: ${message} for ${this.where()}.`);
    if (input.close && deps.problems !== undefined) {
      const closed = await this.quietly('closing the problem', () =>
        deps.problems!.close(`ci-connect remediate: ${message}`),
      );
      if (closed !== undefined)
        deps.logger.info(`problem ${closed === 'closed' ? 'closed' : 'was closed already'}`);
    }
    return this.end('resolved', index, action, { message, evaluationId: this.lastEvaluationId });
  }

  async escalate(index: number, reason: string): Promise<RemediationRun> {
    const tried = [...this.input.tried, ...this.steps].filter((r) => r.step === 'action');
    const list = tried.map((r, i) => `${i + 1}. ${describeAction(r.action!)}: ${r.message}`);
    const message = `${reason}; ${tried.length === 0 ? 'no action ran' : `tried ${list.join('; ')}`}`;
    await this.tell(`ci-connect remediate for ${this.where()}: ${message}`);
    return this.end('escalated', index, null, { message, evaluationId: this.lastEvaluationId });
  }

  async cancelled(index: number, action: RemediationAction | null): Promise<RemediationRun> {
    const reason: unknown = this.deps.signal.reason;
    const by = typeof reason === 'string' ? reason : 'a stop signal';
    return this.end('cancelled', index, action, {
      message: `stopped by ${by} before action ${index + 1}; the next remediate continues there`,
    });
  }

  /** Writes the end step (its result: pass when the problem is gone, fail otherwise). */
  async end(
    outcome: RemediationOutcome,
    index: number,
    action: RemediationAction | RemediationActionRef | null,
    fields: { message: string; evaluationId?: string | null },
  ): Promise<RemediationRun> {
    const result: GateResult = outcome === 'resolved' || outcome === 'problem-closed' ? 'pass' : 'fail';
    const now = this.deps.clock.now().toISOString();
    const record = await this.write(
      outcome,
      index,
      action === null ? null : actionRef(action),
      result,
      fields.message,
      now,
      fields.evaluationId ?? null,
    );
    this.deps.logger.info(`${outcome}: ${fields.message}`);
    await this.deps.listener?.finished?.(outcome, record);
    return { outcome, steps: this.steps };
  }

  private async write(
    step: RemediationStep,
    actionIndex: number,
    action: RemediationActionRef | null,
    result: GateResult,
    message: string,
    startedAt: string,
    evaluationId: string | null,
  ): Promise<RemediationRecord> {
    const { input, deps } = this;
    const record: RemediationRecord = {
      schemaVersion: 1,
      id: deps.newId(),
      kind: 'remediation',
      project: input.project,
      stage: input.stage,
      service: input.service,
      labels: { ...input.labels },
      problem: problemRef(input.problem, input.key),
      step,
      actionIndex,
      action,
      result,
      evaluationId,
      startedAt,
      finishedAt: deps.clock.now().toISOString(),
      message,
    };
    await deps.record(record);
    this.steps.push(record);
    return record;
  }

  /** True when Dynatrace now reports the problem closed. */
  private async closedMeanwhile(): Promise<boolean> {
    const problems = this.deps.problems;
    if (problems === undefined) return false;
    return (await problems.refresh()).status === 'closed';
  }

  /** A comment on the Dynatrace problem, when there is one; a failure is a warning. */
  private async tell(message: string): Promise<void> {
    const problems = this.deps.problems;
    if (problems !== undefined)
      await this.quietly('commenting on the problem', () => problems.comment(message));
  }

  private async quietly<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      this.deps.logger.warn(`${what} failed (the remediation's result stands): ${(error as Error).message}`);
      return undefined;
    }
  }

  private where(): string {
    return `${this.input.project}/${this.input.stage}/${this.input.service}`;
  }
}

/**
 * The gate's "nothing was recorded" is not true of a remediation whose action ran: its step is in
 * history, and the next run goes on after it. The hint says so, and how to run the action again.
 */
function recordedHint(error: unknown, step: RemediationRecord): unknown {
  if (!(error instanceof ExternalSystemError)) return error;
  const fix = (error.hint ?? '').replace(/;?\s*nothing was recorded$/, '');
  const recorded = `the action is recorded: the next remediate runs its gate first, and the next action only if the problem stays (ci-connect history invalidate ${step.id} runs the action again)`;
  return new ExternalSystemError(error.message, {
    cause: error,
    hint: fix === '' ? recorded : `${fix}; ${recorded}`,
  });
}

/**
 * The last action earlier runs recorded for the problem when it succeeded but its gate never ran
 * (no evaluation): the next action must not run before that gate says the problem stays.
 */
export function ungatedAction(
  tried: readonly RemediationRecord[],
  firstIndex: number,
): RemediationRecord | undefined {
  const last = tried.at(-1);
  if (last === undefined || last.action === null || last.actionIndex !== firstIndex - 1) return undefined;
  return last.evaluationId === null && last.result !== 'fail' ? last : undefined;
}

/** From the action's end to now, widened to the minute monitoring data needs. */
function gateWindow(actionEnd: string, now: Date): { start: string; end: string } {
  const startMs = Math.min(Date.parse(actionEnd), now.getTime() - MIN_WINDOW_MS);
  return { start: new Date(startMs).toISOString(), end: now.toISOString() };
}

/** `"Scale up" (scaling)` */
export function describeAction(action: Pick<RemediationAction, 'name' | 'action'>): string {
  return action.name === '' || action.name === action.action
    ? action.action
    : `"${action.name}" (${action.action})`;
}

/** `problem P-211117376 "Response time degradation"` */
export function describeProblem(problem: Pick<Problem, 'displayId' | 'problemId' | 'title'>): string {
  const id = problem.displayId ?? problem.problemId;
  return `problem ${id === undefined ? '' : `${id} `}"${problem.title}"`;
}
