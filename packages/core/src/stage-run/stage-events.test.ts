import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startIngestServer, type IngestServer } from '../test-support/ingest-server.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../config/project-config.js';
import { createMemoryLogger } from '../environment.js';
import { ConfigError } from '../errors.js';
import type { CloudEventSink } from '../events/cloudevents/sink.js';
import type { KeptnCloudEvent } from '../events/cloudevents/types.js';
import { createRedactor } from '../redaction/redaction.js';
import type { ShipyardTask } from '../shipyard/types.js';
import { makeEvaluationRecord } from '../test-support/records.js';
import { runSequence, type StageRunListener } from './run-sequence.js';
import { createCloudEventListener } from './stage-cloudevents.js';
import { combineListeners, createStageEventListener } from './stage-events.js';
import {
  makeContext,
  scriptedRunner,
  sequentialIds,
  steppingClock,
  task,
} from './test-support/stage-run-fixtures.js';
import type { TaskContext, TaskOutcome } from './types.js';

const TOKEN =
  'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.STAGESECRETSTAGESECRETSTAGESECRETSTAGESECRETSTAGESECRETSTAGESECR';
const GITLAB = { GITLAB_CI: 'true', CI_JOB_URL: 'https://gitlab.example.com/shop/carts/-/jobs/812' };
const EVALUATION_ID = '11111111-2222-4333-8444-555555555555';

const DELIVERY: ShipyardTask[] = [
  task('deployment', { deploymentStrategy: 'direct', properties: { deploymentstrategy: 'direct' } }),
  task('test', { testStrategy: 'performance', properties: { teststrategy: 'performance' } }),
  task('evaluation'),
  task('approval', { approval: { pass: 'automatic', warning: 'manual' } }),
];

/** What each task's runner answers; the evaluation records its result, as the gate does. */
async function answer(t: ShipyardTask, context: TaskContext): Promise<TaskOutcome> {
  switch (t.name) {
    case 'deployment':
      return {
        result: 'pass',
        status: 'succeeded',
        message: 'deployed',
        details: {
          strategy: 'direct',
          release: 'shop-hardening-carts',
          namespace: 'shop-hardening',
          revision: 3,
          deploymentId: 'dep-1',
          gitCommit: 'abc1234',
        },
      };
    case 'test':
      return {
        result: 'pass',
        status: 'succeeded',
        message: '150 samples',
        details: {
          start: '2026-11-22T10:00:05.000Z',
          end: '2026-11-22T10:01:05.000Z',
          samples: 150,
          errorRate: 0,
        },
      };
    case 'evaluation': {
      const record = makeEvaluationRecord({
        id: EVALUATION_ID,
        project: 'shop',
        version: '1.4.2',
        score: 100,
      });
      await context.history.append(record);
      return {
        result: 'pass',
        status: 'succeeded',
        message: 'quality gate pass',
        details: { evaluationId: record.id, score: record.score, start: record.start, end: record.end },
      };
    }
    default:
      return { result: 'pass', status: 'succeeded', message: 'approved', details: { mode: 'automatic' } };
  }
}

function recordingSink(): CloudEventSink & { events: KeptnCloudEvent[] } {
  const events: KeptnCloudEvent[] = [];
  return {
    target: 'memory',
    events,
    send: (event) => {
      events.push(event);
      return Promise.resolve({ delivered: true });
    },
  };
}

function delivery(
  listener: StageRunListener,
  context: TaskContext = makeContext(),
  tasks: ShipyardTask[] = DELIVERY,
  runs: (t: ShipyardTask, c: TaskContext) => TaskOutcome | Promise<TaskOutcome> = answer,
  extra: { triggeredByRun?: string; sequence?: string } = {},
) {
  return runSequence(
    {
      sequence: extra.sequence ?? 'delivery',
      tasks,
      triggeredBy: 'manual',
      ...(extra.triggeredByRun === undefined ? {} : { triggeredByRun: extra.triggeredByRun }),
      forced: false,
      context,
    },
    { runnerFor: () => scriptedRunner('fake', runs), newId: sequentialIds, listener },
  );
}

