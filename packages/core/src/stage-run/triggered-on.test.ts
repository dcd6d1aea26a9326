import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../environment.js';
import { UsageError } from '../errors.js';
import type { SequenceTrigger } from '../shipyard/types.js';
import { tempHistory } from './test-support/stage-run-fixtures.js';
import { checkTriggeredOn } from './triggered-on.js';
import type { SequenceRunRecord } from './types.js';

const AFTER_DEV: SequenceTrigger = {
  event: 'dev.delivery.finished',
  stage: 'dev',
  sequence: 'delivery',
  matches: [{ result: 'pass' }, { result: 'warning' }],
};

function devRun(version: string, result: SequenceRunRecord['result'], id: string): SequenceRunRecord {
  return {
    schemaVersion: 1,
    id,
    kind: 'sequence-run',
    project: 'shop',
    stage: 'dev',
    service: 'carts',
    version,
    labels: {},
    sequence: 'delivery',
    triggeredBy: 'manual',
    forced: false,
    startedAt: '2026-11-22T10:00:00.000Z',
    finishedAt: '2026-11-22T10:10:00.000Z',
    result,
    status: 'succeeded',
    message: '',
    tasks: [],
    invalidated: false,
  };
}

const request = {
  project: 'shop',
  stage: 'hardening',
  service: 'carts',
  version: '1.4.2',
  sequence: 'delivery',
  triggeredOn: [AFTER_DEV],
  force: false,
};

describe('checkTriggeredOn', () => {
  it('lets a sequence without triggeredOn run', async () => {
    const { store } = tempHistory();
    expect(await checkTriggeredOn({ ...request, triggeredOn: [] }, store, createMemoryLogger())).toEqual({
      triggeredBy: 'manual',
      forced: false,
    });
  });

  it('finds the recorded dev delivery of the same version', async () => {
    const { store } = tempHistory();
    await store.append(devRun('1.4.1', 'pass', 'old'));
    await store.append(devRun('1.4.2', 'warning', 'dev-run'));
    expect(await checkTriggeredOn(request, store, createMemoryLogger())).toEqual({
      triggeredBy: 'dev.delivery.finished',
      triggeredByRun: 'dev-run',
      triggeringResult: 'warning',
      forced: false,
    });
  });

  it('refuses a version whose latest dev delivery failed, saying what it found', async () => {
    const { store } = tempHistory();
    await store.append(devRun('1.4.2', 'pass', 'first'));
    await store.append(devRun('1.4.2', 'fail', 'latest'));
    const error = await checkTriggeredOn(request, store, createMemoryLogger()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(
      'hardening.delivery runs after dev.delivery.finished with pass or warning, and carts 1.4.2 has none: ' +
        'the latest recorded: dev.delivery fail at 2026-11-22T10:10:00.000Z; dev.delivery pass at 2026-11-22T10:10:00.000Z',
    );
    expect((error as UsageError).hint).toContain('--force');
  });

  it('refuses a version with no dev run at all', async () => {
    const { store } = tempHistory();
    await store.append(devRun('1.4.1', 'pass', 'other-version'));
    await expect(checkTriggeredOn(request, store, createMemoryLogger())).rejects.toThrow(
      'no dev.delivery run of carts 1.4.2 is recorded',
    );
  });

  it('runs anyway with --force, warning and marking it forced', async () => {
    const { store } = tempHistory();
    const logger = createMemoryLogger();
    expect(await checkTriggeredOn({ ...request, force: true }, store, logger)).toEqual({
      triggeredBy: 'forced',
      forced: true,
    });
    expect(logger.lines[0]?.message).toMatch(
      /^--force: hardening\.delivery runs although it needs dev\.delivery\.finished/,
    );
  });

  it('matches a selector on the last task (evaluation.result: fail)', async () => {
    const { store } = tempHistory();
    const failedAtEvaluation = {
      ...devRun('1.4.2', 'fail', 'r'),
      stage: 'dev',
      tasks: [
        {
          task: 'evaluation',
          runner: 'evaluate',
          result: 'fail' as const,
          status: 'succeeded' as const,
          message: '',
          startedAt: '',
          finishedAt: '',
          durationMs: 0,
          details: {},
        },
      ],
    };
    await store.append(failedAtEvaluation);
    const trigger: SequenceTrigger = { ...AFTER_DEV, matches: [{ result: 'fail', task: 'evaluation' }] };
    expect(
      (await checkTriggeredOn({ ...request, triggeredOn: [trigger] }, store, createMemoryLogger()))
        .triggeredByRun,
    ).toBe('r');
    const wrongTask: SequenceTrigger = { ...AFTER_DEV, matches: [{ result: 'fail', task: 'test' }] };
    await expect(
      checkTriggeredOn({ ...request, triggeredOn: [wrongTask] }, store, createMemoryLogger()),
    ).rejects.toThrow(UsageError);
  });
});
