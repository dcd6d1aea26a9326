import { describe, expect, it } from 'vitest';
import type { EvaluateRequest } from '../../evaluation/run-evaluation.js';
import { makeEvaluationRecord, makeObjectiveResult } from '../../test-support/records.js';
import { makeContext, task } from '../test-support/stage-run-fixtures.js';
import type { TaskResult } from '../types.js';
import { EvaluationRunner } from './evaluation-runner.js';

function testResult(details: Record<string, unknown>): TaskResult {
  return {
    task: 'test',
    runner: 'jmeter',
    result: 'pass',
    status: 'succeeded',
    message: '',
    startedAt: '2026-11-22T10:00:00.000Z',
    finishedAt: '2026-11-22T10:03:00.000Z',
    durationMs: 180_000,
    details,
  };
}

function runner(evaluation = makeEvaluationRecord()) {
  const requests: EvaluateRequest[] = [];
  const instance = new EvaluationRunner({
    history: 'file:/tmp/h.jsonl',
    evaluate: (request) => {
      requests.push(request);
      return Promise.resolve({
        evaluation,
        onWarning: 'pass',
        historyUrl: 'file:/tmp/h.jsonl',
        totalScore: { pass: 90, warning: 75 },
      });
    },
  });
  return { instance, requests };
}

describe('EvaluationRunner', () => {
  it('gates the JMeter test’s own results file, on its span (no window flags)', async () => {
    const { instance, requests } = runner();
    await instance.run(
      task('evaluation'),
      makeContext({ previous: [testResult({ start: 'a', end: 'b', resultsFile: '/r/performance.jtl' })] }),
    );
    expect(requests[0]).toMatchObject({
      window: {},
      jtlFile: '/r/performance.jtl',
      history: 'file:/tmp/h.jsonl',
      stage: 'hardening',
      service: 'carts',
      version: '1.4.2',
    });
  });

  it('gives the SLIs the run id and the test strategy of the test before it ($CONTEXT, $TESTSTRATEGY)', async () => {
    const { instance, requests } = runner();
    await instance.run(
      task('evaluation'),
      makeContext({ runId: 'run-7', previous: [testResult({ teststrategy: 'performance' })] }),
    );
    expect(requests[0]?.run).toEqual({ id: 'run-7', testStrategy: 'performance' });
    await instance.run(task('evaluation'), makeContext({ runId: 'run-8', previous: [] }));
    expect(requests[1]?.run).toEqual({ id: 'run-8' });
  });

  it('uses the time a command-run test took as the window', async () => {
    const { instance, requests } = runner();
    await instance.run(task('evaluation'), makeContext({ previous: [testResult({})] }));
    expect(requests[0]?.window).toEqual({
      start: '2026-11-22T10:00:00.000Z',
      end: '2026-11-22T10:03:00.000Z',
    });
    expect(requests[0]).not.toHaveProperty('jtlFile');
  });

  it('widens a test shorter than a minute to the minute up to its end', async () => {
    const { instance, requests } = runner();
    const quick = {
      ...testResult({}),
      startedAt: '2026-11-22T10:02:30.000Z',
      finishedAt: '2026-11-22T10:03:00.000Z',
    };
    await instance.run(task('evaluation'), makeContext({ previous: [quick] }));
    expect(requests[0]?.window).toEqual({
      start: '2026-11-22T10:02:00.000Z',
      end: '2026-11-22T10:03:00.000Z',
    });
  });

  it('without a test, evaluates the task’s timeframe (default 5m) up to now', async () => {
    const { instance, requests } = runner();
    await instance.run(task('evaluation', { timeframe: '15m' }), makeContext());
    await instance.run(task('evaluation'), makeContext());
    expect(requests.map((r) => r.window)).toEqual([{ timeframe: '15m' }, { timeframe: '5m' }]);
  });

  it('passes the gate’s verdict on, with what did not pass first in the message', async () => {
    const evaluation = makeEvaluationRecord({
      result: 'fail',
      score: 33.333333333333336,
      objectives: [
        makeObjectiveResult({ sli: 'error_rate', displayName: 'Error rate', status: 'fail', value: 5 }),
        makeObjectiveResult({ sli: 'throughput', status: 'pass', value: 90 }),
      ],
    });
    const outcome = await runner(evaluation).instance.run(task('evaluation'), makeContext());
    expect(outcome).toEqual({
      result: 'fail',
      status: 'succeeded',
      message: 'quality gate fail with score 33.33%: Error rate (error_rate): fail (5)',
      details: {
        evaluationId: evaluation.id,
        score: evaluation.score,
        start: evaluation.start,
        end: evaluation.end,
      },
    });
  });
});
