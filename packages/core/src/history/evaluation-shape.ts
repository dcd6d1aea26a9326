/**
 * The shape an `evaluation` record must have before the gate uses it. History lines can be
 * hand-edited or written by other tools; a record without `objectives` would crash the scorer,
 * and a value stored as a string would be concatenated into the baseline. Every store applies
 * this on read and skips what fails it, as it skips lines it cannot parse.
 */

import type { EvaluationRecord } from '../gate/types.js';
import type { HistoryRecord } from './history-store.js';

const RESULTS: readonly unknown[] = ['pass', 'warning', 'fail'];

type Fields = Readonly<Record<string, unknown>>;

/**
 * What is wrong with an `evaluation` record, e.g. `objectives[0].value is the string "100"; it
 * must be a number or null`; undefined when it is usable, and for records of other kinds.
 */
export function findEvaluationShapeProblem(record: HistoryRecord): string | undefined {
  if (record.kind !== 'evaluation') return undefined;
  const fields = record as unknown as Fields;
  for (const name of ['project', 'stage', 'service']) {
    if (typeof fields[name] !== 'string') return mismatch(name, fields[name], 'a string');
  }
  if (!RESULTS.includes(fields.result)) {
    return mismatch('result', fields.result, '"pass", "warning" or "fail"');
  }
  if (!isFiniteNumber(fields.score)) return mismatch('score', fields.score, 'a finite number');
  if (fields.invalidated !== undefined && typeof fields.invalidated !== 'boolean') {
    return mismatch('invalidated', fields.invalidated, 'true or false');
  }
  return findObjectivesProblem(fields.objectives) ?? findComparedProblem(fields.comparedEvaluations);
}

function findObjectivesProblem(objectives: unknown): string | undefined {
  if (!Array.isArray(objectives)) return mismatch('objectives', objectives, 'an array');
  for (const [index, objective] of (objectives as unknown[]).entries()) {
    const where = `objectives[${index}]`;
    if (!isObject(objective)) return mismatch(where, objective, 'an object');
    if (typeof objective.sli !== 'string') return mismatch(`${where}.sli`, objective.sli, 'a string');
    if (objective.value !== null && !isFiniteNumber(objective.value)) {
      return mismatch(`${where}.value`, objective.value, 'a number or null');
    }
    const targets =
      findTargetsProblem(objective.passTargets, `${where}.passTargets`) ??
      findTargetsProblem(objective.warningTargets, `${where}.warningTargets`);
    if (targets !== undefined) return targets;
  }
  return undefined;
}

/**
 * Targets are shown in every report, so they must be a list of objects, or missing or null (as
 * Go writes an empty slice), which readers take as an empty list. Their `alternative`
 * (which criteria list a target came from) is not checked: it only groups the criteria in
 * reports, which list them with commas when it is missing (records written before it, Keptn
 * imports) or no index (a hand edit, a tool writing null); skipping such a record would drop it
 * from baselines and change verdicts.
 */
function findTargetsProblem(targets: unknown, where: string): string | undefined {
  if (targets === undefined || targets === null) return undefined; // read as empty: withTargetLists
  if (!Array.isArray(targets)) return mismatch(where, targets, 'an array');
  const index = (targets as unknown[]).findIndex((target) => !isObject(target));
  return index === -1 ? undefined : mismatch(`${where}[${index}]`, targets[index], 'an object');
}

/**
 * An evaluation whose objectives lack `passTargets` or `warningTargets`, or have null (a hand
 * edit, another tool) still serves as a baseline; empty lists keep every report from crashing.
 * For a record `findEvaluationShapeProblem` accepted.
 */
export function withTargetLists(record: HistoryRecord): HistoryRecord {
  if (record.kind !== 'evaluation') return record;
  const { objectives } = record as unknown as { objectives: Record<string, unknown>[] };
  if (objectives.every((o) => o.passTargets != null && o.warningTargets != null)) return record;
  return {
    ...record,
    objectives: objectives.map((o) => ({
      ...o,
      passTargets: o.passTargets ?? [],
      warningTargets: o.warningTargets ?? [],
    })),
  } as HistoryRecord;
}

function findComparedProblem(ids: unknown): string | undefined {
  if (!Array.isArray(ids)) return mismatch('comparedEvaluations', ids, 'an array of ids');
  const index = (ids as unknown[]).findIndex((id) => typeof id !== 'string');
  return index === -1 ? undefined : mismatch(`comparedEvaluations[${index}]`, ids[index], 'a string');
}

function mismatch(field: string, actual: unknown, expected: string): string {
  return `${field} is ${describeValue(actual)}; it must be ${expected}`;
}

/** A JSON value in a few words, for messages. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  }
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a value of type ${typeof value}`;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Narrows a stored record to an evaluation (the `--json` contract) the gate can use. Stores
 * already skip unusable ones on read; checking again here keeps the type guard honest.
 */
export function isEvaluationRecord(record: HistoryRecord): record is EvaluationRecord {
  return record.kind === 'evaluation' && findEvaluationShapeProblem(record) === undefined;
}
