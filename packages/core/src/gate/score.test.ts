import { describe, expect, it } from 'vitest';
import { parseCriterion } from './criteria.js';
import { formatScore, scoreEvaluation } from './score.js';
import { makeEvaluationRecord, makeObjectiveResult } from '../test-support/records.js';
import type { Comparison, EvaluationRecord, Objective, Slo, SliValue } from './types.js';

interface ObjectiveSpec {
  sli: string;
  pass?: string[][];
  warning?: string[][];
  weight?: number;
  key?: boolean;
}

function makeSlo(
  objectives: ObjectiveSpec[],
  pass = 90,
  warning: number | null = 75,
  comparison?: Partial<Comparison>,
): Slo {
  const toSets = (sets: string[][] = []) => sets.map((set) => set.map(parseCriterion));
  return {
    filter: {},
    comparison: {
      compareWith: 'single_result',
      includeResultWithScore: 'all',
      numberOfComparisonResults: 1,
      aggregateFunction: 'avg',
      ...comparison,
    },
    objectives: objectives.map((o): Objective => ({
      sli: o.sli,
      displayName: '',
      pass: toSets(o.pass),
      warning: toSets(o.warning),
      weight: o.weight ?? 1,
      keySli: o.key ?? false,
    })),
    totalScore: { pass, warning },
  };
}

const v = (sli: string, value: number): SliValue => ({ sli, provider: 'static', value });
const noData = (sli: string): SliValue => ({
  sli,
  provider: 'static',
  value: null,
  failure: 'no-data',
  message: 'query returned nothing',
});

function previous(
  values: Record<string, number | null>,
  result: EvaluationRecord['result'] = 'pass',
): EvaluationRecord {
  return makeEvaluationRecord({
    id: `prev-${Object.values(values).join('-')}`,
    result,
    objectives: Object.entries(values).map(([sli, value]) => makeObjectiveResult({ sli, value })),
  });
}

function statusOf(spec: ObjectiveSpec, value: number, baseline: (number | null)[] = []) {
  const out = scoreEvaluation({
    slo: makeSlo([spec]),
    values: [v(spec.sli, value)],
    baseline: baseline.map((b) => previous({ [spec.sli]: b })),
  });
  return out.objectives[0]!.status;
}

describe('objective status', () => {
  it.each([
    // fixed thresholds, inclusive and exclusive at the boundary
    ['<600', 599, 'pass'],
    ['<600', 600, 'fail'],
    ['<=600', 600, 'pass'],
    ['>=20', 20, 'pass'],
    ['>20', 20, 'fail'],
    ['=0', 0, 'pass'],
    ['=0', 0.001, 'fail'],
  ])('%s with value %d is %s', (criterion, value, expected) => {
    expect(statusOf({ sli: 'x', pass: [[criterion]] }, value)).toBe(expected);
  });

  it.each([
    // relative to a baseline of 100
    ['<=+10%', 110, 'pass'],
    ['<=+10%', 110.01, 'fail'],
    ['<=10%', 110, 'pass'],
    ['<+10%', 110, 'fail'],
    ['>=-80%', 20, 'pass'],
    ['>=-80%', 19.9, 'fail'],
    ['<=+50', 150, 'pass'],
    ['<=+50', 151, 'fail'],
    ['<-5', 94, 'pass'],
    ['<-5', 95, 'fail'],
    ['=+0%', 100, 'pass'],
  ])('%s against baseline 100 with value %d is %s', (criterion, value, expected) => {
    expect(statusOf({ sli: 'x', pass: [[criterion]] }, value, [100])).toBe(expected);
  });

  it('combines criteria of one entry with AND and entries with OR', () => {
    const and = { sli: 'x', pass: [['<=+10%', '<600']] };
    expect(statusOf(and, 550, [500])).toBe('pass');
    expect(statusOf(and, 560, [500])).toBe('fail'); // +12%
    expect(statusOf(and, 650, [640])).toBe('fail'); // relative ok, fixed not
    const or = { sli: 'x', pass: [['<=+10%'], ['<600']] };
    expect(statusOf(or, 650, [640])).toBe('pass');
    expect(statusOf(or, 590, [100])).toBe('pass');
    expect(statusOf(or, 700, [100])).toBe('fail');
  });

  it('records which criteria list (alternative) each pass and warning target came from', () => {
    const out = scoreEvaluation({
      slo: makeSlo([
        { sli: 'x', pass: [['<=+10%', '<600'], ['<650']], warning: [['<=800'], ['<=+50%', '<900']] },
      ]),
      values: [v('x', 620)],
      baseline: [previous({ x: 500 })],
    });
    const pick = (t: { criteria: string; violated: boolean; alternative?: number }) => [
      t.alternative,
      t.criteria,
      t.violated,
    ];
    expect(out.objectives[0]!.status).toBe('pass');
    expect(out.objectives[0]!.passTargets.map(pick)).toEqual([
      [0, '<=+10%', true],
      [0, '<600', true],
      [1, '<650', false],
    ]);
    expect(out.objectives[0]!.warningTargets.map(pick)).toEqual([
      [0, '<=800', false],
      [1, '<=+50%', false],
      [1, '<900', false],
    ]);
  });

  it('records the alternatives of an objective whose SLI has no value too', () => {
    const out = scoreEvaluation({
      slo: makeSlo([{ sli: 'x', pass: [['<1'], ['<2', '<3']] }]),
      values: [noData('x')],
      baseline: [],
    });
    expect(out.objectives[0]!.passTargets.map((t) => t.alternative)).toEqual([0, 1, 1]);
  });

  it('gives a warning when pass fails and a warning entry holds', () => {
    const spec = { sli: 'x', pass: [['<600']], warning: [['<=800']] };
    expect(statusOf(spec, 500)).toBe('pass');
    expect(statusOf(spec, 800)).toBe('warning');
    expect(statusOf(spec, 801)).toBe('fail');
  });

  it('keeps pass when the warning criteria do not hold', () => {
    expect(statusOf({ sli: 'x', pass: [['<600']], warning: [['>1000']] }, 500)).toBe('pass');
  });

  it('treats an objective without pass criteria as informational', () => {
    const out = scoreEvaluation({
      slo: makeSlo([{ sli: 'a', pass: [['<1']] }, { sli: 'info' }]),
      values: [v('a', 0), v('info', 5)],
      baseline: [],
    });
    expect(out.objectives[1]).toMatchObject({ status: 'info', score: 0, value: 5 });
    expect(out.score).toBe(100);
  });
});

