/**
 * The SLO what-if (`history rescore`): a recorded evaluation scored again with another SLO, from
 * the SLI values it recorded and the baseline it was compared with, and what changed. Pure, like
 * the scorer: records and an SLO in, a comparison out.
 */

import { scoreEvaluation } from './score.js';
import type {
  EvaluationRecord,
  GateResult,
  ObjectiveResult,
  ObjectiveStatus,
  Slo,
  SliValue,
} from './types.js';

/** An objective's outcome, before or after. */
export interface ObjectiveOutcome {
  status: ObjectiveStatus;
  score: number;
  weight: number;
}

/** One SLI of either SLO: its recorded value and its outcome before and after. */
export interface ObjectiveChange {
  sli: string;
  displayName: string;
  /** The recorded value; null when it had none (or was not recorded at all). */
  value: number | null;
  /** Null when the recorded evaluation had no objective on this SLI. */
  before: ObjectiveOutcome | null;
  /** The new SLO's objective as scored; null when the new SLO has none on this SLI. */
  after: ObjectiveResult | null;
  /** Status, score or weight differ, or the objective was added or removed. */
  changed: boolean;
  /** The new SLO's SLI was not recorded in this evaluation: scored as no data. */
  notRecorded: boolean;
}

export interface RescoredEvaluation {
  before: { result: GateResult; score: number };
  after: { result: GateResult; score: number; message: string };
  /** The verdict (pass, warning, fail) differs. */
  flipped: boolean;
  /**
   * It differs only because the SLO has SLIs the evaluation did not record (a missing value fails
   * its objective, and a gate with missing data never passes): scored without them, it would not.
   */
  flippedByNotRecordedOnly: boolean;
  objectives: ObjectiveChange[];
}

/** What the scorer hears for an SLI the evaluation never recorded. */
const NOT_RECORDED = 'not recorded in this evaluation';

/** Scores `evaluation`'s recorded values with `slo` against `baseline` (the records it compared with). */
export function rescoreEvaluation(
  slo: Slo,
  evaluation: EvaluationRecord,
  baseline: readonly EvaluationRecord[],
): RescoredEvaluation {
  const recorded = recordedValues(evaluation);
  const missing = slo.objectives
    .filter((o) => !recorded.has(o.sli))
    .map((o): SliValue => ({
      sli: o.sli,
      provider: '',
      value: null,
      failure: 'no-data',
      message: NOT_RECORDED,
    }));
  const scored = scoreEvaluation({ slo, values: [...recorded.values(), ...missing], baseline });
  const before = { result: evaluation.result, score: evaluation.score };
  const flipped = before.result !== scored.result;
  const recordedOnly = { ...slo, objectives: slo.objectives.filter((o) => recorded.has(o.sli)) };
  const flippedByNotRecordedOnly =
    flipped &&
    missing.length > 0 &&
    scoreEvaluation({ slo: recordedOnly, values: [...recorded.values()], baseline }).result === before.result;
  return {
    before,
    after: { result: scored.result, score: scored.score, message: scored.message },
    flipped,
    flippedByNotRecordedOnly,
    objectives: compareObjectives(evaluation.objectives, scored.objectives, recorded),
  };
}

/** Each SLI's first recorded value; a failure keeps its kind and message, without the scorer's prefix. */
function recordedValues(evaluation: EvaluationRecord): Map<string, SliValue> {
  const values = new Map<string, SliValue>();
  for (const o of evaluation.objectives) {
    if (values.get(o.sli)?.value != null) continue;
    if (o.value !== null) {
      values.set(o.sli, { sli: o.sli, provider: o.provider, value: o.value });
      continue;
    }
    const noData = o.message.startsWith('no data');
    const message = o.message.replace(/^(no data|error): /, '') || 'no value was recorded';
    values.set(o.sli, {
      sli: o.sli,
      provider: o.provider,
      value: null,
      failure: noData ? 'no-data' : 'error',
      message,
    });
  }
  return values;
}

function compareObjectives(
  before: readonly ObjectiveResult[],
  after: readonly ObjectiveResult[],
  recorded: ReadonlyMap<string, SliValue>,
): ObjectiveChange[] {
  const slis = [...new Set([...after.map((o) => o.sli), ...before.map((o) => o.sli)])];
  return slis.map((sli) => {
    const old = before.find((o) => o.sli === sli);
    const now = after.find((o) => o.sli === sli) ?? null;
    const outcome = old === undefined ? null : { status: old.status, score: old.score, weight: old.weight };
    const changed =
      outcome === null ||
      now === null ||
      outcome.status !== now.status ||
      outcome.score !== now.score ||
      outcome.weight !== now.weight;
    return {
      sli,
      displayName: now?.displayName || old?.displayName || '',
      value: recorded.get(sli)?.value ?? null,
      before: outcome,
      after: now,
      changed,
      notRecorded: !recorded.has(sli),
    };
  });
}