function config(events: ProjectConfig['events'], root = tmpdir()): ProjectConfig {
  return { root, defaults: {}, providers: {}, events, helm: {}, tasks: {} };
}

describe('the CloudEvents of a stage run', () => {
  const listenerFor = (sink: CloudEventSink) =>
    createCloudEventListener(sink, { env: GITLAB, clock: steppingClock(), newId: sequentialIds });

  it('brackets the sequence and each task, answering each .triggered in one context', async () => {
    const sink = recordingSink();
    const context = makeContext({ image: 'registry/carts:1.4.2', labels: { buildId: '812' } });
    const slo = path.join(context.configDir, 'base', 'carts', 'slo.yaml');
    mkdirSync(path.dirname(slo), { recursive: true });
    writeFileSync(slo, 'objectives: []\n');
    const record = await delivery(listenerFor(sink), context);
    expect(record.result).toBe('pass');
    const types = sink.events.map((e) => e.type.replace('sh.keptn.event.', ''));
    expect(types).toEqual([
      'hardening.delivery.triggered',
      ...['deployment', 'test', 'evaluation', 'approval'].flatMap((t) => [
        `${t}.triggered`,
        `${t}.started`,
        `${t}.finished`,
      ]),
      'hardening.delivery.finished',
    ]);
    expect(new Set(sink.events.map((e) => e.shkeptncontext)).size).toBe(1);
    expect(new Set(sink.events.map((e) => e.source))).toEqual(new Set([GITLAB.CI_JOB_URL]));
    const byType = (type: string) => sink.events.find((e) => e.type === `sh.keptn.event.${type}`)!;
    for (const t of ['deployment', 'test', 'evaluation', 'approval'])
      for (const kind of ['started', 'finished'])
        expect(byType(`${t}.${kind}`).triggeredid, `${t}.${kind}`).toBe(byType(`${t}.triggered`).id);
    expect(byType('hardening.delivery.finished').triggeredid).toBe(byType('hardening.delivery.triggered').id);

    expect(byType('hardening.delivery.triggered').data).toEqual({
      project: 'shop',
      stage: 'hardening',
      service: 'carts',
      labels: { buildId: '812' },
      configurationChange: { values: { image: 'registry/carts:1.4.2', version: '1.4.2' } },
    });
    expect(byType('deployment.triggered').data.deployment).toEqual({ deploymentstrategy: 'direct' });
    expect(byType('deployment.finished').data).toMatchObject({
      status: 'succeeded',
      result: 'pass',
      message: 'deployed',
      deployment: {
        deploymentstrategy: 'direct',
        deploymentNames: ['shop-hardening-carts'],
        deploymentURIsLocal: [],
        deploymentURIsPublic: [],
        gitCommit: 'abc1234',
      },
    });
    // Keptn handed each task what the ones before it reported.
    expect(byType('test.triggered').data).toMatchObject({
      test: { teststrategy: 'performance' },
      deployment: { deploymentNames: ['shop-hardening-carts'] },
    });
    // Once the deployment recorded the config's commit, the run's later events name it.
    expect(byType('deployment.triggered')).not.toHaveProperty('gitcommitid');
    expect(byType('test.triggered').gitcommitid).toBe('abc1234');
    expect(byType('test.finished').data.test).toEqual({
      start: '2026-11-22T10:00:05.000Z',
      end: '2026-11-22T10:01:05.000Z',
      gitCommit: 'abc1234',
    });
    const evaluation = byType('evaluation.finished');
    expect(evaluation.id).toBe(EVALUATION_ID);
    expect(evaluation.data.evaluation).toMatchObject({
      result: 'pass',
      score: 100,
      sloFileContent: Buffer.from('objectives: []\n').toString('base64'),
    });
    expect(byType('approval.finished').data.approval).toEqual({ pass: 'automatic', warning: 'manual' });
    expect(byType('hardening.delivery.finished').data).toMatchObject({
      status: 'succeeded',
      result: 'pass',
      message: record.message,
    });
  });

  it('ends a failed task and its sequence with the failure, and skips the tasks not run', async () => {
    const sink = recordingSink();
    await delivery(listenerFor(sink), makeContext(), DELIVERY, (t, c) =>
      t.name === 'test'
        ? { result: 'fail', status: 'succeeded', message: 'error rate 12%', details: {} }
        : answer(t, c),
    );
    expect(sink.events.map((e) => e.type).slice(-2)).toEqual([
      'sh.keptn.event.test.finished',
      'sh.keptn.event.hardening.delivery.finished',
    ]);
    expect(sink.events.at(-1)?.data).toMatchObject({ status: 'succeeded', result: 'fail' });
  });

  it('finishes the task and the sequence as errored when a runner error ends the run', async () => {
    const sink = recordingSink();
    const error = await delivery(listenerFor(sink), makeContext(), DELIVERY, () => {
      throw new ConfigError('helm is not installed');
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(sink.events.map((e) => e.type.replace('sh.keptn.event.', ''))).toEqual([
      'hardening.delivery.triggered',
      'deployment.triggered',
      'deployment.started',
      'deployment.finished',
      'hardening.delivery.finished',
    ]);
    expect(sink.events.at(-1)?.data).toMatchObject({ status: 'errored', result: 'fail' });
  });

  it('leaves a waiting approval and its sequence unfinished, as Keptn did', async () => {
    const sink = recordingSink();
    const record = await delivery(listenerFor(sink), makeContext(), [task('approval')], () => ({
      result: 'pass',
      status: 'waiting',
      message: 'needs --approved-by',
    }));
    expect(record.status).toBe('waiting');
    expect(sink.events.map((e) => e.type)).toEqual([
      'sh.keptn.event.hardening.delivery.triggered',
      'sh.keptn.event.approval.triggered',
      'sh.keptn.event.approval.started',
    ]);
  });

  it('continues the context in a sequence the run before it started (a rollback)', async () => {
    const sink = recordingSink();
    const listener = listenerFor(sink);
    const first = await delivery(listener, makeContext(), [task('deployment')], () => ({
      result: 'fail',
      status: 'succeeded',
      message: 'helm failed',
    }));
    await delivery(
      listener,
      makeContext(),
      [task('rollback')],
      () => ({
        result: 'pass',
        status: 'succeeded',
        message: 'rolled back',
        details: { release: 'shop-hardening-carts' },
      }),
      { triggeredByRun: first.id, sequence: 'rollback' },
    );
    expect(sink.events.map((e) => e.type.replace('sh.keptn.event.', '')).slice(-5)).toEqual([
      'hardening.rollback.triggered',
      'rollback.triggered',
      'rollback.started',
      'rollback.finished',
      'hardening.rollback.finished',
    ]);
    expect(new Set(sink.events.map((e) => e.shkeptncontext)).size).toBe(1);
    // Keptn's rollback events carry the common data only.
    expect(sink.events.at(-2)?.data).not.toHaveProperty('rollback');
  });

  it('writes to the configured file, with registered tokens masked', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ci-connect-stage-events-'));
    const file = path.join(root, 'events.jsonl');
    const redactor = createRedactor([TOKEN]);
    const listener = createStageEventListener(config({ cloudevents: { sink: `file:${file}` } }, root), {
      env: {},
      clock: steppingClock(),
      logger: createMemoryLogger(),
      redactor,
    });
    await delivery(listener!, makeContext(), [task('notify')], () => ({
      result: 'fail',
      status: 'succeeded',
      message: `./notify.sh exited 1: token ${TOKEN} refused`,
      details: { exitCode: 1, argv: ['./notify.sh'] },
    }));
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('STAGESECRET');
    const events = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as KeptnCloudEvent);
    expect(events).toHaveLength(5);
    expect(events[3]?.data).toMatchObject({
      message: './notify.sh exited 1: token *** refused',
      notify: { exitCode: 1, argv: ['./notify.sh'] },
    });
  });

  it('refuses a sink that cannot work before anything runs (exit 2)', () => {
    expect(() =>
      createStageEventListener(config({ cloudevents: { sink: 'ftp://events.example.com' } }), {
        env: {},
        clock: steppingClock(),
        logger: createMemoryLogger(),
      }),
    ).toThrow(ConfigError);
  });

  it('is nothing at all when the project asks for no events', () => {
    const deps = { env: {}, clock: steppingClock(), logger: createMemoryLogger() };
    expect(createStageEventListener(config({}), deps)).toBeUndefined();
    expect(
      createStageEventListener(config({ dynatrace: { enabled: true } }), { ...deps, dynatraceEvent: false }),
    ).toBeUndefined();
  });
});

