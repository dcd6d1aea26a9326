import { describe, expect, it } from 'vitest';
import type { Clock } from '../../environment.js';
import { InternalError, UsageError } from '../../errors.js';
import type { EvaluationRecord } from '../../gate/types.js';
import {
  sequenceFinished,
  sequenceTriggered,
  taskFinished,
  taskStarted,
  taskTriggered,
} from './build-events.js';
import { createCloudEventRun } from './cloudevent-run.js';
import type { CloudEventRun, CloudEventSubject, TaskEventDetails } from './types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Each call is one second later than the one before. */
function steppingClock(start = '2025-03-01T12:00:00.000Z'): Clock {
  let ms = Date.parse(start);
  return {
    now: () => {
      const now = new Date(ms);
      ms += 1000;
      return now;
    },
  };
}

function testRun(): CloudEventRun {
  let n = 0;
  return createCloudEventRun({
    env: {},
    clock: steppingClock(),
    newId: () => `id-${++n}`,
    keptnContext: 'ctx-1',
  });
}

const subject: CloudEventSubject = {
  project: 'shop',
  stage: 'hardening',
  service: 'carts',
  sequence: 'delivery',
  labels: { buildId: '812' },
};

const common = {
  specversion: '1.0',
  source: 'ci-connect',
  datacontenttype: 'application/json',
  shkeptncontext: 'ctx-1',
  shkeptnspecversion: '0.2.4',
};
const commonData = { project: 'shop', stage: 'hardening', service: 'carts', labels: { buildId: '812' } };

describe('sequence events', () => {
  it('builds <stage>.<sequence>.triggered and a .finished that answers it', () => {
    const run = testRun();
    const triggered = sequenceTriggered(run, subject, {
      configurationChange: { values: { image: 'carts:1.4.2' } },
      project: 'not-this-one',
    });
    const finished = sequenceFinished(run, subject, {
      triggeredId: triggered.id,
      status: 'succeeded',
      result: 'warning',
      message: 'evaluation: score 83.33 is below 90',
    });
    expect(triggered).toStrictEqual({
      ...common,
      id: 'id-1',
      type: 'sh.keptn.event.hardening.delivery.triggered',
      time: '2025-03-01T12:00:00.000Z',
      data: { ...commonData, configurationChange: { values: { image: 'carts:1.4.2' } } },
    });
    expect(finished).toStrictEqual({
      ...common,
      id: 'id-2',
      type: 'sh.keptn.event.hardening.delivery.finished',
      time: '2025-03-01T12:00:01.000Z',
      triggeredid: 'id-1',
      data: {
        ...commonData,
        status: 'succeeded',
        result: 'warning',
        message: 'evaluation: score 83.33 is below 90',
      },
    });
  });
});

