import { describe, expect, it } from 'vitest';
import { findEvaluationShapeProblem } from './evaluation-shape.js';
import type { HistoryRecord } from './history-store.js';
import { sampleEvaluation } from './test-support/history-store-contract.js';

/** A sound evaluation with some fields replaced; `undefined` removes the field. */
function evaluationWith(fields: Record<string, unknown>): HistoryRecord {
  const record: Record<string, unknown> = { ...sampleEvaluation('e1'), ...fields };
  for (const [name, value] of Object.entries(fields)) if (value === undefined) delete record[name];
  return record as unknown as HistoryRecord;
}

const objective = sampleEvaluation('e1').objectives[0];
const target = { criteria: '<600', targetValue: 600, violated: false };

describe('findEvaluationShapeProblem', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a complete evaluation', {}],
    ['no objectives at all', { objectives: [] }],
    ['a value of null (no data)', { objectives: [{ ...objective, value: null }] }],
    ['no invalidated field', { invalidated: undefined }],
    ['invalidated: true', { invalidated: true }],
    ['a negative score', { score: -1 }],
    [
      'targets with the criteria list they came from',
      {
        objectives: [
          {
            ...objective,
            passTargets: [
              { ...target, alternative: 0 },
              { ...target, alternative: 1 },
            ],
          },
        ],
      },
    ],
    [
      'targets without alternative (older records, Keptn imports)',
      { objectives: [{ ...objective, passTargets: [target] }] },
    ],
    // `alternative` only groups criteria in reports, which list targets with commas when it is no
    // index: a record is not dropped from baselines (changing verdicts) nor refused over it.
    [
      'target lists that are null or missing (as Go writes an empty slice; a hand edit)',
      { objectives: [{ ...objective, passTargets: null, warningTargets: undefined }] },
    ],
    [
      'an alternative of null (a tool that writes null for absent fields)',
      { objectives: [{ ...objective, passTargets: [{ ...target, alternative: null }] }] },
    ],
    [
      'an alternative given as a string',
      { objectives: [{ ...objective, passTargets: [target, { ...target, alternative: '1' }] }] },
    ],
    [
      'a negative alternative',
      { objectives: [{ ...objective, warningTargets: [{ ...target, alternative: -1 }] }] },
    ],
    [
      'a fractional alternative',
      { objectives: [{ ...objective, passTargets: [{ ...target, alternative: 0.5 }] }] },
    ],
  ])('accepts %s', (_name, fields) => {
    expect(findEvaluationShapeProblem(evaluationWith(fields))).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no objectives', { objectives: undefined }, 'objectives is missing; it must be an array'],
    ['objectives: {}', { objectives: {} }, 'objectives is an object; it must be an array'],
    ['objectives: [null]', { objectives: [null] }, 'objectives[0] is null; it must be an object'],
    ['objectives: [[]]', { objectives: [[]] }, 'objectives[0] is an array; it must be an object'],
    [
      'an objective without sli',
      { objectives: [objective, { ...objective, sli: undefined }] },
      'objectives[1].sli is missing; it must be a string',
    ],
    [
      'a value given as a string',
      { objectives: [{ ...objective, value: '100' }] },
      'objectives[0].value is the string "100"; it must be a number or null',
    ],
    [
      'a value that is not finite',
      { objectives: [{ ...objective, value: Infinity }] },
      'objectives[0].value is Infinity; it must be a number or null',
    ],
    [
      'a missing value',
      { objectives: [{ ...objective, value: undefined }] },
      'objectives[0].value is missing',
    ],
    [
      'passTargets that are no list',
      { objectives: [{ ...objective, passTargets: {} }] },
      'objectives[0].passTargets is an object; it must be an array',
    ],
    [
      'a target that is no object',
      { objectives: [{ ...objective, warningTargets: ['<600'] }] },
      'objectives[0].warningTargets[0] is the string "<600"; it must be an object',
    ],
    ['no project', { project: undefined }, 'project is missing; it must be a string'],
    ['a numeric stage', { stage: 7 }, 'stage is 7; it must be a string'],
    ['a service of null', { service: null }, 'service is null; it must be a string'],
    [
      'an unknown result',
      { result: 'passed' },
      'result is the string "passed"; it must be "pass", "warning" or "fail"',
    ],
    ['no result', { result: undefined }, 'result is missing'],
    ['a score given as a string', { score: '83' }, 'score is the string "83"; it must be a finite number'],
    ['a score of NaN', { score: NaN }, 'score is NaN; it must be a finite number'],
    [
      'invalidated as a string',
      { invalidated: 'yes' },
      'invalidated is the string "yes"; it must be true or false',
    ],
    ['no comparedEvaluations', { comparedEvaluations: undefined }, 'comparedEvaluations is missing'],
    [
      'comparedEvaluations with a number',
      { comparedEvaluations: ['a', 3] },
      'comparedEvaluations[1] is 3; it must be a string',
    ],
  ])('rejects %s', (_name, fields, problem) => {
    expect(findEvaluationShapeProblem(evaluationWith(fields))).toContain(problem);
  });

  it('cuts long strings short in its message', () => {
    const problem = findEvaluationShapeProblem(evaluationWith({ result: 'x'.repeat(500) }));
    expect(problem?.length).toBeLessThan(120);
  });

  it('leaves records of other kinds to their own readers', () => {
    expect(findEvaluationShapeProblem({ schemaVersion: 1, id: 'r1', kind: 'sequence-run' })).toBeUndefined();
    expect(
      findEvaluationShapeProblem({
        schemaVersion: 1,
        id: 'i1',
        kind: 'invalidation',
        objectives: 'x',
      } as HistoryRecord),
    ).toBeUndefined();
  });
});
