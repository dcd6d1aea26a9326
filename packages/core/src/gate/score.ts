import { aggregateValues } from './aggregate.js';
import { compare, targetValueOf } from './criteria.js';
import type {
  CriteriaSet,
  EvaluationRecord,
  GateResult,
  Objective,
  ObjectiveResult,
  Slo,
  SliValue,
  TargetResult,
} from './types.js';

/** What the scorer needs: the SLO, this run's SLI values, and the baseline evaluations. */
export interface ScoreInput {
  slo: Slo;
  /** One value per SLI name the objectives use; a missing name counts as "no value received". */
  values: readonly SliValue[];
  /** Previous evaluations chosen as the baseline, newest first. */
  baseline: readonly EvaluationRecord[];
}

export interface ScoreOutput {
  result: GateResult;
  /** Percentage, not rounded. */
  score: number;
  objectives: ObjectiveResult[];
  message: string;
}

/**
 * Scores SLI values against an SLO with Keptn lighthouse semantics and DESIGN.md section 5's
 * deliberate fixes. Pure: no I/O, no clock.
 */
export function scoreEvaluation(input: ScoreInput): ScoreOutput {
  const { slo } = input;
  const byName = new Map<string, SliValue>();
  for (const value of input.values) if (!byName.has(value.sli)) byName.set(value.sli, value);

  const objectives = slo.objectives.map((objective) =>
    scoreObjective(
      objective,
      byName.get(objective.sli),
      aggregateValues(previousValues(input.baseline, objective.sli), slo.comparison.aggregateFunction),
    ),
  );
  const scored = objectives.filter((o) => o.status !== 'info');
  const maximum = scored.reduce((sum, o) => sum + o.weight, 0);
  const achieved = scored.reduce((sum, o) => sum + o.score, 0);
  // achieved / maximum * 100, in this order, gives the same float as Keptn (2.5/3 -> 83.33333333333334).
  const score = maximum === 0 ? 100 : (achieved / maximum) * 100;
  return { ...decide(slo, score, objectives), score, objectives };
}

/** The SLI's value in each baseline evaluation that had one (one per evaluation). */
function previousValues(baseline: readonly EvaluationRecord[], sli: string): number[] {
  const values: number[] = [];
  for (const evaluation of baseline) {
    const previous = evaluation.objectives.find((o) => o.sli === sli && o.value !== null);
    if (previous?.value != null) values.push(previous.value);
  }
  return values;
}

function scoreObjective(
  objective: Objective,
  sliValue: SliValue | undefined,
  comparedValue: number | null,
): ObjectiveResult {
  const base = {
    sli: objective.sli,
    displayName: objective.displayName,
    provider: sliValue?.provider ?? '',
    value: sliValue?.value ?? null,
    weight: objective.weight,
    keySli: objective.keySli,
    comparedValue,
  };
  if (objective.pass.length === 0) {
    // Not scored, but a missing value still says why, as a scored objective's does.
    const message = sliValue === undefined || sliValue.value === null ? whyNoValue(sliValue) : '';
    return { ...base, status: 'info', score: 0, message, passTargets: [], warningTargets: [] };
  }
  if (sliValue === undefined || sliValue.value === null) {
    const why = whyNoValue(sliValue);
    return {
      ...base,
      status: 'fail',
      score: 0,
      message: why,
      passTargets: unevaluatedTargets(objective.pass, comparedValue),
      warningTargets: unevaluatedTargets(objective.warning, comparedValue),
    };
  }
  const pass = evaluateAlternatives(objective.pass, sliValue.value, comparedValue);
  const warning = evaluateAlternatives(objective.warning, sliValue.value, comparedValue);
  const status = pass.met ? 'pass' : warning.met ? 'warning' : 'fail';
  const score = status === 'pass' ? objective.weight : status === 'warning' ? objective.weight / 2 : 0;
  const usedMissingBaseline = pass.missingBaseline || (status !== 'pass' && warning.missingBaseline);
  return {
    ...base,
    status,
    score,
    message: usedMissingBaseline ? 'no baseline: relative criteria were not checked' : '',
    passTargets: pass.targets,
    warningTargets: warning.targets,
  };
}