describe('task events', () => {
  it('builds a task triggered (with its properties), started and finished, linked by triggeredid', () => {
    const run = testRun();
    const triggered = taskTriggered(run, subject, {
      task: 'test',
      properties: { teststrategy: 'performance' },
      payload: { deployment: { deploymentURIsLocal: ['http://carts.hardening:80'] } },
    });
    const started = taskStarted(run, subject, { task: 'test', triggeredId: triggered.id });
    const finished = taskFinished(run, subject, {
      task: 'test',
      triggeredId: triggered.id,
      status: 'succeeded',
      result: 'pass',
      message: 'JMeter: 1200 samples, 0 errors',
      details: { kind: 'test', start: '2025-03-01T12:00:02.000Z', end: '2025-03-01T12:05:02.000Z' },
    });
    expect(triggered).toStrictEqual({
      ...common,
      id: 'id-1',
      type: 'sh.keptn.event.test.triggered',
      time: '2025-03-01T12:00:00.000Z',
      data: {
        ...commonData,
        deployment: { deploymentURIsLocal: ['http://carts.hardening:80'] },
        test: { teststrategy: 'performance' },
      },
    });
    expect(started).toStrictEqual({
      ...common,
      id: 'id-2',
      type: 'sh.keptn.event.test.started',
      time: '2025-03-01T12:00:01.000Z',
      triggeredid: 'id-1',
      data: { ...commonData, status: 'succeeded' },
    });
    expect(finished).toStrictEqual({
      ...common,
      id: 'id-3',
      type: 'sh.keptn.event.test.finished',
      time: '2025-03-01T12:00:02.000Z',
      triggeredid: 'id-1',
      data: {
        ...commonData,
        status: 'succeeded',
        result: 'pass',
        message: 'JMeter: 1200 samples, 0 errors',
        test: { start: '2025-03-01T12:00:02.000Z', end: '2025-03-01T12:05:02.000Z' },
      },
    });
  });

  it('leaves data.<task> out when the task has no properties or details', () => {
    const run = testRun();
    const triggered = taskTriggered(run, subject, { task: 'rollback', properties: {} });
    const finished = taskFinished(run, subject, {
      task: 'rollback',
      triggeredId: triggered.id,
      status: 'errored',
      result: 'fail',
      message: 'helm rollback exited 1',
    });
    expect(triggered.data).toStrictEqual(commonData);
    expect(finished.data).toStrictEqual({
      ...commonData,
      status: 'errored',
      result: 'fail',
      message: 'helm rollback exited 1',
    });
  });

  it.each<[string, TaskEventDetails, Record<string, unknown>]>([
    [
      'deployment',
      {
        kind: 'deployment',
        deploymentStrategy: 'blue_green_service',
        deploymentNames: ['canary'],
        deploymentURIsLocal: ['http://carts-canary.hardening:80'],
        gitCommit: 'a1b2c3d',
      },
      {
        deploymentstrategy: 'blue_green_service',
        deploymentNames: ['canary'],
        deploymentURIsLocal: ['http://carts-canary.hardening:80'],
        deploymentURIsPublic: [],
        gitCommit: 'a1b2c3d',
      },
    ],
    [
      'approval',
      { kind: 'approval', pass: 'automatic', warning: 'manual', approvedBy: 'jane' },
      { pass: 'automatic', warning: 'manual', approvedBy: 'jane' },
    ],
    ['release', { kind: 'release', gitCommit: 'a1b2c3d' }, { gitCommit: 'a1b2c3d' }],
    ['smoke-test', { kind: 'custom', data: { exitCode: 0 } }, { exitCode: 0 }],
  ])('puts what a %s task did into data.<task>', (task, details, expected) => {
    const event = taskFinished(testRun(), subject, {
      task,
      triggeredId: 'id-0',
      status: 'succeeded',
      result: 'pass',
      message: '',
      details,
    });
    expect(event.type).toBe(`sh.keptn.event.${task}.finished`);
    expect(event.data[task]).toStrictEqual(expected);
  });

  it('turns an evaluation record into Keptn evaluation.finished data, under the record id', () => {
    const event = taskFinished(testRun(), subject, {
      task: 'evaluation',
      triggeredId: 'id-7',
      status: 'succeeded',
      result: 'fail',
      message: 'score 50 is below 75',
      details: {
        kind: 'evaluation',
        evaluation: evaluationRecord(),
        sloFileContent: 'spec_version: "1.0"\n',
      },
    });
    expect(event.id).toBe('eval-42');
    expect(event.triggeredid).toBe('id-7');
    expect(event.data.evaluation).toStrictEqual({
      timeStart: '2025-03-01T11:55:00.000Z',
      timeEnd: '2025-03-01T12:00:00.000Z',
      result: 'fail',
      score: 50,
      sloFileContent: 'c3BlY192ZXJzaW9uOiAiMS4wIgo=',
      indicatorResults: [
        {
          score: 1,
          value: {
            metric: 'response_time_p95',
            value: 512.3,
            comparedValue: 480.1,
            success: true,
            message: '',
          },
          displayName: 'Response time P95',
          passTargets: [{ criteria: '<=+10%', targetValue: 528.11, violated: false }],
          warningTargets: [],
          keySli: false,
          status: 'pass',
        },
        {
          score: 0,
          value: {
            metric: 'error_rate',
            value: null,
            comparedValue: null,
            success: false,
            message: 'no data',
          },
          displayName: '',
          passTargets: [{ criteria: '<5', targetValue: 5, violated: true }],
          warningTargets: [],
          keySli: true,
          status: 'fail',
        },
      ],
      comparedEvents: ['eval-41', 'eval-40'],
    });
  });

  it('adds the gitcommitid extension when the commit is known', () => {
    const event = taskStarted(
      testRun(),
      { ...subject, gitCommit: 'a1b2c3d' },
      { task: 'x', triggeredId: 't' },
    );
    expect(event.gitcommitid).toBe('a1b2c3d');
  });
});

