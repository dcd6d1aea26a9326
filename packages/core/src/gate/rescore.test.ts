import { describe, expect, it } from 'vitest';
import { makeEvaluationRecord, makeObjectiveResult } from '../test-support/records.js';
import { parseCriterion } from './criteria.js';
import { rescoreEvaluation } from './rescore.js';
import { scoreEvaluation } from './score.js';
import type { EvaluationRecord, Slo, SliValue } from './types.js';

function slo(
  objectives: { sli: string; pass: string[]; warning?: string[]; weight?: number }[],
  warning: number | null = 50,
): Slo {
  return {
    filter: {},
    comparison: {
      compareWith: 'single_result',
      includeResultWithScore: 'all',
      numberOfComparisonResults: 1,
      aggregateFunction: 'avg',
    },
    objectives: objectives.map((o) => ({
      sli: o.sli,
      displayName: '',
      pass: o.pass.length === 0 ? [] : [o.pass.map(parseCriterion)],
      warning: o.warning === undefined ? [] : [o.warning.map(parseCriterion)],
      weight: o.weight ?? 1,
      keySli: false,
    })),
    totalScore: { pass: 90, warning },
  };
}

/** An evaluation recorded as `evaluate` would have: these values scored with `recordedSlo`. */
function recorded(
  recordedSlo: Slo,
  values: SliValue[],
  baseline: EvaluationRecord[] = [],
  id = 'e',
): EvaluationRecord {
  const scored = scoreEvaluation({ slo: recordedSlo, values, baseline });
  return makeEvaluationRecord({
    id,
    result: scored.result,
    score: scored.score,
    objectives: scored.objectives,
    comparedEvaluations: baseline.map((b) => b.id),
  });
}

const value = (sli: string, v: number): SliValue => ({ sli, provider: 'prometheus', value: v });
const loose = slo([
  { sli: 'rt', pass: ['<=600'] },
  { sli: 'errors', pass: ['<=1'] },
]);

describe('rescoreEvaluation', () => {
  it('shows the flip a tightened SLO causes, and which objective changed', () => {
    const evaluation = recorded(loose, [value('rt', 550), value('errors', 0)]);
    const tight = slo(
      [
        { sli: 'rt', pass: ['<=500'] },
        { sli: 'errors', pass: ['<=1'] },
      ],
      null,
    );
    const rescored = rescoreEvaluation(tight, evaluation, []);
    expect(rescored).toMatchObject({
      before: { result: 'pass', score: 100 },
      after: { result: 'fail', score: 50 },
      flipped: true,
    });
    expect(
      rescored.objectives.map((o) => [o.sli, o.value, o.before?.status, o.after?.status, o.changed]),
    ).toEqual([
      ['rt', 550, 'pass', 'fail', true],
      ['errors', 0, 'pass', 'pass', false],
    ]);
  });

  it('does not flip when the same SLO scores the same values', () => {
    const evaluation = recorded(loose, [value('rt', 550), value('errors', 3)]);
    const rescored = rescoreEvaluation(loose, evaluation, []);
    expect(rescored.flipped).toBe(false);
    expect(rescored.after.score).toBe(evaluation.score);
    expect(rescored.objectives.every((o) => !o.changed)).toBe(true);
  });

  it('scores an SLI the evaluation never recorded as no data, and says so; a removed objective is shown removed', () => {
    const evaluation = recorded(loose, [value('rt', 100), value('errors', 0)]);
    const changed = slo(
      [
        { sli: 'rt', pass: ['<=600'] },
        { sli: 'cpu', pass: ['<80'] },
      ],
      null,
    );
    const rescored = rescoreEvaluation(changed, evaluation, []);
    const cpu = rescored.objectives.find((o) => o.sli === 'cpu');
    expect(cpu).toMatchObject({
      notRecorded: true,
      before: null,
      value: null,
      changed: true,
      after: { status: 'fail', message: 'no data: not recorded in this evaluation' },
    });
    expect(rescored.objectives.find((o) => o.sli === 'errors')).toMatchObject({
      before: { status: 'pass' },
      after: null,
      changed: true,
      notRecorded: false,
    });
    // rt still passes: the verdict changes only because cpu was never recorded.
    expect(rescored).toMatchObject({
      after: { result: 'fail' },
      flipped: true,
      flippedByNotRecordedOnly: true,
    });
  });

  it('compares relative criteria with the baseline the evaluation had', () => {
    const base = recorded(loose, [value('rt', 400), value('errors', 0)], [], 'base');
    const evaluation = recorded(loose, [value('rt', 450), value('errors', 0)], [base]);
    const relative = slo([{ sli: 'rt', pass: ['<=+10%'] }], null);
    const rescored = rescoreEvaluation(relative, evaluation, [base]);
    expect(rescored.objectives[0]?.after).toMatchObject({
      comparedValue: 400,
      status: 'fail',
      passTargets: [{ criteria: '<=+10%', targetValue: 440, violated: true }],
    });
    expect(rescoreEvaluation(relative, evaluation, []).objectives[0]?.after).toMatchObject({
      status: 'pass',
      message: 'no baseline: relative criteria were not checked',
    });
  });

  it('feeds a recorded failure back as what it was, without repeating the prefix', () => {
    const evaluation = makeEvaluationRecord({
      objectives: [
        makeObjectiveResult({
          sli: 'rt',
          value: null,
          status: 'fail',
          score: 0,
          message: 'no data: the query returned nothing',
        }),
      ],
      result: 'fail',
      score: 0,
    });
    const rescored = rescoreEvaluation(slo([{ sli: 'rt', pass: ['<=600'] }]), evaluation, []);
    expect(rescored.objectives[0]?.after?.message).toBe('no data: the query returned nothing');
    expect(rescored.flipped).toBe(false);
  });
});
