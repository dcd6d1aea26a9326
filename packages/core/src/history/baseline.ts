/**
 * Which previous evaluations form the baseline (DESIGN.md section 5). Pure: the store's query
 * already chose project, stage and service and ordered the records newest first.
 */

import type { Comparison, EvaluationRecord, GateResult, IncludeResults } from '../gate/types.js';
import { isEvaluationRecord } from './evaluation-shape.js';
import type { HistoryRecord } from './history-store.js';

/**
 * The baseline evaluations, newest first: evaluations only, not invalidated, whose top-level
 * result `include_result_with_score` admits, at most 1 (`single_result`) or
 * `numberOfComparisonResults` (`several_results`) of them.
 */
export function selectBaseline(
  newestFirst: readonly HistoryRecord[],
  comparison: Comparison,
): EvaluationRecord[] {
  const wanted = comparison.compareWith === 'single_result' ? 1 : comparison.numberOfComparisonResults;
  return newestFirst
    .filter(isEvaluationRecord)
    .filter((record) => record.invalidated !== true)
    .filter((record) => admits(comparison.includeResultWithScore, record.result))
    .slice(0, Math.max(0, wanted));
}

function admits(include: IncludeResults, result: GateResult): boolean {
  switch (include) {
    case 'all':
      return true;
    case 'pass':
      return result === 'pass';
    case 'pass_or_warn':
      return result === 'pass' || result === 'warning';
  }
}
