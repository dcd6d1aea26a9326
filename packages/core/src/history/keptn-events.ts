/**
 * Keptn v1 events as its API returned them, turned into ci-connect history (`history import`):
 * an `sh.keptn.event.evaluation.finished` (or Keptn 0.6's `sh.keptn.events.evaluation-done`)
 * becomes an evaluation record, an `evaluation.invalidated` an invalidation of the evaluations it
 * names. Field meanings: ../../../../docs/cli-reference.md#leaving-keptn-keep-your-baselines and
 * Keptn's spec, cloudevents.md (https://github.com/keptn/spec/blob/master/cloudevents.md).
 */

import { createHash } from 'node:crypto';
import {
  describe,
  FieldProblem,
  imageOf,
  numberOr,
  objectOr,
  optionalTime,
  requireNumber,
  requireObject,
  requireTime,
  stringsOf,
  text,
} from './keptn-fields.js';
import type {
  EvaluationRecord,
  GateResult,
  ObjectiveResult,
  ObjectiveStatus,
  TargetResult,
} from '../gate/types.js';

const EVALUATION_TYPES = ['sh.keptn.event.evaluation.finished', 'sh.keptn.events.evaluation-done'];
/** Keptn 0.7 wrote `events` (plural); 0.8 renamed it (keptn/keptn #2766). */
const INVALIDATION_TYPES = [
  'sh.keptn.event.evaluation.invalidated',
  'sh.keptn.events.evaluation.invalidated',
];
const RESULTS: readonly string[] = ['pass', 'warning', 'fail'];

/** Where an imported evaluation came from in Keptn: what its invalidations and sequences refer to. */
export interface KeptnOrigin {
  shkeptncontext: string | null;
  /** The id of the `evaluation.triggered` event it answered; what an invalidation names. */
  triggeredid: string | null;
}

/** An evaluation converted from Keptn: the record contract, plus where it came from. */
export interface KeptnEvaluationRecord extends EvaluationRecord {
  keptn: KeptnOrigin;
}

/** An `evaluation.invalidated` event: it hides every evaluation that answered `triggeredId`. */
export interface KeptnInvalidation {
  eventId: string;
  /** Keptn 0.8 and later: the evaluation.triggered id; 0.7: the evaluation-done event's own id. */
  triggeredId: string;
  project: string;
  stage: string;
  service: string;
  /** Event time; undefined when the event has none. */
  at: string | undefined;
  reason: string | null;
}

/** What one Keptn event is for the import. */
export type KeptnEventOutcome =
  | { kind: 'evaluation'; record: KeptnEvaluationRecord }
  | { kind: 'invalidation'; invalidation: KeptnInvalidation }
  /** Any other event; its image (a deployment's) gives the version of evaluations in its context. */
  | { kind: 'other'; type: string; context: string | null; image: string | undefined }
  | { kind: 'problem'; path: string; message: string };

type Fields = Readonly<Record<string, unknown>>;

/** True for a Keptn CloudEvent (its type starts `sh.keptn.`). */
export function isKeptnEvent(value: Fields): boolean {
  return typeof value.type === 'string' && value.type.startsWith('sh.keptn.');
}

/** Converts one Keptn event, or says what is wrong with it. */
export function convertKeptnEvent(event: Fields): KeptnEventOutcome {
  const type = event.type as string;
  if (EVALUATION_TYPES.includes(type)) return convertEvaluation(event);
  if (INVALIDATION_TYPES.includes(type)) return convertInvalidation(event);
  const data = objectOr(event.data);
  return { kind: 'other', type, context: text(event.shkeptncontext) ?? null, image: imageOf(data) };
}

function convertEvaluation(event: Fields): KeptnEventOutcome {
  try {
    const data = requireObject(event.data, 'data');
    const legacy = event.type === 'sh.keptn.events.evaluation-done';
    const evaluationPath = legacy ? 'data.evaluationdetails' : 'data.evaluation';
    const evaluation = objectOr(legacy ? data.evaluationdetails : data.evaluation);
    const evaluatedAt = requireTime(event.time, 'time');
    const record: KeptnEvaluationRecord = {
      schemaVersion: 1,
      id: eventId(event),
      kind: 'evaluation',
      ...serviceOf(data),
      version: '',
      labels: labelsOf(data.labels),
      start: optionalTime(evaluation.timeStart, `${evaluationPath}.timeStart`) ?? evaluatedAt,
      end: optionalTime(evaluation.timeEnd, `${evaluationPath}.timeEnd`) ?? evaluatedAt,
      evaluatedAt,
      result: resultOf(data, evaluation),
      score: numberOr(evaluation.score, `${evaluationPath}.score`, 0),
      objectives: objectivesOf(evaluation.indicatorResults, `${evaluationPath}.indicatorResults`),
      comparedEvaluations: stringsOf(evaluation.comparedEvents, `${evaluationPath}.comparedEvents`),
      message: text(data.message) ?? '',
      invalidated: false,
      keptn: {
        shkeptncontext: text(event.shkeptncontext) ?? null,
        triggeredid: text(event.triggeredid) ?? null,
      },
    };
    return { kind: 'evaluation', record };
  } catch (error) {
    if (error instanceof FieldProblem) return { kind: 'problem', path: error.path, message: error.message };
    throw error;
  }
}

