import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../environment.js';
import type { EvaluationRecord, GateResult } from '../gate/types.js';
import type { RemediationRecord } from './remediation-record.js';
import {
  runRemediation,
  type ActionRun,
  type RemediationDependencies,
  type RemediationInput,
} from './run-remediation.js';
import type { Problem, RemediationAction, RemediationFile } from './types.js';

const SCALE: RemediationAction = {
  action: 'scaling',
  name: 'Scale up',
  description: 'one more pod',
  value: '1',
};
const TOGGLE: RemediationAction = {
  action: 'toggle-feature',
  name: 'Toggle feature flag',
  description: 'cache on',
  value: { EnableItemCache: 'on' },
};
const FILE: RemediationFile = {
  file: 'remediation.yaml',
  name: 'carts-remediation',
  remediations: [{ problemType: 'Response time degradation', actions: [SCALE, TOGGLE] }],
};
const PROBLEM: Problem = {
  source: 'dynatrace',
  problemId: '-123_456V2',
  displayId: 'P-211117376',
  title: 'Response time degradation',
  status: 'open',
  impactedEntities: [],
  url: 'https://dt.example/#problems/problemdetails;pid=-123_456V2',
};

/** A fake world: a clock moved by sleep, scripted gates, actions and problem states. */
function world(script: {
  gates?: GateResult[];
  actions?: Partial<ActionRun>[];
  /** The problem's status at each refresh. */
  refresh?: Problem['status'][];
  dynatrace?: boolean;
  abortOn?: 'action' | 'sleep';
}) {
  let now = Date.parse('2026-12-05T20:00:00Z');
  let ids = 0;
  const controller = new AbortController();
  const calls: string[] = [];
  const records: RemediationRecord[] = [];
  const gates = [...(script.gates ?? [])];
  const actions = [...(script.actions ?? [])];
  const refresh = [...(script.refresh ?? [])];
  const windows: { start: string; end: string }[] = [];
  const logger = createMemoryLogger();
  const deps: RemediationDependencies = {
    clock: { now: () => new Date(now) },
    logger,
    signal: controller.signal,
    newId: () => `id-${++ids}`,
    sleep: (ms) => {
      calls.push(`sleep ${ms}`);
      if (script.abortOn === 'sleep') {
        controller.abort('SIGTERM');
        return Promise.resolve(false);
      }
      now += ms;
      return Promise.resolve(true);
    },
    runAction: (action, index) => {
      calls.push(`run ${action.action} #${index}`);
      const startedAt = new Date(now).toISOString();
      now += 5_000;
      if (script.abortOn === 'action') controller.abort('SIGTERM');
      return Promise.resolve({
        result: 'pass',
        aborted: script.abortOn === 'action',
        message: `${action.action} succeeded`,
        startedAt,
        finishedAt: new Date(now).toISOString(),
        ...actions.shift(),
      });
    },
    evaluate: (window) => {
      windows.push(window);
      const result = gates.shift() ?? 'fail';
      calls.push(`gate ${result}`);
      return Promise.resolve({
        id: `eval-${windows.length}`,
        result,
        score: result === 'fail' ? 0 : 100,
      } as EvaluationRecord);
    },
    record: (record) => {
      records.push(record);
      return Promise.resolve();
    },
    ...(script.dynatrace === false
      ? {}
      : {
          problems: {
            refresh: () => {
              calls.push('refresh');
              return Promise.resolve({ ...PROBLEM, status: refresh.shift() ?? 'open' });
            },
            comment: (message) => {
              calls.push(`comment ${message}`);
              return Promise.resolve();
            },
            close: (message) => {
              calls.push(`close ${message}`);
              return Promise.resolve('closed' as const);
            },
          },
        }),
  };
  return { deps, calls, records, windows, logger };
}

function input(overrides: Partial<RemediationInput> = {}): RemediationInput {
  return {
    file: FILE,
    problem: PROBLEM,
    key: '-123_456V2',
    project: 'shop',
    stage: 'production',
    service: 'carts',
    labels: { job: '42' },
    firstIndex: 0,
    tried: [],
    waitMs: 60_000,
    close: false,
    ...overrides,
  };
}

const stepsOf = (records: RemediationRecord[]) =>
  records.map((r) => [r.step, r.actionIndex, r.action?.action ?? null, r.result, r.evaluationId]);

