/**
 * Which previous evaluations form the baseline (DESIGN.md section 5): the evaluation pinned for
 * the service (`history pin`) when there is one, else the newest ones the SLO's comparison admits.
 */

import type { Comparison, EvaluationRecord, GateResult, IncludeResults } from '../gate/types.js';
import { isEvaluationRecord } from './evaluation-shape.js';
import type { HistoryRecord, HistoryStore, HistoryTarget } from './history-store.js';

/**
 * The baseline of `target` from the store, newest first. A pinned evaluation is the baseline
 * alone, whatever the comparison asks: pinning is the user's explicit choice. Otherwise only as
 * many records are asked for as the comparison uses, so a store can stop reading early.
 */
export async function findBaseline(
  store: HistoryStore,
  target: HistoryTarget,
  comparison: Comparison,
): Promise<EvaluationRecord[]> {
  const pinned = await store.pinned(target);
  if (pinned !== undefined && isEvaluationRecord(pinned)) return [pinned];
  const newestFirst = await store.query({
    kind: 'evaluation',
    ...target,
    results: ADMITTED[comparison.includeResultWithScore],
    limit: wantedCount(comparison),
  });
  return selectBaseline(newestFirst, comparison);
}

const ADMITTED: Readonly<Record<IncludeResults, readonly GateResult[]>> = {
  all: ['pass', 'warning', 'fail'],
  pass: ['pass'],
  pass_or_warn: ['pass', 'warning'],
};

function wantedCount(comparison: Comparison): number {
  return comparison.compareWith === 'single_result' ? 1 : comparison.numberOfComparisonResults;
}

/**
 * The baseline evaluations, newest first: evaluations only, not invalidated, whose top-level
 * result `include_result_with_score` admits, at most 1 (`single_result`) or
 * `numberOfComparisonResults` (`several_results`) of them.
 */
export function selectBaseline(
  newestFirst: readonly HistoryRecord[],
  comparison: Comparison,
): EvaluationRecord[] {
  const wanted = wantedCount(comparison);
  return newestFirst
    .filter(isEvaluationRecord)
    .filter((record) => record.invalidated !== true)
    .filter((record) => ADMITTED[comparison.includeResultWithScore].includes(record.result))
    .slice(0, Math.max(0, wanted));
}