function convertInvalidation(event: Fields): KeptnEventOutcome {
  try {
    const data = requireObject(event.data, 'data');
    const triggeredId = text(event.triggeredid);
    if (triggeredId === undefined)
      throw new FieldProblem(
        'triggeredid',
        'triggeredid is missing: it names the evaluation that is invalid',
      );
    const reason = text(objectOr(data.evaluation).reason) ?? text(data.message) ?? null;
    const at = optionalTime(event.time, 'time');
    const invalidation = { eventId: eventId(event), triggeredId, ...serviceOf(data), at, reason };
    return { kind: 'invalidation', invalidation };
  } catch (error) {
    if (error instanceof FieldProblem) return { kind: 'problem', path: error.path, message: error.message };
    throw error;
  }
}

/** Keptn's rule (lighthouse): pass/fail is the event's `data.result`, not `data.evaluation.result`. */
function resultOf(data: Fields, evaluation: Fields): GateResult {
  for (const candidate of [data.result, evaluation.result])
    if (typeof candidate === 'string' && RESULTS.includes(candidate)) return candidate as GateResult;
  throw new FieldProblem(
    'data.result',
    `data.result is ${describe(data.result)}; it must be "pass", "warning" or "fail"`,
  );
}

function objectivesOf(value: unknown, path: string): ObjectiveResult[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new FieldProblem(path, `${path} is ${describe(value)}; it must be a list`);
  return value.map((entry, index) =>
    objectiveOf(requireObject(entry, `${path}[${index}]`), `${path}[${index}]`),
  );
}

/** One `indicatorResults` entry; a value with `success: false` is no value, its message kept. */
function objectiveOf(indicator: Fields, path: string): ObjectiveResult {
  const value = requireObject(indicator.value, `${path}.value`);
  const sli = text(value.metric);
  if (sli === undefined)
    throw new FieldProblem(`${path}.value.metric`, `${path}.value.metric is missing: it names the SLI`);
  const failed = value.success === false;
  const measured = failed ? null : requireNumber(value.value, `${path}.value.value`);
  const status = statusOf(indicator.status, `${path}.status`);
  const score = numberOr(indicator.score, `${path}.score`, 0);
  const legacyTargets = indicator.passTargets === undefined ? indicator.targets : indicator.passTargets;
  return {
    sli,
    displayName: text(indicator.displayName) ?? '',
    provider: '',
    value: measured,
    status,
    score,
    weight: weightOf(status, score),
    keySli: indicator.keySli === true,
    comparedValue:
      value.comparedValue === undefined
        ? null
        : numberOr(value.comparedValue, `${path}.value.comparedValue`, null),
    message: failed ? (text(value.message) ?? 'no value') : '',
    passTargets: targetsOf(legacyTargets, `${path}.passTargets`),
    warningTargets: targetsOf(indicator.warningTargets, `${path}.warningTargets`),
  };
}

/** Keptn records no weight: a passed objective scored its weight, a warning half of it; else 1. */
function weightOf(status: ObjectiveStatus, score: number): number {
  if (status === 'pass' && score > 0) return score;
  if (status === 'warning' && score > 0) return score * 2;
  return 1;
}

function statusOf(value: unknown, path: string): ObjectiveStatus {
  // keptn/spec's example wrote "failed"; lighthouse wrote "fail".
  if (value === 'failed') return 'fail';
  if (value === 'pass' || value === 'warning' || value === 'fail' || value === 'info') return value;
  throw new FieldProblem(path, `${path} is ${describe(value)}; it must be pass, warning, fail or info`);
}

function targetsOf(value: unknown, path: string): TargetResult[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new FieldProblem(path, `${path} is ${describe(value)}; it must be a list`);
  return value.map((entry, index) => {
    const target = requireObject(entry, `${path}[${index}]`);
    return {
      criteria: text(target.criteria) ?? '',
      targetValue: numberOr(target.targetValue, `${path}[${index}].targetValue`, null),
      violated: target.violated === true,
    };
  });
}

function serviceOf(data: Fields): { project: string; stage: string; service: string } {
  const [project, stage, service] = ['project', 'stage', 'service'].map((name) => {
    const value = text(data[name]);
    if (value === undefined) throw new FieldProblem(`data.${name}`, `data.${name} is missing`);
    return value;
  }) as [string, string, string];
  return { project, stage, service };
}

/** Keptn labels are strings; other values are kept as their text. */
function labelsOf(value: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, label] of Object.entries(objectOr(value)))
    if (label !== null && label !== undefined)
      labels[key] = typeof label === 'string' ? label : JSON.stringify(label);
  return labels;
}

/** The event's id, or one derived from its content, so that importing it twice adds nothing. */
function eventId(event: Fields): string {
  const id = text(event.id);
  if (id !== undefined) return id;
  return `keptn-${createHash('sha256').update(JSON.stringify(event)).digest('hex').slice(0, 32)}`;
}