interface AlternativesOutcome {
  met: boolean;
  targets: TargetResult[];
  /** A relative criterion counted as met because there was no baseline. */
  missingBaseline: boolean;
}

/** Entries are alternatives (OR); the criteria of one entry must all hold (AND). */
function evaluateAlternatives(
  entries: readonly CriteriaSet[],
  value: number,
  baseline: number | null,
): AlternativesOutcome {
  const outcome: AlternativesOutcome = { met: false, targets: [], missingBaseline: false };
  for (const [alternative, criteria] of entries.entries()) {
    let all = true;
    for (const criterion of criteria) {
      const target = targetValueOf(criterion, baseline);
      // Without a baseline a relative criterion is satisfied (Keptn), and the result says so.
      const violated = target === null ? false : !compare(value, criterion.operator, target);
      if (target === null) outcome.missingBaseline = true;
      all &&= !violated;
      outcome.targets.push({ criteria: criterion.raw, targetValue: target, violated, alternative });
    }
    outcome.met ||= all;
  }
  return outcome;
}

/** `no data: <the provider's reason>` or `error: ...`, for an objective whose SLI has no value. */
function whyNoValue(sliValue: Extract<SliValue, { value: null }> | undefined): string {
  if (sliValue === undefined) return 'error: no value received from any SLI provider';
  const kind = sliValue.failure === 'no-data' ? 'no data' : 'error';
  return `${kind}: ${sliValue.message}${hintOf(sliValue)}`;
}

/** A failure's hint, kept in the recorded message: whoever reads the record learns the fix too. */
function hintOf(value: SliValue): string {
  return value.value === null && value.hint !== undefined ? ` (${value.hint})` : '';
}

function unevaluatedTargets(entries: readonly CriteriaSet[], baseline: number | null): TargetResult[] {
  return entries.flatMap((criteria, alternative) =>
    criteria.map((c) => ({
      criteria: c.raw,
      targetValue: targetValueOf(c, baseline),
      violated: true,
      alternative,
    })),
  );
}

function decide(
  slo: Slo,
  score: number,
  objectives: readonly ObjectiveResult[],
): { result: GateResult; message: string } {
  const { pass, warning } = slo.totalScore;
  const shown = formatScore(score);
  const keyFailure = objectives.find((o) => o.keySli && o.status === 'fail');
  if (keyFailure !== undefined) {
    const name = keyFailure.displayName || keyFailure.sli;
    const detail = keyFailure.message === '' ? 'its criteria were not met' : keyFailure.message;
    return { result: 'fail', message: `key SLI "${name}" failed (${detail}); score ${shown}` };
  }
  if (score >= pass) {
    const missing = objectives.filter((o) => o.status === 'fail' && o.value === null);
    if (missing.length === 0)
      return { result: 'pass', message: `score ${shown} reached the pass target ${pass}` };
    // DESIGN.md section 5: a gate with a failed SLI never passes. It is a warning where the SLO
    // has a warning band (the score reached it), and a failure where it has none.
    const names = missing.map((o) => o.sli).join(', ');
    const capped = warning === null ? 'fail' : 'warning';
    return {
      result: capped,
      message: `score ${shown} reached the pass target ${pass}, but ${names} had no value: a gate with missing data is at most a warning${warning === null ? ', and this SLO has no warning target' : ''}`,
    };
  }
  if (warning !== null && score >= warning) {
    return {
      result: 'warning',
      message: `score ${shown} is below the pass target ${pass} but reached the warning target ${warning}`,
    };
  }
  const below = warning === null ? `the pass target ${pass}` : `the warning target ${warning}`;
  return { result: 'fail', message: `score ${shown} is below ${below}` };
}

/** Scores are shown with at most 2 decimals (JSON keeps the full number). */
export function formatScore(score: number): string {
  return String(Math.round(score * 100) / 100);
}
