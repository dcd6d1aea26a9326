/**
 * The quality gate's domain types: the normalised SLO (after loading and validation) and the
 * evaluation record, which is exactly the `--json` contract of DESIGN.md section 4.
 */

export type Operator = '<' | '<=' | '=' | '>=' | '>';

/** One parsed criterion, e.g. `<=+10%`, `<600`, `>=-80%`. */
export interface Criterion {
  /** The string as written in the SLO file. */
  raw: string;
  operator: Operator;
  /** fixed: compare with `amount`; relative: compare with the baseline changed by `amount`. */
  kind: 'fixed' | 'relative';
  /** For relative criteria: a percentage of the baseline, or an absolute delta. */
  unit: 'absolute' | 'percent';
  /** Signed: `-80%` is -80; `<600` is 600. */
  amount: number;
}

/** Criteria in one entry must all hold (AND). */
export type CriteriaSet = readonly Criterion[];

export type AggregateFunction = 'avg' | 'p50' | 'p90' | 'p95';
export type IncludeResults = 'all' | 'pass' | 'pass_or_warn';

export interface Comparison {
  compareWith: 'single_result' | 'several_results';
  includeResultWithScore: IncludeResults;
  /** How many previous evaluations make the baseline. */
  numberOfComparisonResults: number;
  aggregateFunction: AggregateFunction;
}

export interface Objective {
  sli: string;
  displayName: string;
  /** Entries are alternatives (OR). Empty: the objective is informational. */
  pass: readonly CriteriaSet[];
  warning: readonly CriteriaSet[];
  weight: number;
  keySli: boolean;
}

/** A Keptn SLO file after validation and defaults. */
export interface Slo {
  filter: Readonly<Record<string, string>>;
  comparison: Comparison;
  objectives: readonly Objective[];
  totalScore: { pass: number; warning: number | null };
}

export type GateResult = 'pass' | 'warning' | 'fail';
export type ObjectiveStatus = 'pass' | 'warning' | 'fail' | 'info';

/** Why an SLI has no value: the system had no data, or fetching it went wrong. */
export type SliFailure = 'no-data' | 'error' | 'unavailable';

/**
 * What a provider delivered for one SLI. A failure's `hint` says how to fix it (e.g. --ca-file
 * for an unknown certificate); it travels apart from the message so that the error raised when
 * every system is down can show it as its hint.
 */
export type SliValue =
  | { sli: string; provider: string; value: number }
  | { sli: string; provider: string; value: null; failure: SliFailure; message: string; hint?: string };

export interface TargetResult {
  criteria: string;
  /** The threshold the value was compared with; null when relative and there is no baseline. */
  targetValue: number | null;
  violated: boolean;
  /**
   * The 0-based index of the `criteria` list (in `pass` or `warning`) this target came from:
   * targets with the same index must all hold (AND), different indexes are alternatives (OR).
   * Absent in records written before it existed and in imported Keptn evaluations.
   */
  alternative?: number;
}

export interface ObjectiveResult {
  sli: string;
  displayName: string;
  provider: string;
  value: number | null;
  status: ObjectiveStatus;
  score: number;
  weight: number;
  keySli: boolean;
  /** The aggregated baseline, or null when there was none. */
  comparedValue: number | null;
  message: string;
  passTargets: TargetResult[];
  warningTargets: TargetResult[];
}

/** An evaluation as stored in history and printed by `--json` (contract). */
export interface EvaluationRecord {
  schemaVersion: 1;
  id: string;
  kind: 'evaluation';
  project: string;
  stage: string;
  service: string;
  version: string;
  labels: Record<string, string>;
  start: string;
  end: string;
  evaluatedAt: string;
  result: GateResult;
  score: number;
  objectives: ObjectiveResult[];
  comparedEvaluations: string[];
  message: string;
  invalidated: boolean;
}
