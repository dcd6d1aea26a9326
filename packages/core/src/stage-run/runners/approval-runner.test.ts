import { describe, expect, it } from 'vitest';
import type { SequenceResult } from '../../shipyard/types.js';
import { makeContext, sequentialIds, task } from '../test-support/stage-run-fixtures.js';
import type { TaskResult } from '../types.js';
import { ApprovalRunner } from './approval-runner.js';

function previousResult(result: SequenceResult): TaskResult {
  return {
    task: 'evaluation',
    runner: 'evaluate',
    result,
    status: 'succeeded',
    message: '',
    startedAt: '',
    finishedAt: '',
    durationMs: 0,
    details: {},
  };
}

const AUTO_PASS = task('approval', { approval: { pass: 'automatic', warning: 'manual' } });

describe('ApprovalRunner', () => {
  it.each([
    ['pass', { pass: 'automatic', warning: 'manual' }, 'pass', 'succeeded'],
    ['warning', { pass: 'automatic', warning: 'manual' }, 'warning', 'waiting'],
    ['warning', { pass: 'automatic', warning: 'automatic' }, 'pass', 'succeeded'],
    ['pass', { pass: 'manual', warning: 'manual' }, 'pass', 'waiting'],
    ['fail', { pass: 'automatic', warning: 'automatic' }, 'fail', 'succeeded'],
  ] as const)('approves a %s with %o: result %s, %s', async (input, approval, result, status) => {
    const outcome = await new ApprovalRunner(sequentialIds).run(
      task('approval', { approval }),
      makeContext({ previous: [previousResult(input)] }),
    );
    expect([outcome.result, outcome.status]).toEqual([result, status]);
  });

  it('treats missing properties as manual, as Keptn did', async () => {
    const outcome = await new ApprovalRunner(sequentialIds).run(task('approval'), makeContext());
    expect(outcome.status).toBe('waiting');
    expect(outcome.message).toBe(
      'manual approval required for carts 1.4.2 in hardening (result pass; pass: manual); run again with --approved-by NAME to approve',
    );
  });

  it('approves with --approved-by and records who did', async () => {
    const context = makeContext({ approvedBy: 'jane', previous: [previousResult('warning')] });
    const outcome = await new ApprovalRunner(sequentialIds).run(AUTO_PASS, context);
    expect(outcome).toMatchObject({
      result: 'pass',
      status: 'succeeded',
      message: 'warning approved by jane',
    });
    const records = await context.history.query({
      kind: 'approval',
      project: 'shop',
      stage: 'hardening',
      service: 'carts',
    });
    expect(records).toEqual([
      expect.objectContaining({
        kind: 'approval',
        version: '1.4.2',
        sequenceRunId: 'run-1',
        approvedResult: 'warning',
        mode: 'manual',
        approvedBy: 'jane',
      }),
    ]);
  });

  it('approves the triggering stage result when it opens the stage', async () => {
    const outcome = await new ApprovalRunner(sequentialIds).run(
      AUTO_PASS,
      makeContext({ triggeringResult: 'warning' }),
    );
    expect(outcome.status).toBe('waiting');
    expect(outcome.message).toContain('(result warning; warning: manual)');
  });

  it('records an automatic approval without a name', async () => {
    const context = makeContext();
    await new ApprovalRunner(sequentialIds).run(AUTO_PASS, context);
    const [record] = await context.history.query({
      kind: 'approval',
      project: 'shop',
      stage: 'hardening',
      service: 'carts',
    });
    expect(record).toMatchObject({ mode: 'automatic', approvedResult: 'pass' });
    expect(record).not.toHaveProperty('approvedBy');
  });
});
