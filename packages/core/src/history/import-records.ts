/**
 * The checks a ci-connect record passes before `history import` takes it: what a store needs
 * (schemaVersion, id, kind), a version this ci-connect reads, an evaluation the gate can use,
 * and bookkeeping that names what it applies to. Each problem is one sentence with the field.
 */

import { isInvalidation, isPinRecord } from './bookkeeping.js';
import { findEvaluationShapeProblem } from './evaluation-shape.js';
import type { HistoryRecord } from './history-store.js';
import { SUPPORTED_SCHEMA_VERSION } from './parse-record.js';

/** What is wrong with a record to import; undefined when it can be imported as it is. */
export function findRecordProblem(value: Readonly<Record<string, unknown>>): string | undefined {
  const { schemaVersion, id, kind } = value;
  if (!Number.isInteger(schemaVersion) || (schemaVersion as number) < 1)
    return `schemaVersion is ${JSON.stringify(schemaVersion) ?? 'missing'}; a ci-connect record has schemaVersion 1`;
  if ((schemaVersion as number) > SUPPORTED_SCHEMA_VERSION)
    return `schemaVersion ${String(schemaVersion)} was written by a newer ci-connect (upgrade ci-connect to import it)`;
  if (typeof id !== 'string' || id === '') return 'id is missing; every record needs one';
  if (typeof kind !== 'string' || kind === '') return 'kind is missing; every record needs one';
  const record = value as unknown as HistoryRecord;
  if (kind === 'invalidation' && !isInvalidation(record))
    return 'an invalidation needs target, the id of the record it invalidates';
  if ((kind === 'pin' || kind === 'unpin') && !isPinRecord(record))
    return `a ${kind} needs target, project, stage and service`;
  return findEvaluationShapeProblem(record);
}
