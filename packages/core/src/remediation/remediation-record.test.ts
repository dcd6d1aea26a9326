import { describe, expect, it } from 'vitest';
import {
  actionsTried,
  isRemediationRecord,
  problemRef,
  type RemediationRecord,
} from './remediation-record.js';
import type { Problem } from './types.js';

const PROBLEM_ID = '-6004362228644432354_1638271020000V2';

function problem(ids: Pick<Problem, 'problemId' | 'displayId'>): Problem {
  return {
    source: 'event-file',
    title: 'Response time degradation',
    status: 'open',
    impactedEntities: [],
    ...ids,
  };
}

function actionStep(known: Problem, actionIndex: number, id = `r${actionIndex}`): RemediationRecord {
  return {
    schemaVersion: 1,
    id,
    kind: 'remediation',
    project: 'sockshop',
    stage: 'production',
    service: 'carts',
    labels: {},
    problem: problemRef(known, known.problemId ?? known.displayId),
    step: 'action',
    actionIndex,
    action: { name: 'Scale up', action: 'scaling', description: '', value: '1' },
    result: 'fail',
    evaluationId: null,
    startedAt: '2026-12-05T02:00:00.000Z',
    finishedAt: '2026-12-05T02:01:00.000Z',
    message: 'scaled',
  };
}

describe('actionsTried: the actions earlier runs recorded for the problem', () => {
  it('finds a run that knew the problem by its display id only when it is now known by problemId too', () => {
    const first = problem({ displayId: 'P-211117376' }); // a notification without PID
    const now = problem({ problemId: PROBLEM_ID, displayId: 'P-211117376' }); // --problem-id P-211117376
    expect(actionsTried([actionStep(first, 0)], now).map((r) => r.id)).toEqual(['r0']);
  });

  it('and the other way round: a run that knew both, then a payload with the display id alone', () => {
    const first = problem({ problemId: PROBLEM_ID, displayId: 'P-211117376' });
    const now = problem({ displayId: 'P-211117376' });
    expect(actionsTried([actionStep(first, 0)], now)).toHaveLength(1);
  });

  it('a run that knew the problemId alone, then the problem with both', () => {
    const first = problem({ problemId: PROBLEM_ID });
    const now = problem({ problemId: PROBLEM_ID, displayId: 'P-211117376' });
    expect(actionsTried([actionStep(first, 0)], now)).toHaveLength(1);
  });

  it('another problem does not count, nor a problem known by its type alone', () => {
    const other = problem({ problemId: '-1_1V2', displayId: 'P-1' });
    const now = problem({ problemId: PROBLEM_ID, displayId: 'P-211117376' });
    expect(actionsTried([actionStep(other, 0)], now)).toEqual([]);
    expect(actionsTried([actionStep(now, 0)], problem({}))).toEqual([]);
  });

  it('an action recorded twice (two jobs for one notification) counts once: the next run does not skip one', () => {
    const known = problem({ problemId: PROBLEM_ID });
    const tried = actionsTried([actionStep(known, 0, 'b'), actionStep(known, 0, 'a')], known);
    expect(tried.map((r) => r.actionIndex)).toEqual([0]);
  });
});

describe('isRemediationRecord', () => {
  const known = problem({ problemId: PROBLEM_ID });

  it('a record of kind remediation without the fields of one (history import takes any kind) is not one: remediate does not crash on it', () => {
    const bare = { schemaVersion: 1, id: 'x', kind: 'remediation', project: 'sockshop', stage: 'production' };
    const noTitle = { ...actionStep(known, 0), problem: { key: PROBLEM_ID } };
    const badAction = { ...actionStep(known, 0), action: 'scaling' };
    for (const record of [bare, noTitle, badAction]) expect(isRemediationRecord(record)).toBe(false);
    expect(() => actionsTried([bare, noTitle, badAction], known)).not.toThrow();
    expect(actionsTried([bare, actionStep(known, 0)], known)).toHaveLength(1);
  });

  it('a step this run wrote is one', () => {
    expect(isRemediationRecord(actionStep(known, 0))).toBe(true);
    const escalated: RemediationRecord = { ...actionStep(known, 1), step: 'escalated', action: null };
    expect(isRemediationRecord(escalated)).toBe(true);
  });
});
