/**
 * The SLO's `comparison` and `total_score` blocks with Keptn's defaults (keptn-spec.md 1.2, 1.8)
 * and DESIGN.md's fixes: a missing total_score is an error, a missing compare_with a warning.
 */

import type { AggregateFunction, Comparison, IncludeResults, Slo } from '../gate/types.js';
import type { FileDiagnostics } from './file-diagnostics.js';
import { isRecord } from './guards.js';
import { scalarText } from './yaml-nodes.js';
import type { DocPath, YamlSource } from './yaml-nodes.js';

const DEFAULT_COMPARISON: Comparison = {
  compareWith: 'single_result',
  includeResultWithScore: 'all',
  numberOfComparisonResults: 1,
  aggregateFunction: 'avg',
};
const INCLUDE: readonly IncludeResults[] = ['all', 'pass', 'pass_or_warn'];
const AGGREGATES: readonly AggregateFunction[] = ['avg', 'p50', 'p90', 'p95'];
// Keptn compared with 3 evaluations when compare_with was neither value (keptn-spec.md 1.3).
const KEPTN_FALLBACK_RESULTS = 3;
const TOTAL_SCORE_HINT = 'add e.g. total_score: { pass: "90%", warning: "75%" }';

/** The comparison block, defaulted as Keptn did. */
export function readComparison(raw: unknown, out: FileDiagnostics): Comparison {
  if (!isRecord(raw)) return { ...DEFAULT_COMPARISON };
  const count = raw.number_of_comparison_results;
  const given = typeof count === 'number' && Number.isInteger(count) && count > 0 ? count : undefined;
  const base = {
    includeResultWithScore: oneOf(raw.include_result_with_score, INCLUDE) ?? 'all',
    aggregateFunction: oneOf(raw.aggregate_function, AGGREGATES) ?? 'avg',
  };
  if (raw.compare_with === 'single_result') {
    if (given !== undefined && given > 1) {
      const message = 'ignored: with compare_with: single_result only the previous evaluation is used';
      out.warning(
        ['comparison', 'number_of_comparison_results'],
        message,
        'write compare_with: several_results to use more',
      );
    }
    return { ...base, compareWith: 'single_result', numberOfComparisonResults: 1 };
  }
  if (raw.compare_with === 'several_results')
    return { ...base, compareWith: 'several_results', numberOfComparisonResults: given ?? 3 };
  if (raw.compare_with === undefined || raw.compare_with === null) {
    warnMissingCompareWith(given, out);
    return { ...base, compareWith: 'several_results', numberOfComparisonResults: KEPTN_FALLBACK_RESULTS };
  }
  return { ...DEFAULT_COMPARISON }; // an unknown value: reported by the schema check
}

/** Keptn ignored number_of_comparison_results without compare_with; say so, and say what to write. */
function warnMissingCompareWith(given: number | undefined, out: FileDiagnostics): void {
  const n = KEPTN_FALLBACK_RESULTS;
  out.warning(
    ['comparison'],
    `compare_with is missing: Keptn then compared with the last ${n} evaluations, and so does ci-connect`,
    'write compare_with: several_results or single_result',
    'key',
  );
  if (given !== undefined && given !== n) {
    out.warning(
      ['comparison', 'number_of_comparison_results'],
      `ignored: without compare_with Keptn used the last ${n} evaluations, whatever this says`,
      `write compare_with: several_results to use the last ${given}`,
    );
  }
}

/** The total_score block; undefined after reporting an error. */
export function readTotalScore(
  source: YamlSource,
  raw: unknown,
  out: FileDiagnostics,
): Slo['totalScore'] | undefined {
  if (!isRecord(raw)) {
    if (raw === undefined || raw === null) {
      out.error(
        ['total_score'],
        'no total_score: the SLO must say which score passes',
        TOTAL_SCORE_HINT,
        'key',
      );
    }
    return undefined;
  }
  const pass = readPercent(source, raw.pass, ['total_score', 'pass'], out);
  const warning = readPercent(source, raw.warning, ['total_score', 'warning'], out);
  if (pass === null)
    out.error(['total_score', 'pass'], 'missing: the score that passes', 'write e.g. pass: "90%"');
  if (pass === undefined || pass === null || warning === undefined) return undefined;
  if (warning !== null && warning > pass) {
    const message = `the warning score ${warning}% is above the pass score ${pass}%, so no evaluation can end in a warning`;
    out.warning(['total_score', 'warning'], message, 'make warning lower than pass');
  }
  return { pass, warning };
}

/** "90%", "90", 90 and 90.5 as a number; null when empty; undefined after reporting an error. */
function readPercent(
  source: YamlSource,
  raw: unknown,
  path: DocPath,
  out: FileDiagnostics,
): number | null | undefined {
  if (isRecord(raw) || Array.isArray(raw)) return undefined;
  const text = scalarText(source, path, raw).trim();
  if (text === '') return null;
  const match = /^(\d+(?:\.\d*)?|\.\d+)\s*%?$/.exec(text);
  const value = match === null ? Number.NaN : Number(match[1]);
  if (!(value >= 0 && value <= 100)) {
    out.error(
      path,
      `${JSON.stringify(text)} is not a percentage from 0 to 100`,
      `write e.g. ${String(path.at(-1))}: "90%"`,
    );
    return undefined;
  }
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a === value);
}
