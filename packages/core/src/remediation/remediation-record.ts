/**
 * The `remediation` history record (issue 13): one per step of `ci-connect remediate`. The
 * number of `action` records for a problem's key is the index of its next action, so a second
 * `remediate` for the same problem continues where the first stopped (as Keptn's actionIndex did).
 */

import type { GateResult } from '../gate/types.js';
import type { Problem, RemediationAction } from './types.js';

/** What a step was: an action that ran, or how the remediation ended. */
export type RemediationStep = 'action' | 'resolved' | 'escalated' | 'problem-closed' | 'cancelled';

/** The problem, as far as the record needs it. */
export interface RemediationProblemRef {
  /** problemKey(): Dynatrace's problemId, else its display id; absent for `--problem-type`. */
  key?: string;
  displayId?: string;
  title: string;
  rootCause?: string;
  url?: string;
}

/** The action of the remediation file that ran (Keptn's `action` of get-action.finished). */
export interface RemediationActionRef {
  name: string;
  action: string;
  description: string;
  value?: unknown;
}

/** One step of a remediation, as stored in history and printed by `remediate --json`. */
export interface RemediationRecord {
  schemaVersion: 1;
  id: string;
  kind: 'remediation';
  project: string;
  stage: string;
  service: string;
  labels: Readonly<Record<string, string>>;
  problem: RemediationProblemRef;
  step: RemediationStep;
  /** 0-based: the action's position in the remediation entry (for an end step, the next one's). */
  actionIndex: number;
  action: RemediationActionRef | null;
  /** An action: the gate after it (or the action's own result when no gate ran). */
  result: GateResult;
  /** The evaluation after the action, when one ran. */
  evaluationId: string | null;
  startedAt: string;
  finishedAt: string;
  message: string;
}

/**
 * True for a record of kind `remediation` with the fields its readers use (history holds every
 * kind, and `history import` takes a record of any kind: a bare one must not crash remediate,
 * history list or the report).
 */
export function isRemediationRecord(record: { kind: string }): record is RemediationRecord {
  if (record.kind !== 'remediation') return false;
  const { problem, step, actionIndex, action, message, result, finishedAt } = record as Partial<
    Record<string, unknown>
  >;
  return (
    isObject(problem) &&
    (result === 'pass' || result === 'warning' || result === 'fail') &&
    typeof finishedAt === 'string' &&
    typeof problem.title === 'string' &&
    typeof step === 'string' &&
    Number.isInteger(actionIndex) &&
    typeof message === 'string' &&
    (action === null ||
      (isObject(action) && typeof action.action === 'string' && typeof action.name === 'string'))
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The problem's fields a record keeps. */
export function problemRef(problem: Problem, key: string | undefined): RemediationProblemRef {
  return {
    ...(key === undefined ? {} : { key }),
    ...(problem.displayId === undefined ? {} : { displayId: problem.displayId }),
    title: problem.title,
    ...(problem.rootCause === undefined ? {} : { rootCause: problem.rootCause }),
    ...(problem.url === undefined ? {} : { url: problem.url }),
  };
}

/** The action's fields a record keeps (the value only when the file has one). */
export function actionRef(action: RemediationAction): RemediationActionRef {
  return {
    name: action.name,
    action: action.action,
    description: action.description,
    ...(action.value === undefined ? {} : { value: action.value }),
  };
}

/**
 * The `action` steps already recorded for the problem, oldest first, one per action index. A
 * problem is known by its problemId, its display id or both (a notification may carry only
 * `ProblemID`, `--problem-id P-…` reads both from Dynatrace), and a record keeps its key and its
 * display id: a record is the problem's when one of them names it. An index recorded twice (two
 * jobs started for one notification) counts once, so that the next run skips no action.
 */
export function actionsTried(
  records: readonly { kind: string }[],
  problem: Pick<Problem, 'problemId' | 'displayId'>,
): RemediationRecord[] {
  const ids = new Set([problem.problemId, problem.displayId].filter((id) => id !== undefined));
  if (ids.size === 0) return [];
  const byIndex = new Map<number, RemediationRecord>();
  for (const record of records.filter(isRemediationRecord)) {
    if (record.step !== 'action' || byIndex.has(record.actionIndex)) continue;
    const { key, displayId } = record.problem;
    if ((key !== undefined && ids.has(key)) || (displayId !== undefined && ids.has(displayId)))
      byIndex.set(record.actionIndex, record);
  }
  return [...byIndex.values()].sort((a, b) => a.actionIndex - b.actionIndex);
}
