/**
 * What a remediation tells other tools (issue 13, DESIGN.md section 7), as Keptn's remediation
 * sequence did: Keptn-style CloudEvents to `events.cloudevents.sink` (`<stage>.remediation`
 * triggered/finished; per action `get-action`, `action` and `evaluation`, each triggered,
 * started, finished, with one `shkeptncontext`), and, where Dynatrace events are on, a
 * CUSTOM_CONFIGURATION per action and a CUSTOM_INFO with the outcome. Best effort: a failure to
 * send is a warning and never changes the remediation.
 */

import { randomUUID } from 'node:crypto';
import type { ProjectConfig } from '../config/project-config.js';
import type { Clock, Logger } from '../environment.js';
import {
  sequenceFinished,
  sequenceTriggered,
  taskFinished,
  taskStarted,
  taskTriggered,
} from '../events/cloudevents/build-events.js';
import { createCloudEventRun } from '../events/cloudevents/cloudevent-run.js';
import { openCloudEventSink } from '../events/cloudevents/open-sink.js';
import type { CloudEventSink } from '../events/cloudevents/sink.js';
import type {
  CloudEventSubject,
  KeptnCloudEvent,
  KeptnStatus,
  TaskFinishedInput,
} from '../events/cloudevents/types.js';
import { ciJobLink } from '../events/ci-link.js';
import { buildDynatraceEvent, type DynatraceEventType } from '../events/dynatrace-event.js';
import { sendDynatraceEvent } from '../events/send-dynatrace-event.js';
import { dynatraceEnvNames, dynatraceSettingsOf } from '../providers/dynatrace/dynatrace-settings.js';
import type { Redactor } from '../redaction/redaction.js';
import { actionRef } from '../remediation/remediation-record.js';
import { describeAction, describeProblem, type RemediationListener } from '../remediation/run-remediation.js';
import type { Problem } from '../remediation/types.js';

export interface RemediationEventContext {
  config: ProjectConfig;
  problem: Problem;
  problemKey: string | undefined;
  subject: Omit<CloudEventSubject, 'sequence'>;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  logger: Logger;
  redactor: Redactor;
  newId?: () => string;
  caFile?: string;
}

/** The listeners the project's `events:` asks for (none: an empty list). Opens the sink now. */
export function createRemediationEventListeners(context: RemediationEventContext): RemediationListener[] {
  const listeners: RemediationListener[] = [];
  const cloudevents = context.config.events.cloudevents;
  if (cloudevents !== undefined) {
    const sink = openCloudEventSink(cloudevents, {
      env: context.env,
      logger: context.logger,
      redactor: context.redactor,
      baseDir: context.config.root,
      ...(context.caFile === undefined ? {} : { caFile: context.caFile }),
    });
    listeners.push(cloudEventListener(sink, context));
  }
  if (context.config.events.dynatrace?.enabled === true) listeners.push(dynatraceListener(context));
  return listeners;
}