describe('baseline', () => {
  it('satisfies relative criteria without a baseline and says so', () => {
    const out = scoreEvaluation({
      slo: makeSlo([{ sli: 'x', pass: [['<=+10%', '<600']] }]),
      values: [v('x', 550)],
      baseline: [],
    });
    expect(out.objectives[0]).toMatchObject({
      status: 'pass',
      comparedValue: null,
      message: expect.stringContaining('no baseline'),
    });
    expect(out.objectives[0]!.passTargets).toEqual([
      { criteria: '<=+10%', targetValue: null, violated: false, alternative: 0 },
      { criteria: '<600', targetValue: 600, violated: false, alternative: 0 },
    ]);
  });

  it('still applies fixed criteria without a baseline', () => {
    expect(statusOf({ sli: 'x', pass: [['<=+10%', '<600']] }, 650)).toBe('fail');
  });

  it.each([
    ['avg', [100, 200, 600], 300],
    ['p50', [100, 200, 600], 200],
    ['p90', [100, 200, 600], 600],
    ['p95', [100, 200, 600], 600],
  ] as const)('aggregates previous values with %s', (fn, values, expected) => {
    const out = scoreEvaluation({
      slo: makeSlo([{ sli: 'x', pass: [['<=+0%']] }], 90, 75, {
        aggregateFunction: fn,
        numberOfComparisonResults: 3,
      }),
      values: [v('x', expected)],
      baseline: values.map((b) => previous({ x: b })),
    });
    expect(out.objectives[0]!.comparedValue).toBeCloseTo(expected, 10);
    expect(out.objectives[0]!.passTargets[0]!.targetValue).toBeCloseTo(expected, 10);
  });

  it('skips previous evaluations where the SLI had no value', () => {
    const out = scoreEvaluation({
      slo: makeSlo([{ sli: 'x', pass: [['<=+10%']] }]),
      values: [v('x', 1)],
      baseline: [previous({ x: null }), previous({ x: 10 }), previous({ y: 3 })],
    });
    expect(out.objectives[0]!.comparedValue).toBe(10);
  });

  it('computes +10% of a zero baseline as zero, as Keptn does', () => {
    expect(statusOf({ sli: 'x', pass: [['<=+10%']] }, 0, [0])).toBe('pass');
    expect(statusOf({ sli: 'x', pass: [['<=+10%']] }, 5, [0])).toBe('fail');
    expect(statusOf({ sli: 'x', pass: [['<=+10']] }, 5, [0])).toBe('pass');
  });
});