describe('createCloudEventRun', () => {
  it('makes a uuid context shared by all events of the run, and uuid event ids', () => {
    const run = createCloudEventRun({ env: {} });
    const a = taskTriggered(run, subject, { task: 'evaluation' });
    const b = taskStarted(run, subject, { task: 'evaluation', triggeredId: a.id });
    expect(run.keptnContext).toMatch(UUID);
    expect([a.shkeptncontext, b.shkeptncontext]).toEqual([run.keptnContext, run.keptnContext]);
    expect(a.id).toMatch(UUID);
    expect(b.id).toMatch(UUID);
    expect(new Set([run.keptnContext, a.id, b.id]).size).toBe(3);
    expect(Date.parse(a.time)).not.toBeNaN();
  });

  it.each([
    ['GitLab', { GITLAB_CI: 'true', CI_JOB_URL: 'https://gitlab.example.com/shop/carts/-/jobs/812' }],
    [
      'GitHub',
      {
        GITHUB_ACTIONS: 'true',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'shop/carts',
        GITHUB_RUN_ID: '812',
      },
    ],
    [
      'Jenkins',
      { JENKINS_URL: 'https://ci.example.com/', BUILD_URL: 'https://ci.example.com/job/carts/812/' },
    ],
  ])('uses the %s job URL as the source', (_ci, env) => {
    const source = createCloudEventRun({ env }).source;
    expect(source).toMatch(/^https:\/\/.*812\/?$/);
  });

  it('uses ci-connect as the source outside a known CI job', () => {
    expect(createCloudEventRun({ env: { CI: 'true' } }).source).toBe('ci-connect');
  });
});

describe('names that cannot become events', () => {
  it('refuses a task name with a dot (the type would have the wrong number of parts)', () => {
    expect(() => taskTriggered(testRun(), subject, { task: 'smoke.test' })).toThrow(InternalError);
    expect(() => sequenceTriggered(testRun(), { ...subject, sequence: 'a.b' })).toThrow(InternalError);
  });

  it('refuses a task whose data would replace a common field, and says how to fix it', () => {
    const build = () =>
      taskFinished(testRun(), subject, {
        task: 'message',
        triggeredId: 't',
        status: 'succeeded',
        result: 'pass',
        message: 'done',
        details: { kind: 'custom', data: {} },
      });
    expect(build).toThrow(UsageError);
    expect(build).toThrow(/task name "message"/);
  });
});

function evaluationRecord(): EvaluationRecord {
  return {
    schemaVersion: 1,
    id: 'eval-42',
    kind: 'evaluation',
    project: 'shop',
    stage: 'hardening',
    service: 'carts',
    version: '1.4.2',
    labels: { buildId: '812' },
    start: '2025-03-01T11:55:00.000Z',
    end: '2025-03-01T12:00:00.000Z',
    evaluatedAt: '2025-03-01T12:00:01.000Z',
    result: 'fail',
    score: 50,
    objectives: [
      {
        sli: 'response_time_p95',
        displayName: 'Response time P95',
        provider: 'prometheus',
        value: 512.3,
        status: 'pass',
        score: 1,
        weight: 1,
        keySli: false,
        comparedValue: 480.1,
        message: '',
        // ci-connect's `alternative` is not in Keptn's SLITarget: the event leaves it out.
        passTargets: [{ criteria: '<=+10%', targetValue: 528.11, violated: false, alternative: 0 }],
        warningTargets: [],
      },
      {
        sli: 'error_rate',
        displayName: '',
        provider: 'prometheus',
        value: null,
        status: 'fail',
        score: 0,
        weight: 1,
        keySli: true,
        comparedValue: null,
        message: 'no data',
        passTargets: [{ criteria: '<5', targetValue: 5, violated: true, alternative: 0 }],
        warningTargets: [],
      },
    ],
    comparedEvaluations: ['eval-41', 'eval-40'],
    message: 'score 50 is below 75',
    invalidated: false,
  };
}