/** Keptn's ProblemDetails (go-utils), as a monitoring integration sent it. */
function keptnProblem(problem: Problem, key: string | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    State: problem.status === 'open' ? 'OPEN' : 'RESOLVED',
    ProblemID: problem.displayId ?? key,
    PID: problem.problemId,
    ProblemTitle: problem.title,
    problemTitle: problem.title,
    rootCause: problem.rootCause,
    ProblemURL: problem.url,
    ImpactedEntity: problem.impactedEntities.map((e) => e.name).join(', ') || undefined,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function cloudEventListener(sink: CloudEventSink, context: RemediationEventContext): RemediationListener {
  const run = createCloudEventRun({
    env: context.env,
    clock: context.clock,
    newId: context.newId ?? randomUUID,
  });
  const subject: CloudEventSubject = { ...context.subject, sequence: 'remediation' };
  const problem = keptnProblem(context.problem, context.problemKey);
  let sequenceId = '';
  let taskId = '';
  const send = async (event: KeptnCloudEvent): Promise<void> => {
    await sink.send(context.redactor.redactJson(event));
  };
  const start = async (task: string, payload: Record<string, unknown>) => {
    const triggered = taskTriggered(run, subject, { task, payload });
    taskId = triggered.id;
    await send(triggered);
    await send(taskStarted(run, subject, { task, triggeredId: taskId }));
  };
  const finish = (input: Omit<TaskFinishedInput, 'triggeredId'>, extra: Record<string, unknown> = {}) => {
    const event = taskFinished(run, subject, { ...input, triggeredId: taskId });
    return send({ ...event, data: { ...event.data, ...extra } });
  };
  return {
    async started() {
      const event = sequenceTriggered(run, subject, { problem });
      sequenceId = event.id;
      await send(event);
    },
    async actionChosen(choice, index) {
      await start('get-action', { problem, 'get-action': { actionIndex: index } });
      if (choice.kind === 'none')
        return finish({ task: 'get-action', status: 'succeeded', result: 'fail', message: choice.message });
      await finish(
        {
          task: 'get-action',
          status: 'succeeded',
          result: 'pass',
          message: '',
          details: { kind: 'custom', data: { actionIndex: index + 1 } },
        },
        { action: actionRef(choice.action) },
      );
    },
    actionStarted: (action, index) =>
      start('action', { action: actionRef(action), problem, 'get-action': { actionIndex: index + 1 } }),
    actionFinished: (_action, _index, ran) =>
      finish({
        task: 'action',
        status: ran.aborted ? 'aborted' : 'succeeded',
        result: ran.result,
        message: ran.message,
      }),
    evaluationStarted: (window) =>
      start('evaluation', { evaluation: { start: window.start, end: window.end } }),
    evaluated: (evaluation) =>
      finish({
        task: 'evaluation',
        status: 'succeeded',
        result: evaluation.result,
        message: evaluation.message,
        details: { kind: 'evaluation', evaluation },
      }),
    async finished(outcome, last) {
      const status: KeptnStatus = outcome === 'cancelled' ? 'aborted' : 'succeeded';
      await send(
        sequenceFinished(run, subject, {
          triggeredId: sequenceId,
          status,
          result: last.result,
          message: last.message,
        }),
      );
    },
  };
}

function dynatraceListener(context: RemediationEventContext): RemediationListener {
  const settings = dynatraceSettingsOf(context.config.providers);
  // Registered before anything is sent: a refused request may echo the token back.
  context.redactor.add(context.env[dynatraceEnvNames(settings).tokenEnv]?.trim());
  const problem = describeProblem(context.problem);
  const send = async (type: DynatraceEventType, title: string, properties: Record<string, string>) => {
    const link = ciJobLink(context.env);
    const { project, stage, service } = context.subject;
    const body = buildDynatraceEvent({
      type,
      title,
      ...(context.config.events.dynatrace?.entitySelector === undefined
        ? {}
        : { entitySelector: context.config.events.dynatrace.entitySelector }),
      target: { project, stage, service },
      ...(link === undefined ? {} : { link }),
      properties: {
        ...properties,
        problemTitle: context.problem.title,
        ...(context.problemKey === undefined ? {} : { problemId: context.problemKey }),
      },
    });
    await sendDynatraceEvent(body, {
      ...(settings === undefined ? {} : { settings }),
      env: context.env,
      redactor: context.redactor,
      logger: context.logger,
      ...(context.caFile === undefined ? {} : { caFile: context.caFile }),
    });
    context.logger.info(`sent ${type} "${title}" to Dynatrace`);
  };
  return {
    actionFinished: (action, index, ran) =>
      send(
        'CUSTOM_CONFIGURATION',
        `Remediation action ${describeAction(action)} for ${problem}: ${ran.result}`,
        {
          action: action.action,
          actionName: action.name,
          actionIndex: String(index),
          result: ran.result,
          message: ran.message,
        },
      ),
    finished: (outcome, last) =>
      send('CUSTOM_INFO', `Remediation of ${problem}: ${outcome}`, {
        outcome,
        result: last.result,
        message: last.message,
        ...(last.evaluationId === null ? {} : { evaluationId: last.evaluationId }),
      }),
  };
}

/** One listener calling each in order; a listener's failure is a warning, never the loop's end. */
export function combineRemediationListeners(
  logger: Logger,
  redactor: Redactor,
  listeners: readonly RemediationListener[],
): RemediationListener {
  const each = async (call: (listener: RemediationListener) => Promise<void> | void): Promise<void> => {
    for (const listener of listeners) {
      try {
        await call(listener);
      } catch (error) {
        logger.warn(
          redactor.redact(
            `an event of the remediation was not sent (it goes on): ${(error as Error).message}`,
          ),
        );
      }
    }
  };
  return {
    started: () => each((l) => l.started?.()),
    actionChosen: (choice, index) => each((l) => l.actionChosen?.(choice, index)),
    actionStarted: (action, index) => each((l) => l.actionStarted?.(action, index)),
    actionFinished: (action, index, ran) => each((l) => l.actionFinished?.(action, index, ran)),
    evaluationStarted: (window) => each((l) => l.evaluationStarted?.(window)),
    evaluated: (evaluation) => each((l) => l.evaluated?.(evaluation)),
    finished: (outcome, last) => each((l) => l.finished?.(outcome, last)),
  };
}