describe('total score and result', () => {
  const three = [
    { sli: 'a', pass: [['<10']], warning: [['<20']] },
    { sli: 'b', pass: [['<10']], warning: [['<20']] },
    { sli: 'c', pass: [['<10']], warning: [['<20']] },
  ];

  it.each([
    // values of a, b, c -> score, result with pass 90 / warning 75
    [[1, 1, 1], 100, 'pass'],
    [[1, 1, 15], 83.33333333333334, 'warning'],
    [[1, 1, 50], 66.66666666666666, 'fail'],
    [[15, 15, 15], 50, 'fail'],
  ] as const)('values %j score %d and %s', (values, score, result) => {
    const out = scoreEvaluation({
      slo: makeSlo(three),
      values: values.map((x, i) => v('abc'[i]!, x)),
      baseline: [],
    });
    expect(out.score).toBe(score);
    expect(out.result).toBe(result);
  });

  it('counts warning as half of the weight', () => {
    const out = scoreEvaluation({
      slo: makeSlo([
        { sli: 'a', pass: [['<10']], warning: [['<20']], weight: 3 },
        { sli: 'b', pass: [['<10']] },
      ]),
      values: [v('a', 15), v('b', 1)],
      baseline: [],
    });
    expect(out.objectives.map((o) => o.score)).toEqual([1.5, 1]);
    expect(out.score).toBe(62.5);
  });

  it('treats thresholds as inclusive', () => {
    const slo = makeSlo(
      [
        { sli: 'a', pass: [['<10']] },
        { sli: 'b', pass: [['<10']] },
        { sli: 'c', pass: [['<10']] },
        { sli: 'd', pass: [['<10']] },
      ],
      75,
      50,
    );
    const out = scoreEvaluation({ slo, values: [v('a', 1), v('b', 1), v('c', 1), v('d', 99)], baseline: [] });
    expect(out.score).toBe(75);
    expect(out.result).toBe('pass');
    const warn = scoreEvaluation({
      slo,
      values: [v('a', 1), v('b', 1), v('c', 99), v('d', 99)],
      baseline: [],
    });
    expect(warn.result).toBe('warning');
  });

  it('fails below pass when there is no warning threshold', () => {
    const out = scoreEvaluation({
      slo: makeSlo(three, 90, null),
      values: [v('a', 1), v('b', 1), v('c', 15)],
      baseline: [],
    });
    expect(out.result).toBe('fail');
    expect(out.message).toContain('below the pass target 90');
  });

  it('passes with score 100 when every objective is informational', () => {
    const out = scoreEvaluation({ slo: makeSlo([{ sli: 'a' }]), values: [v('a', 1)], baseline: [] });
    expect(out).toMatchObject({ score: 100, result: 'pass' });
  });

  it('fails the gate when a key SLI fails, whatever the score', () => {
    const slo = makeSlo([...three, { sli: 'k', pass: [['=0']], key: true }], 50, 25);
    const out = scoreEvaluation({ slo, values: [v('a', 1), v('b', 1), v('c', 1), v('k', 2)], baseline: [] });
    expect(out.score).toBe(75);
    expect(out.result).toBe('fail');
    expect(out.message).toContain('key SLI "k" failed');
  });

  it('does not treat a key SLI in warning as a key failure', () => {
    const slo = makeSlo(
      [
        { sli: 'k', pass: [['<10']], warning: [['<20']], key: true },
        { sli: 'a', pass: [['<10']] },
      ],
      70,
      50,
    );
    const out = scoreEvaluation({ slo, values: [v('k', 15), v('a', 1)], baseline: [] });
    expect(out.result).toBe('pass');
  });
});

