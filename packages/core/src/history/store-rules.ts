/**
 * What every store refuses alike, in the same words: invalidating or pinning a record that is
 * not there, and pinning a record that cannot be a baseline.
 */

import { UsageError } from '../errors.js';
import { targetOf } from './bookkeeping.js';
import type { HistoryRecord, HistoryTarget } from './history-store.js';

const LIST_HINT = 'list the ids with `ci-connect history list`, or name the history with --history';

/** UsageError (exit 2): no record has this id. */
export function unknownRecordError(id: string, location: string): UsageError {
  return new UsageError(`no record with id ${id} in the history ${location}`, { hint: LIST_HINT });
}

/** The record's service when it may be pinned; throws UsageError (exit 2) saying why not. */
export function pinnableTarget(
  record: HistoryRecord | undefined,
  id: string,
  location: string,
): HistoryTarget {
  if (record === undefined) throw unknownRecordError(id, location);
  const target = targetOf(record);
  if (record.kind !== 'evaluation' || target === undefined) {
    throw new UsageError(
      `the record ${id} is a ${record.kind}, not an evaluation: only evaluations are baselines`,
      {
        hint: 'pin the id of an evaluation (`ci-connect history list --kind evaluation`)',
      },
    );
  }
  if (record.invalidated === true) {
    throw new UsageError(`the evaluation ${id} was invalidated, so it cannot be the baseline`, {
      hint: 'pin a valid evaluation; an invalidated one stays out of every baseline',
    });
  }
  return target;
}
