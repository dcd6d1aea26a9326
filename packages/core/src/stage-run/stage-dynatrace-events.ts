/**
 * A stage run's Dynatrace events (DESIGN.md section 7), as Keptn's dynatrace-service sent them:
 * CUSTOM_DEPLOYMENT after a successful deployment (with the release-inventory properties), and a
 * CUSTOM_ANNOTATION when a test starts and when it ends, so the load shows on the service's
 * charts. The evaluation's CUSTOM_INFO is sent by the gate itself (runEvaluation).
 * Each event is sent once (never retried, see send-dynatrace-event.ts); a failure is a warning.
 */

import type { DynatraceSettings } from '../providers/dynatrace/dynatrace-settings.js';
import type { Logger } from '../environment.js';
import { CiConnectError, InternalError } from '../errors.js';
import { ciJobLink } from '../events/ci-link.js';
import { buildDynatraceEvent, type DynatraceEventType } from '../events/dynatrace-event.js';
import { sendDynatraceEvent } from '../events/send-dynatrace-event.js';
import type { Redactor } from '../redaction/redaction.js';
import type { ShipyardTask } from '../shipyard/types.js';
import type { StageRunListener } from './run-sequence.js';
import type { TaskContext, TaskResult } from './types.js';

export interface DynatraceStageListenerOptions {
  settings?: DynatraceSettings;
  /** `events.dynatrace.entitySelector`; the default attaches to the service's tagged entities. */
  entitySelector?: string;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  redactor: Redactor;
  caFile?: string;
}

/** What to send: the event's type, title and the properties beyond the run's identity. */
interface StageEvent {
  type: DynatraceEventType;
  title: string;
  properties: Record<string, string | undefined>;
}

/** Sends CUSTOM_DEPLOYMENT and the test annotations of a stage run. */
export function createDynatraceStageListener(options: DynatraceStageListenerOptions): StageRunListener {
  const report = (event: StageEvent, context: TaskContext) => sendStageEvent(event, context, options);
  return {
    async taskStarted(task, runner, context) {
      if (!isTest(task, runner)) return;
      await report(
        {
          type: 'CUSTOM_ANNOTATION',
          title: `${testName(task, runner, context)} started`,
          properties: { ...runProperties(task, context), testStrategy: task.testStrategy },
        },
        context,
      );
    },

    async taskFinished(task, result, context) {
      if (isTest(task, result.runner)) {
        await report(testFinished(task, result, context), context);
      } else if (task.name === 'deployment' && result.status === 'succeeded' && result.result !== 'fail') {
        await report(deploymentFinished(task, result, context), context);
      }
    },
  };
}

/** Keptn's `test` task, or any task run by JMeter (a `tasks:` name for a second load test). */
function isTest(task: ShipyardTask, runner: string): boolean {
  return task.name === 'test' || runner === 'jmeter';
}

/** "Load test performance of carts 1.4.2" */
function testName(task: ShipyardTask, runner: string, context: TaskContext): string {
  const what = runner === 'jmeter' ? 'Load test' : 'Test';
  const strategy = task.testStrategy === undefined ? '' : ` ${task.testStrategy}`;
  return `${what}${strategy} of ${context.service} ${context.version}`;
}

function testFinished(task: ShipyardTask, result: TaskResult, context: TaskContext): StageEvent {
  const { samples, errorRate, start, end } = result.details;
  const verdict = result.status === 'succeeded' ? result.result : result.status;
  return {
    type: 'CUSTOM_ANNOTATION',
    title:
      `${testName(task, result.runner, context)} finished: ${verdict}` +
      (typeof samples === 'number' ? `, ${samples} samples` : ''),
    properties: {
      ...runProperties(task, context),
      testStrategy: task.testStrategy,
      result: result.result,
      status: result.status,
      testStart: typeof start === 'string' ? start : result.startedAt,
      testEnd: typeof end === 'string' ? end : result.finishedAt,
      samples: typeof samples === 'number' ? String(samples) : undefined,
      errorRate: typeof errorRate === 'number' ? String(errorRate) : undefined,
    },
  };
}

function deploymentFinished(task: ShipyardTask, result: TaskResult, context: TaskContext): StageEvent {
  const { strategy, release, namespace, revision, deploymentId, gitCommit } = result.details;
  return {
    type: 'CUSTOM_DEPLOYMENT',
    title: `Deployment of ${context.service} ${context.version} to ${context.stage}`,
    properties: {
      ...runProperties(task, context),
      image: context.image,
      deploymentStrategy: typeof strategy === 'string' ? strategy : task.deploymentStrategy,
      helmRelease: typeof release === 'string' ? release : undefined,
      namespace: typeof namespace === 'string' ? namespace : undefined,
      helmRevision: typeof revision === 'number' ? String(revision) : undefined,
      deploymentId: typeof deploymentId === 'string' ? deploymentId : undefined,
      gitCommit: typeof gitCommit === 'string' ? gitCommit : undefined,
    },
  };
}

function runProperties(task: ShipyardTask, context: TaskContext): Record<string, string> {
  return {
    sequence: context.sequence,
    sequenceRunId: context.runId,
    task: task.name,
    ...Object.fromEntries(Object.entries(context.labels).map(([key, value]) => [`label.${key}`, value])),
  };
}

/** Sends one event; a failure to report is logged, never thrown (bugs excepted). */
async function sendStageEvent(
  event: StageEvent,
  context: TaskContext,
  options: DynatraceStageListenerOptions,
): Promise<void> {
  const { logger, redactor } = options;
  try {
    const link = ciJobLink(options.env);
    const body = buildDynatraceEvent({
      type: event.type,
      title: event.title,
      ...(options.entitySelector === undefined ? {} : { entitySelector: options.entitySelector }),
      target: {
        project: context.project,
        stage: context.stage,
        service: context.service,
        version: context.version,
      },
      ...(link === undefined ? {} : { link }),
      properties: definedOnly(event.properties),
    });
    const outcome = await sendDynatraceEvent(body, {
      ...(options.settings === undefined ? {} : { settings: options.settings }),
      env: options.env,
      redactor,
      logger,
      ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
    });
    const ids = outcome.results.flatMap((r) =>
      r.status === 'OK' && r.correlationId ? [r.correlationId] : [],
    );
    logger.info(
      `sent ${event.type} "${event.title}" to Dynatrace` +
        (ids.length === 0 ? '' : ` (correlation id ${ids.join(', ')})`),
    );
  } catch (error) {
    if (!(error instanceof CiConnectError) || error instanceof InternalError) throw error;
    const { message, hint } = error;
    logger.warn(
      redactor.redact(
        `${event.type} "${event.title}" was not sent to Dynatrace (the run goes on): ${message}` +
          (hint === undefined ? '' : ` (${hint})`),
      ),
    );
  }
}

function definedOnly(properties: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(properties).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