describe('missing values', () => {
  it('fails the objective and says whether it was no data or an error', () => {
    const slo = makeSlo([
      { sli: 'a', pass: [['<10']] },
      { sli: 'b', pass: [['<10']] },
    ]);
    const out = scoreEvaluation({
      slo,
      values: [
        noData('a'),
        { sli: 'b', provider: 'prometheus', value: null, failure: 'error', message: 'HTTP 500' },
      ],
      baseline: [],
    });
    expect(out.objectives.map((o) => [o.status, o.message])).toEqual([
      ['fail', 'no data: query returned nothing'],
      ['fail', 'error: HTTP 500'],
    ]);
    expect(out.objectives[0]!.passTargets).toEqual([
      { criteria: '<10', targetValue: 10, violated: true, alternative: 0 },
    ]);
  });

  it('fails an objective whose SLI no provider delivered', () => {
    const out = scoreEvaluation({ slo: makeSlo([{ sli: 'a', pass: [['<10']] }]), values: [], baseline: [] });
    expect(out.objectives[0]).toMatchObject({
      status: 'fail',
      value: null,
      message: expect.stringContaining('no value received'),
    });
  });

  it('never passes a gate in which an SLI had no value, even with a passing score', () => {
    const slo = makeSlo(
      [
        { sli: 'a', pass: [['<10']], weight: 9 },
        { sli: 'b', pass: [['<10']] },
      ],
      90,
      75,
    );
    const out = scoreEvaluation({ slo, values: [v('a', 1), noData('b')], baseline: [] });
    expect(out.score).toBe(90);
    expect(out.result).toBe('warning');
    expect(out.message).toContain('b had no value');
  });

  it('fails such a gate when the SLO has no warning target', () => {
    const slo = makeSlo(
      [
        { sli: 'a', pass: [['<10']], weight: 9 },
        { sli: 'b', pass: [['<10']] },
      ],
      90,
      null,
    );
    const out = scoreEvaluation({ slo, values: [v('a', 1), noData('b')], baseline: [] });
    expect(out.score).toBe(90);
    expect(out.result).toBe('fail');
    expect(out.message).toContain('no warning target');
  });

  it('fails the gate when a key SLI has no value', () => {
    const slo = makeSlo(
      [
        { sli: 'a', pass: [['<10']], weight: 9 },
        { sli: 'b', pass: [['<10']], key: true },
      ],
      50,
      25,
    );
    expect(scoreEvaluation({ slo, values: [v('a', 1), noData('b')], baseline: [] }).result).toBe('fail');
  });

  it('keeps an informational objective without value informational', () => {
    const out = scoreEvaluation({
      slo: makeSlo([{ sli: 'a', pass: [['<10']] }, { sli: 'i' }]),
      values: [v('a', 1), noData('i')],
      baseline: [],
    });
    expect(out.result).toBe('pass');
    expect(out.objectives[1]!.status).toBe('info');
  });

  it('says why an informational objective has no value, as a scored one does', () => {
    const zeroSeries: SliValue = {
      sli: 'i',
      provider: 'dynatrace',
      value: null,
      failure: 'no-data',
      message: 'metricSelector=x returned zero metric series',
    };
    const unreachable: SliValue = {
      sli: 'j',
      provider: 'prometheus',
      value: null,
      failure: 'unavailable',
      message: 'connect ECONNREFUSED',
      hint: 'check PROMETHEUS_URL',
    };
    const out = scoreEvaluation({
      slo: makeSlo([{ sli: 'a', pass: [['<10']] }, { sli: 'i' }, { sli: 'j' }, { sli: 'k' }]),
      values: [v('a', 1), zeroSeries, unreachable, v('k', 3)],
      baseline: [],
    });
    expect(out.objectives.map((o) => [o.status, o.message])).toEqual([
      ['pass', ''],
      ['info', 'no data: metricSelector=x returned zero metric series'],
      ['info', 'error: connect ECONNREFUSED (check PROMETHEUS_URL)'],
      ['info', ''],
    ]);
  });
});

describe('two objectives on one SLI', () => {
  it('gives both the value (a deliberate fix of Keptn)', () => {
    const slo = makeSlo(
      [
        { sli: 'rt', pass: [['<100']] },
        { sli: 'rt', pass: [['<50']] },
      ],
      50,
      null,
    );
    const out = scoreEvaluation({ slo, values: [v('rt', 70)], baseline: [] });
    expect(out.objectives.map((o) => [o.value, o.status])).toEqual([
      [70, 'pass'],
      [70, 'fail'],
    ]);
    expect(out.result).toBe('pass');
  });
});

describe('formatScore', () => {
  it.each([
    [83.33333333333334, '83.33'],
    [66.66666666666666, '66.67'],
    [100, '100'],
    [62.5, '62.5'],
  ])('%d is shown as %s', (score, shown) => {
    expect(formatScore(score)).toBe(shown);
  });
});