describe('runRemediation', () => {
  it('runs the first action, waits, re-reads the problem, and a passing gate resolves it with a comment', async () => {
    const { deps, calls, records, windows } = world({ gates: ['pass'] });
    const run = await runRemediation(input(), deps);
    expect(run.outcome).toBe('resolved');
    expect(calls.slice(0, 4)).toEqual(['run scaling #0', 'sleep 60000', 'refresh', 'gate pass']);
    expect(calls[4]).toMatch(
      /^comment ci-connect remediate: "Scale up" \(scaling\) resolved problem P-211117376/,
    );
    expect(calls).toHaveLength(5);
    expect(stepsOf(records)).toEqual([
      ['action', 0, 'scaling', 'pass', 'eval-1'],
      ['resolved', 0, 'scaling', 'pass', 'eval-1'],
    ]);
    expect(run.steps).toEqual(records);
    // The window starts when the action ended: 65 s before now here (more than a minute).
    expect(windows).toEqual([{ start: '2026-12-05T20:00:05.000Z', end: '2026-12-05T20:01:05.000Z' }]);
    expect(records[0]).toMatchObject({
      kind: 'remediation',
      schemaVersion: 1,
      project: 'shop',
      stage: 'production',
      service: 'carts',
      labels: { job: '42' },
      problem: { key: '-123_456V2', displayId: 'P-211117376', title: 'Response time degradation' },
      action: { name: 'Scale up', action: 'scaling', description: 'one more pod', value: '1' },
      startedAt: '2026-12-05T20:00:00.000Z',
    });
  });

  it('a warning resolves too, and --close closes the problem', async () => {
    const { deps, calls } = world({ gates: ['warning'] });
    const run = await runRemediation(input({ close: true }), deps);
    expect(run.outcome).toBe('resolved');
    expect(calls.at(-1)).toMatch(/^close ci-connect remediate: /);
  });

  it('a failing gate tries the next action; with none left it escalates and the comment lists what was tried', async () => {
    const { deps, calls, records } = world({ gates: ['fail', 'fail'] });
    const run = await runRemediation(input(), deps);
    expect(run.outcome).toBe('escalated');
    expect(calls.filter((c) => c.startsWith('run'))).toEqual(['run scaling #0', 'run toggle-feature #1']);
    expect(stepsOf(records)).toEqual([
      ['action', 0, 'scaling', 'fail', 'eval-1'],
      ['action', 1, 'toggle-feature', 'fail', 'eval-2'],
      ['escalated', 2, null, 'fail', 'eval-2'],
    ]);
    const comment = calls.at(-1) ?? '';
    expect(comment).toContain('there is no action with index 2');
    expect(comment).toContain('1. "Scale up" (scaling): scaling succeeded; quality gate fail');
    expect(comment).toContain('2. "Toggle feature flag" (toggle-feature)');
  });

  it('continues at firstIndex, and the escalation names the actions of earlier runs too', async () => {
    const earlier = {
      step: 'action',
      actionIndex: 0,
      action: { name: 'Scale up', action: 'scaling', description: '' },
      message: 'helm upgraded; quality gate fail',
    } as RemediationRecord;
    const { deps, calls, records } = world({ gates: ['fail'] });
    const run = await runRemediation(input({ firstIndex: 1, tried: [earlier] }), deps);
    expect(run.outcome).toBe('escalated');
    expect(calls[0]).toBe('run toggle-feature #1');
    expect(records.at(-1)?.message).toContain(
      'tried 1. "Scale up" (scaling): helm upgraded; quality gate fail; 2. "Toggle',
    );
  });

  describe('an action of an earlier run whose quality gate never ran (stopped while waiting, or Dynatrace unreachable)', () => {
    const ungated = (finishedAt: string) =>
      ({
        step: 'action',
        actionIndex: 0,
        action: { name: 'Scale up', action: 'scaling', description: 'one more pod', value: '1' },
        result: 'pass',
        evaluationId: null,
        startedAt: '2026-12-05T19:00:00.000Z',
        finishedAt,
        message: 'scaling succeeded; stopped while waiting for the gate',
      }) as RemediationRecord;

    it('is judged first: a passing gate resolves the problem and no further action runs', async () => {
      const { deps, calls, records, windows } = world({ gates: ['pass'] });
      const run = await runRemediation(
        input({ firstIndex: 1, tried: [ungated('2026-12-05T19:00:05.000Z')] }),
        deps,
      );
      expect(run.outcome).toBe('resolved');
      expect(calls.filter((c) => c.startsWith('run') || c.startsWith('gate'))).toEqual(['gate pass']);
      expect(windows).toEqual([{ start: '2026-12-05T19:00:05.000Z', end: '2026-12-05T20:00:00.000Z' }]);
      expect(stepsOf(records)).toEqual([['resolved', 0, 'scaling', 'pass', 'eval-1']]);
    });

    it('a failing gate goes on with the next action', async () => {
      const { deps, calls, records } = world({ gates: ['fail', 'pass'] });
      const run = await runRemediation(
        input({ firstIndex: 1, tried: [ungated('2026-12-05T19:00:05.000Z')] }),
        deps,
      );
      expect(run.outcome).toBe('resolved');
      expect(calls.filter((c) => c.startsWith('run') || c.startsWith('gate'))).toEqual([
        'gate fail',
        'run toggle-feature #1',
        'gate pass',
      ]);
      expect(stepsOf(records)).toEqual([
        ['action', 1, 'toggle-feature', 'pass', 'eval-2'],
        ['resolved', 1, 'toggle-feature', 'pass', 'eval-2'],
      ]);
    });

    it('waits out the rest of --wait after that action first', async () => {
      const { deps, calls } = world({ gates: ['pass'] });
      await runRemediation(input({ firstIndex: 1, tried: [ungated('2026-12-05T19:59:50.000Z')] }), deps);
      expect(calls.filter((c) => c.startsWith('sleep') || c.startsWith('gate'))).toEqual([
        'sleep 50000',
        'gate pass',
      ]);
    });
  });

  it('a problem Dynatrace closed meanwhile ends the loop without a gate', async () => {
    const { deps, calls, records } = world({ refresh: ['closed'] });
    const run = await runRemediation(input(), deps);
    expect(run.outcome).toBe('problem-closed');
    expect(calls).toEqual(['run scaling #0', 'sleep 60000', 'refresh']);
    expect(stepsOf(records)).toEqual([
      ['action', 0, 'scaling', 'pass', null],
      ['problem-closed', 1, 'scaling', 'pass', null],
    ]);
  });

  it('a problem closed already runs nothing', async () => {
    const { deps, calls, records } = world({});
    const run = await runRemediation(input({ problem: { ...PROBLEM, status: 'closed' } }), deps);
    expect(run.outcome).toBe('problem-closed');
    expect(calls).toEqual([]);
    expect(records.map((r) => r.message)).toEqual([
      'problem P-211117376 "Response time degradation" is closed already: nothing to remediate',
    ]);
  });

  it('no remediation for the problem escalates with Keptn’s message before anything runs', async () => {
    const { deps, calls, records } = world({ dynatrace: false });
    const problem: Problem = {
      source: 'problem-type',
      title: 'Out of memory',
      status: 'open',
      impactedEntities: [],
    };
    const run = await runRemediation(input({ problem, key: undefined }), deps);
    expect(run.outcome).toBe('escalated');
    expect(calls).toEqual([]);
    expect(records[0]?.message).toBe('unable to find action for problem title Out of memory; no action ran');
    expect(records[0]?.problem).toEqual({ title: 'Out of memory' });
  });

  it('a failed action escalates without a gate, as Keptn’s sequence stopped at a failed task', async () => {
    const { deps, calls, records } = world({ actions: [{ result: 'fail', message: 'helm exited 1: boom' }] });
    const run = await runRemediation(input(), deps);
    expect(run.outcome).toBe('escalated');
    expect(calls.filter((c) => !c.startsWith('comment'))).toEqual(['run scaling #0']);
    expect(stepsOf(records)).toEqual([
      ['action', 0, 'scaling', 'fail', null],
      ['escalated', 1, null, 'fail', null],
    ]);
    expect(records[1]?.message).toMatch(
      /^the action "Scale up" \(scaling\) failed: helm exited 1: boom; tried 1\. /,
    );
  });

  it.each([
    [
      'action',
      [
        ['action', 0, 'scaling', 'fail', null],
        ['cancelled', 1, 'scaling', 'fail', null],
      ],
    ],
    [
      'sleep',
      [
        ['action', 0, 'scaling', 'pass', null],
        ['cancelled', 1, 'scaling', 'fail', null],
      ],
    ],
  ] as const)('SIGTERM during the %s records the action and where it stopped', async (abortOn, expected) => {
    const { deps, calls, records } = world({ abortOn });
    const run = await runRemediation(input(), deps);
    expect(run.outcome).toBe('cancelled');
    expect(calls.some((c) => c.startsWith('gate'))).toBe(false);
    expect(stepsOf(records)).toEqual(expected);
    expect(records.at(-1)?.message).toBe(
      'stopped by SIGTERM before action 2; the next remediate continues there',
    );
  });

  it('Dynatrace unreachable after the action: the action is recorded, then the error ends the run (exit 3)', async () => {
    const { deps, records } = world({});
    deps.problems = {
      ...deps.problems!,
      refresh: () => Promise.reject(new Error('Dynatrace is unreachable')),
    };
    await expect(runRemediation(input(), deps)).rejects.toThrow('Dynatrace is unreachable');
    expect(stepsOf(records)).toEqual([['action', 0, 'scaling', 'pass', null]]);
    expect(records[0]?.message).toBe('scaling succeeded; then Dynatrace is unreachable');
  });

  it('a failing comment is a warning, not the end of the remediation', async () => {
    const { deps, logger } = world({ gates: ['pass'] });
    deps.problems = { ...deps.problems!, comment: () => Promise.reject(new Error('403 problems.write')) };
    const run = await runRemediation(input(), deps);
    expect(run.outcome).toBe('resolved');
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      "commenting on the problem failed (the remediation's result stands): 403 problems.write",
    ]);
  });
});
