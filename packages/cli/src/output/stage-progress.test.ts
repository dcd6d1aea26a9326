import { createRedactor, type Logger, type ShipyardTask, type TaskResult } from '@ci-connect/core';
import { describe, expect, it } from 'vitest';
import { createStageProgress, TaskListProgress } from './stage-progress.js';

/** A logger that keeps its lines (core's own test helper is not part of its public API). */
function createMemoryLogger(): Logger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const keep = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, debug: keep('debug'), info: keep('info'), warn: keep('warn') };
}

const tasks: ShipyardTask[] = ['deployment', 'test', 'evaluation', 'release'].map((name) => ({
  name,
  properties: {},
}));

function result(task: string, overrides: Partial<TaskResult> = {}): TaskResult {
  return {
    task,
    runner: 'fake',
    result: 'pass',
    status: 'succeeded',
    message: 'ok',
    startedAt: '',
    finishedAt: '',
    durationMs: 1500,
    details: {},
    ...overrides,
  };
}

describe('createStageProgress', () => {
  it.each([
    [{ isTTY: true }, {}, 'list'],
    [{ isTTY: false }, {}, 'lines'],
    [{ isTTY: true }, { CI: 'true' }, 'lines'],
    [{ isTTY: true }, { TERM: 'dumb' }, 'lines'],
    [{ isTTY: true }, { CI: 'false' }, 'list'],
    [{ isTTY: true, columns: 100 }, {}, 'list'],
    // A terminal of no size (docker run -t with nothing attached): a list would wrap at every character.
    [{ isTTY: true, columns: 0 }, {}, 'lines'],
  ])('on %o with %o shows %s', (stream, env, expected) => {
    const progress = createStageProgress(createMemoryLogger(), { stream, env, redactor: createRedactor() });
    expect(progress.listener instanceof TaskListProgress ? 'list' : 'lines').toBe(expected);
  });

  it('prints a plain line per task with its runner and duration', async () => {
    const logger = createMemoryLogger();
    const { listener } = createStageProgress(logger, { stream: {}, env: {}, redactor: createRedactor() });
    const context = { stage: 'hardening', sequence: 'delivery' } as Parameters<
      NonNullable<typeof listener.taskStarted>
    >[2];
    await listener.taskStarted?.(tasks[1]!, 'jmeter', context);
    await listener.taskFinished?.(
      tasks[1]!,
      result('test', { runner: 'jmeter', message: '150 samples' }),
      context,
    );
    expect(logger.lines.map((l) => l.message)).toEqual([
      '▶ hardening.delivery test (jmeter)',
      '✓ test pass (jmeter) in 1.5 s: 150 samples',
    ]);
  });
});

describe('TaskListProgress', () => {
  it('marks each task as the runner reports it, and the ones not run as skipped', async () => {
    const base = createMemoryLogger();
    const progress = new TaskListProgress(base, createRedactor(['s3cr3t']), { renderer: 'silent' });
    await progress.sequenceStarted({ sequence: 'delivery', tasks });
    await new Promise((resolve) => setTimeout(resolve, 10)); // the list has started its first task
    progress.logger.info('summary + 10 in 1s, token s3cr3t');
    progress.logger.warn('settling');
    progress.taskFinished(tasks[0]!, result('deployment'));
    progress.taskFinished(tasks[1]!, result('test', { result: 'fail', message: 'error rate 40%' }));
    await progress.sequenceFinished();
    expect(progress.list?.tasks.map((t) => [t.title, t.state])).toEqual([
      ['deployment pass (fake) in 1.5 s: ok', 'COMPLETED'],
      ['test fail (fake) in 1.5 s: error rate 40%', 'FAILED'],
      ['evaluation: not run', 'SKIPPED'],
      ['release: not run', 'SKIPPED'],
    ]);
    // Output went to the list, not to the log; the warning is printed once the list is done.
    expect(base.lines).toEqual([{ level: 'warn', message: 'settling' }]);
  });

  it('shows a waiting approval as skipped with its message', async () => {
    const progress = new TaskListProgress(createMemoryLogger(), createRedactor(), { renderer: 'silent' });
    await progress.sequenceStarted({ sequence: 'delivery', tasks: tasks.slice(0, 1) });
    progress.taskFinished(
      tasks[0]!,
      result('approval', { status: 'waiting', message: 'manual approval required' }),
    );
    await progress.sequenceFinished();
    expect(progress.list?.tasks.map((t) => t.state)).toEqual(['SKIPPED']);
  });
});
