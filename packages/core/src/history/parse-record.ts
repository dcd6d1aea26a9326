/**
 * Decides what one line of the JSON Lines history is: a record, nothing (blank), or something to
 * skip with a reason. Skipping instead of failing is what keeps a crash from breaking reading, and
 * an evaluation the gate cannot use (evaluation-shape.ts) from crashing it or spoiling a baseline.
 */

import { InternalError } from '../errors.js';
import { findEvaluationShapeProblem, withTargetLists } from './evaluation-shape.js';
import type { HistoryRecord } from './history-store.js';

/** The newest record layout this version of ci-connect understands. */
export const SUPPORTED_SCHEMA_VERSION = 1;

/**
 * What a line holds. A skipped line is `recognised` when it is a ci-connect record this version
 * cannot use (newer, or a damaged evaluation): it still shows that the file is a history.
 */
export type ParsedLine =
  | { status: 'record'; record: HistoryRecord }
  | { status: 'blank' }
  | { status: 'skipped'; reason: string; recognised: boolean };

const INCOMPLETE = 'skipped a line that is not a complete history record (a writer was probably interrupted)';

/** Parses one line of the history file. */
export function parseRecordLine(text: string): ParsedLine {
  if (text.trim() === '') return { status: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { status: 'skipped', reason: INCOMPLETE, recognised: false };
  }
  if (!isHistoryRecord(value)) return { status: 'skipped', reason: INCOMPLETE, recognised: false };
  if (value.schemaVersion > SUPPORTED_SCHEMA_VERSION) {
    return {
      status: 'skipped',
      reason: `skipped a record with schemaVersion ${value.schemaVersion}, written by a newer ci-connect (upgrade ci-connect to read it)`,
      recognised: true,
    };
  }
  const problem = findEvaluationShapeProblem(value);
  if (problem !== undefined) {
    return {
      status: 'skipped',
      reason: `skipped the evaluation record ${JSON.stringify(value.id)}: ${problem}`,
      recognised: true,
    };
  }
  return { status: 'record', record: withTargetLists(value) };
}

/** True for an object with the fields every record has. */
function isHistoryRecord(value: unknown): value is HistoryRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return (
    Number.isInteger(record.schemaVersion) &&
    (record.schemaVersion as number) >= 1 &&
    isNonEmptyString(record.id) &&
    isNonEmptyString(record.kind)
  );
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * One record as one line of JSON, without its line break (JSON.stringify escapes every newline
 * inside strings); refuses what is no record (a bug in the caller). `pinned` is for readers only.
 */
export function serialiseRecord(record: HistoryRecord): string {
  if (!isHistoryRecord(record)) {
    throw new InternalError('a history record needs a schemaVersion, an id and a kind');
  }
  const { pinned: _readersOnly, ...stored } = record;
  return JSON.stringify(stored);
}
