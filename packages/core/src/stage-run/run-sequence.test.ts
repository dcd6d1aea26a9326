import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { runSequence, sequenceRunEndedBy, type StageRunListener } from './run-sequence.js';
import {
  makeContext,
  passing,
  scriptedRunner,
  sequentialIds,
  task,
} from './test-support/stage-run-fixtures.js';
import type { TaskOutcome } from './types.js';

const DELIVERY = [task('deployment'), task('test'), task('evaluation'), task('release')];

function input(tasks = DELIVERY, overrides: Partial<Parameters<typeof runSequence>[0]> = {}) {
  return {
    sequence: 'delivery',
    tasks,
    triggeredBy: 'manual',
    forced: false,
    context: makeContext(),
    ...overrides,
  };
}

describe('runSequence', () => {
  it('runs every task in order, handing each the results before it', async () => {
    const runner = scriptedRunner('fake', () => passing);
    const record = await runSequence(input(), { runnerFor: () => runner, newId: sequentialIds });
    expect(runner.ran).toEqual([
      { task: 'deployment', previous: [] },
      { task: 'test', previous: ['deployment'] },
      { task: 'evaluation', previous: ['deployment', 'test'] },
      { task: 'release', previous: ['deployment', 'test', 'evaluation'] },
    ]);
    expect(record).toMatchObject({
      kind: 'sequence-run',
      project: 'shop',
      stage: 'hardening',
      service: 'carts',
      version: '1.4.2',
      sequence: 'delivery',
      result: 'pass',
      status: 'succeeded',
      message: 'delivery finished with pass',
      triggeredBy: 'manual',
      forced: false,
    });
    expect(record.tasks.map((t) => [t.task, t.runner, t.result, t.durationMs])).toEqual([
      ['deployment', 'fake', 'pass', 1000],
      ['test', 'fake', 'pass', 1000],
      ['evaluation', 'fake', 'pass', 1000],
      ['release', 'fake', 'pass', 1000],
    ]);
  });

  it('records a test task’s teststrategy in its details, whichever runner ran it', async () => {
    const runner = scriptedRunner('fake', () => ({ ...passing, details: { exitCode: 0 } }));
    const tasks = [task('test', { testStrategy: 'performance' }), task('evaluation')];
    const record = await runSequence(input(tasks), { runnerFor: () => runner, newId: sequentialIds });
    expect(record.tasks.map((t) => t.details)).toEqual([
      { teststrategy: 'performance', exitCode: 0 },
      { exitCode: 0 },
    ]);
  });

  it('stops at the first failed task; the sequence fails with its message', async () => {
    const runner = scriptedRunner('fake', (t): TaskOutcome =>
      t.name === 'evaluation'
        ? { result: 'fail', status: 'succeeded', message: 'quality gate fail with score 40%' }
        : passing,
    );
    const record = await runSequence(input(), { runnerFor: () => runner, newId: sequentialIds });
    expect(runner.ran.map((r) => r.task)).toEqual(['deployment', 'test', 'evaluation']);
    expect(record.result).toBe('fail');
    expect(record.status).toBe('succeeded');
    expect(record.message).toBe('delivery failed at evaluation: quality gate fail with score 40%');
  });

  it('goes on after a warning, and the last task decides the result (Keptn)', async () => {
    const runner = scriptedRunner('fake', (t): TaskOutcome =>
      t.name === 'evaluation' ? { result: 'warning', status: 'succeeded', message: 'warning' } : passing,
    );
    const record = await runSequence(input(), { runnerFor: () => runner, newId: sequentialIds });
    expect(runner.ran).toHaveLength(4);
    expect(record.result).toBe('pass');
  });

  it('stops as waiting at a manual approval, with the result of the task before', async () => {
    const runner = scriptedRunner('fake', (t): TaskOutcome => {
      if (t.name === 'evaluation') return { result: 'warning', status: 'succeeded', message: 'warning' };
      if (t.name === 'approval')
        return { result: 'warning', status: 'waiting', message: 'manual approval required' };
      return passing;
    });
    const tasks = [task('evaluation'), task('approval'), task('release')];
    const record = await runSequence(input(tasks), { runnerFor: () => runner, newId: sequentialIds });
    expect(runner.ran.map((r) => r.task)).toEqual(['evaluation', 'approval']);
    expect(record.status).toBe('waiting');
    expect(record.result).toBe('warning');
    expect(record.message).toBe('delivery is waiting: manual approval required');
  });

  it('records an aborted run and starts no further task', async () => {
    const controller = new AbortController();
    const runner = scriptedRunner('fake', (t): TaskOutcome => {
      if (t.name === 'test') {
        controller.abort();
        return { result: 'fail', status: 'aborted', message: 'jmeter was stopped' };
      }
      return passing;
    });
    const record = await runSequence(
      input(DELIVERY, { context: makeContext({ signal: controller.signal }) }),
      {
        runnerFor: () => runner,
        newId: sequentialIds,
      },
    );
    expect(runner.ran.map((r) => r.task)).toEqual(['deployment', 'test']);
    expect(record.status).toBe('aborted');
    expect(record.message).toBe('delivery was aborted during test');
  });

  it('ends as errored when a runner cannot run, and rethrows with the record attached', async () => {
    const runner = scriptedRunner('helm', (t) => {
      if (t.name === 'deployment') throw new ConfigError('helm not found on PATH', { hint: 'install helm' });
      return passing;
    });
    const error = await runSequence(input(), { runnerFor: () => runner, newId: sequentialIds }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const record = sequenceRunEndedBy(error);
    // The error is the runner's own, unchanged: nothing was attached to it.
    expect(Object.keys(error as object)).not.toContain('sequenceRun');
    expect(record).toMatchObject({ status: 'errored', result: 'fail' });
    expect(record?.tasks).toHaveLength(1);
    expect(runner.ran.map((r) => r.task)).toEqual(['deployment']);
  });

  it('tells the listener of each task, and survives a listener that throws', async () => {
    const seen: string[] = [];
    const listener: StageRunListener = {
      taskStarted: (t, runner) => {
        seen.push(`started ${t.name} (${runner})`);
      },
      taskFinished: (t, result) => {
        seen.push(`finished ${t.name}: ${result.result}`);
        throw new Error('sink down');
      },
    };
    const context = makeContext();
    const record = await runSequence(input([task('deployment'), task('test')], { context }), {
      runnerFor: () => scriptedRunner('fake', () => passing),
      newId: sequentialIds,
      listener,
    });
    expect(record.result).toBe('pass');
    expect(seen).toEqual([
      'started deployment (fake)',
      'finished deployment: pass',
      'started test (fake)',
      'finished test: pass',
    ]);
    expect(
      (context.logger as unknown as { lines: { message: string }[] }).lines.map((l) => l.message),
    ).toContain('could not report a task event: sink down');
  });

  it('waits triggeredAfter before a task, and an abort ends the wait', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const runner = scriptedRunner('fake', () => passing);
    const started = Date.now();
    const record = await runSequence(
      input([task('deployment'), task('evaluation', { triggeredAfterMs: 60_000 })], {
        context: makeContext({ signal: controller.signal }),
      }),
      { runnerFor: () => runner, newId: sequentialIds },
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(runner.ran.map((r) => r.task)).toEqual(['deployment']);
    expect(record.status).toBe('aborted');
  });
});
