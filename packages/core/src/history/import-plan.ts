/**
 * From the items of an import file to the records to append, in an order that keeps the
 * history's rules (newest last, an invalidation after what it invalidates), or the problems that
 * stop the import before anything is written. ci-connect records (what `history export` wrote)
 * keep their order; Keptn evaluations are sorted oldest first, since Keptn's API lists them
 * newest first and a store's newest is its last appended.
 */

import type { Diagnostic } from '../config/diagnostics.js';
import { createInvalidation, type InvalidationRecord } from './bookkeeping.js';
import type { HistoryRecord } from './history-store.js';
import type { ImportInput } from './import-input.js';
import { findRecordProblem } from './import-records.js';
import {
  convertKeptnEvent,
  isKeptnEvent,
  type KeptnEvaluationRecord,
  type KeptnInvalidation,
} from './keptn-events.js';
import { imageTag } from './keptn-fields.js';

export interface ImportPlan {
  /** ci-connect records in file order, then Keptn evaluations oldest first. */
  records: HistoryRecord[];
  keptnEvaluations: KeptnEvaluationRecord[];
  /** Resolved against these evaluations and the store's by `resolveKeptnInvalidations`. */
  keptnInvalidations: KeptnInvalidation[];
  /** Keptn events of other types, by type: read for deployment images, not imported. */
  otherEvents: Record<string, number>;
  diagnostics: Diagnostic[];
}

/** Checks and converts every item; `diagnostics` holds each problem as `file:line path: message`. */
export function planImport(input: ImportInput, file: string): ImportPlan {
  const plan: ImportPlan = {
    records: [],
    keptnEvaluations: [],
    keptnInvalidations: [],
    otherEvents: {},
    diagnostics: [...input.diagnostics],
  };
  const images = new Map<string, string>();
  for (const { value, line, path } of input.items) {
    const fail = (where: string, message: string) =>
      plan.diagnostics.push({ severity: 'error', file, line, column: 1, path: join(path, where), message });
    if (!isKeptnEvent(value)) {
      if (!('schemaVersion' in value) && !('kind' in value)) {
        fail('', NEITHER);
        continue;
      }
      const problem = findRecordProblem(value);
      if (problem === undefined) plan.records.push(value as unknown as HistoryRecord);
      else fail('', problem);
      continue;
    }
    const outcome = convertKeptnEvent(value);
    switch (outcome.kind) {
      case 'evaluation':
        plan.keptnEvaluations.push(outcome.record);
        break;
      case 'invalidation':
        plan.keptnInvalidations.push(outcome.invalidation);
        break;
      case 'other':
        plan.otherEvents[outcome.type] = (plan.otherEvents[outcome.type] ?? 0) + 1;
        if (outcome.context !== null && outcome.image !== undefined)
          images.set(outcome.context, outcome.image);
        break;
      case 'problem':
        fail(outcome.path, `${value.type as string}: ${outcome.message}`);
        break;
    }
  }
  plan.keptnEvaluations = orderEvaluations(plan.keptnEvaluations, images);
  plan.records.push(...plan.keptnEvaluations);
  return plan;
}

const NEITHER =
  'neither a ci-connect history record (schemaVersion, id and kind, as history export writes them) ' +
  'nor a Keptn event (a type starting with sh.keptn.)';

/** Oldest first, each with the version its Keptn context's deployment named; duplicates once. */
function orderEvaluations(
  evaluations: readonly KeptnEvaluationRecord[],
  images: ReadonlyMap<string, string>,
): KeptnEvaluationRecord[] {
  const byId = new Map<string, KeptnEvaluationRecord>();
  for (const record of evaluations) {
    const image = record.keptn.shkeptncontext === null ? undefined : images.get(record.keptn.shkeptncontext);
    byId.set(record.id, image === undefined ? record : { ...record, version: imageTag(image) });
  }
  return [...byId.values()].sort((a, b) => Date.parse(a.evaluatedAt) - Date.parse(b.evaluatedAt));
}

/**
 * Keptn's invalidation hides every evaluation that answered its `triggeredid` (Keptn 0.8 and
 * later), or, as Keptn 0.7 wrote it, the evaluation-done event with that id: both are matched.
 * One invalidation record per evaluation hidden, with an id derived from the event's, so a second
 * import adds none; the ones that match nothing are returned to be reported.
 */
export function resolveKeptnInvalidations(
  invalidations: readonly KeptnInvalidation[],
  candidates: readonly HistoryRecord[],
  now: Date,
): { records: InvalidationRecord[]; unmatched: KeptnInvalidation[] } {
  const records: InvalidationRecord[] = [];
  const unmatched: KeptnInvalidation[] = [];
  for (const invalidation of [...invalidations].sort((a, b) => timeOf(a, now) - timeOf(b, now))) {
    const targets = candidates.filter(
      (record) =>
        record.id === invalidation.triggeredId || triggeredIdOf(record) === invalidation.triggeredId,
    );
    if (targets.length === 0) unmatched.push(invalidation);
    for (const target of new Map(targets.map((t) => [t.id, t])).values()) {
      const at = new Date(timeOf(invalidation, now));
      records.push(
        createInvalidation(
          `${invalidation.eventId}:${target.id}`,
          target,
          at,
          invalidation.reason ?? undefined,
        ),
      );
    }
  }
  return { records, unmatched };
}

function triggeredIdOf(record: HistoryRecord): string | undefined {
  const keptn = (record as { keptn?: { triggeredid?: unknown } }).keptn;
  return typeof keptn?.triggeredid === 'string' ? keptn.triggeredid : undefined;
}

function timeOf(invalidation: KeptnInvalidation, now: Date): number {
  return invalidation.at === undefined ? now.getTime() : Date.parse(invalidation.at);
}

function join(path: string, inner: string): string {
  if (path === '') return inner;
  return inner === '' ? path : `${path}.${inner}`;
}
