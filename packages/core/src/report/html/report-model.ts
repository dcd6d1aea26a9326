/**
 * The report's grid, from history's records: evaluations as columns (oldest to newest) and
 * objectives as rows, an objective being an SLI (the nth objective on that SLI, for an SLO that
 * scores one SLI twice). Rows follow the newest evaluation's SLO; objectives only older
 * evaluations had come after them.
 */

import type { EvaluationRecord, GateResult, ObjectiveResult, ObjectiveStatus } from '../../gate/types.js';

/** An evaluation as history returns it; `pinned` marks a baseline pinned with `history pin`. */
export type ReportedEvaluation = EvaluationRecord & { readonly pinned?: boolean };

/** The total score's thresholds (the SLO's `total_score`), when known. */
export interface ScoreThresholds {
  pass: number;
  warning: number | null;
}

/** What the HTML report is rendered from. */
export interface HtmlReportInput {
  project: string;
  stage: string;
  service: string;
  /** Newest first, as history returns them; invalidated ones included (and marked). */
  evaluations: readonly ReportedEvaluation[];
  /** The evaluation of the job that writes the report: highlighted. */
  currentId?: string;
  thresholds?: ScoreThresholds;
  /** When the report was made (ISO 8601), for its header. */
  generatedAt: string;
  /** Per-SLI charts for at most this many objectives, the first rows (default 40). */
  maxSliCharts?: number;
  /** The service's remediation steps, newest first (`remediate`); a section when there are any. */
  remediations?: readonly ReportedRemediationStep[];
}

/** A `remediation` history record, as far as the report shows it (history's shape, issue 13). */
export interface ReportedRemediationStep {
  step: string;
  actionIndex: number;
  action: { name: string; action: string } | null;
  result: GateResult;
  evaluationId: string | null;
  finishedAt: string;
  message: string;
  problem: { key?: string; displayId?: string; title: string };
}

export interface ReportColumn {
  /** 0 for the oldest. */
  index: number;
  evaluation: ReportedEvaluation;
  current: boolean;
  pinned: boolean;
  invalidated: boolean;
}

export interface ReportRow {
  sli: string;
  /** From the newest evaluation that has the objective. */
  latest: ObjectiveResult;
  /** One per column: undefined where that evaluation had no such objective. */
  cells: readonly (ObjectiveResult | undefined)[];
}

export interface ReportModel {
  columns: readonly ReportColumn[];
  rows: readonly ReportRow[];
  /** The column highlighted in the summary: the current evaluation, else the newest. */
  focus: ReportColumn | undefined;
}

/** How a cell is shown: an objective's status, or `none` where the evaluation had no such objective. */
export type CellState = ObjectiveStatus | 'none';

/** One symbol per state, so the report reads without colour. */
export const STATE_SYMBOL: Readonly<Record<CellState, string>> = {
  pass: '✓',
  warning: '!',
  fail: '✗',
  info: 'i',
  none: '·',
};

export const RESULT_SYMBOL: Readonly<Record<GateResult, string>> = STATE_SYMBOL;

/** Builds the grid; `evaluations` are newest first. */
export function buildReportModel(input: HtmlReportInput): ReportModel {
  const oldestFirst = [...input.evaluations].reverse();
  const columns = oldestFirst.map((evaluation, index): ReportColumn => ({
    index,
    evaluation,
    current: evaluation.id === input.currentId,
    pinned: evaluation.pinned === true,
    invalidated: evaluation.invalidated === true,
  }));
  const keyed = oldestFirst.map(objectivesByKey);
  const rows: ReportRow[] = [];
  const seen = new Set<string>();
  for (let c = keyed.length - 1; c >= 0; c--) {
    for (const [key, objective] of keyed[c]!) {
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push({ sli: objective.sli, latest: objective, cells: keyed.map((byKey) => byKey.get(key)) });
    }
  }
  const focus = columns.find((c) => c.current) ?? columns.at(-1);
  return { columns, rows, focus };
}

/** The evaluation's objectives by `sli#n`, n counting objectives on the same SLI. */
function objectivesByKey(evaluation: EvaluationRecord): Map<string, ObjectiveResult> {
  const counts = new Map<string, number>();
  const byKey = new Map<string, ObjectiveResult>();
  for (const objective of evaluation.objectives) {
    const n = counts.get(objective.sli) ?? 0;
    counts.set(objective.sli, n + 1);
    byKey.set(`${objective.sli}#${n}`, objective);
  }
  return byKey;
}

/** `2026-11-22 10:07` (UTC) from an ISO timestamp; other text as it is. */
export function formatWhen(iso: string): string {
  const match = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d(?:\.\d+)?)?Z$/.exec(iso);
  return match === null ? iso : `${match[1]} ${match[2]}`;
}