describe('the Dynatrace events of a stage run', () => {
  let server: IngestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function dynatrace(status: number, body: unknown): Promise<IngestServer> {
    server = await startIngestServer(status, body);
    return server;
  }

  const OK = { reportCount: 1, eventIngestResults: [{ correlationId: 'c0ffee', status: 'OK' }] };

  it('sends CUSTOM_DEPLOYMENT after the deployment and annotates the test, not the evaluation', async () => {
    const api = await dynatrace(201, OK);
    const logger = createMemoryLogger();
    const env = { DT_URL: api.url, DT_API_TOKEN: TOKEN, ...GITLAB };
    const listener = createStageEventListener(config({}), {
      env,
      clock: steppingClock(),
      logger,
      dynatraceEvent: true,
    });
    const context = makeContext({ image: 'registry/carts:1.4.2', labels: { buildId: '812' }, env, logger });
    await delivery(listener!, context);
    const common = {
      project: 'shop',
      stage: 'hardening',
      service: 'carts',
      version: '1.4.2',
      ci: 'gitlab',
      ciBackLink: GITLAB.CI_JOB_URL,
      sequence: 'delivery',
      sequenceRunId: expect.any(String) as unknown,
      'label.buildId': '812',
    };
    expect(api.bodies).toEqual([
      {
        eventType: 'CUSTOM_DEPLOYMENT',
        title: 'Deployment of carts 1.4.2 to hardening',
        entitySelector: 'type(SERVICE),tag(service:carts)',
        properties: {
          ...common,
          task: 'deployment',
          'dt.event.deployment.name': 'Deployment of carts 1.4.2 to hardening',
          'dt.event.deployment.version': '1.4.2',
          'dt.event.deployment.project': 'shop',
          'dt.event.deployment.release_stage': 'hardening',
          'dt.event.deployment.ci_back_link': GITLAB.CI_JOB_URL,
          image: 'registry/carts:1.4.2',
          deploymentStrategy: 'direct',
          helmRelease: 'shop-hardening-carts',
          namespace: 'shop-hardening',
          helmRevision: '3',
          deploymentId: 'dep-1',
          gitCommit: 'abc1234',
        },
      },
      {
        eventType: 'CUSTOM_ANNOTATION',
        title: 'Test performance of carts 1.4.2 started',
        entitySelector: 'type(SERVICE),tag(service:carts)',
        properties: { ...common, task: 'test', testStrategy: 'performance' },
      },
      {
        eventType: 'CUSTOM_ANNOTATION',
        title: 'Test performance of carts 1.4.2 finished: pass, 150 samples',
        entitySelector: 'type(SERVICE),tag(service:carts)',
        properties: {
          ...common,
          task: 'test',
          testStrategy: 'performance',
          result: 'pass',
          status: 'succeeded',
          testStart: '2026-11-22T10:00:05.000Z',
          testEnd: '2026-11-22T10:01:05.000Z',
          samples: '150',
          errorRate: '0',
        },
      },
    ]);
    expect(logger.lines).toContainEqual({
      level: 'info',
      message:
        'sent CUSTOM_DEPLOYMENT "Deployment of carts 1.4.2 to hardening" to Dynatrace (correlation id c0ffee)',
    });
  });

  it('calls a JMeter test a load test, and uses the configured entity selector', async () => {
    const api = await dynatrace(201, OK);
    const env = { DT_URL: api.url, DT_API_TOKEN: TOKEN };
    const listener = createStageEventListener(
      config({ dynatrace: { enabled: true, entitySelector: 'type(SERVICE),tag(app:$SERVICE)' } }),
      { env, clock: steppingClock(), logger: createMemoryLogger() },
    );
    await runSequence(
      {
        sequence: 'delivery',
        tasks: [DELIVERY[1]!],
        triggeredBy: 'manual',
        forced: false,
        context: makeContext({ env }),
      },
      { runnerFor: () => scriptedRunner('jmeter', answer), newId: sequentialIds, listener: listener! },
    );
    expect(api.bodies).toMatchObject([
      {
        title: 'Load test performance of carts 1.4.2 started',
        entitySelector: 'type(SERVICE),tag(app:carts)',
      },
      { title: 'Load test performance of carts 1.4.2 finished: pass, 150 samples' },
    ]);
  });

  it('sends no CUSTOM_DEPLOYMENT for a failed deployment', async () => {
    const api = await dynatrace(201, OK);
    const env = { DT_URL: api.url, DT_API_TOKEN: TOKEN };
    const listener = createStageEventListener(config({ dynatrace: { enabled: true } }), {
      env,
      clock: steppingClock(),
      logger: createMemoryLogger(),
    });
    await delivery(listener!, makeContext({ env }), DELIVERY, () => ({
      result: 'fail',
      status: 'succeeded',
      message: 'UPGRADE FAILED',
    }));
    expect(api.bodies).toEqual([]);
  });

  it('warns when Dynatrace fails, keeps the token out, and the run goes on', async () => {
    const api = await dynatrace(500, { error: { code: 500, message: `Token ${TOKEN} broke us` } });
    const logger = createMemoryLogger();
    const env = { DT_URL: api.url, DT_API_TOKEN: TOKEN };
    const redactor = createRedactor();
    const listener = createStageEventListener(config({ dynatrace: { enabled: true } }), {
      env,
      clock: steppingClock(),
      logger,
      redactor,
    });
    const record = await delivery(listener!, makeContext({ env, logger }));
    expect(record).toMatchObject({ result: 'pass', status: 'succeeded' });
    expect(record.tasks).toHaveLength(4);
    expect(api.bodies).toHaveLength(3); // sent once each: an ingest POST is never retried
    const warnings = logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(
      /^CUSTOM_DEPLOYMENT "Deployment of carts 1.4.2 to hardening" was not sent to Dynatrace \(the run goes on\): .*500/,
    );
    expect(JSON.stringify(logger.lines)).not.toContain('STAGESECRET');
    expect(redactor.redact(TOKEN)).toBe('***');
  });
});

describe('combineListeners', () => {
  it('calls every listener in order, even after one throws, and then reports the failure', async () => {
    const seen: string[] = [];
    const listener = combineListeners(
      undefined,
      {
        taskStarted: (t) => {
          seen.push(`first ${t.name}`);
          throw new Error('sink down');
        },
      },
      {
        sequenceStarted: (input) => void seen.push(`second ${input.sequence}`),
        taskStarted: (t) => void seen.push(`second ${t.name}`),
      },
    );
    const context = makeContext();
    await delivery(listener, context, [task('deployment')], () => ({
      result: 'pass',
      status: 'succeeded',
      message: 'ok',
    }));
    expect(seen).toEqual(['second delivery', 'first deployment', 'second deployment']);
    expect((context.logger as ReturnType<typeof createMemoryLogger>).lines).toContainEqual({
      level: 'warn',
      message: 'could not report a task event: sink down',
    });
  });
});
