/**
 * A stage run as Keptn-style CloudEvents (keptn-spec.md section 5, docs/monitoring.md): per
 * sequence run `<stage>.<sequence>.triggered` first and `.finished` last, and per task
 * `<task>.triggered` + `.started` before it runs and `.finished` after, all with one
 * `shkeptncontext`. As Keptn's shipyard-controller did, each task's trigger carries what the
 * tasks before it reported (a test's trigger has the deployment's `data.deployment`).
 */

import type { Clock } from '../environment.js';
import { DEFAULT_MAX_FILE_BYTES } from '../config/read-config-file.js';
import {
  sequenceFinished,
  sequenceTriggered,
  taskFinished,
  taskStarted,
  taskTriggered,
} from '../events/cloudevents/build-events.js';
import { createCloudEventRun } from '../events/cloudevents/cloudevent-run.js';
import type { CloudEventSink } from '../events/cloudevents/sink.js';
import type {
  CloudEventRun,
  CloudEventSubject,
  KeptnStatus,
  TaskEventDetails,
} from '../events/cloudevents/types.js';
import { isEvaluationRecord } from '../history/evaluation-shape.js';
import { readRegularFile } from '../files/regular-file.js';
import type { ShipyardTask } from '../shipyard/types.js';
import type { SequenceRunInput, StageRunListener } from './run-sequence.js';
import { serviceFile } from './runners/service-file.js';
import type { TaskContext, TaskResult, TaskStatus } from './types.js';

export interface CloudEventListenerDependencies {
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  newId: () => string;
}

/** The events of one sequence run so far. */
interface RunEvents {
  run: CloudEventRun;
  subject: CloudEventSubject;
  /** The id of the sequence's `.triggered`. */
  triggeredId: string;
  /** The id of the running task's `.triggered`. */
  taskTriggeredId?: string;
  /** `data.<task>` of the finished tasks, handed to the next task's trigger. */
  reported: Record<string, unknown>;
}

/** Sends a stage run's CloudEvents to `sink` (which never throws). */
export function createCloudEventListener(
  sink: CloudEventSink,
  deps: CloudEventListenerDependencies,
): StageRunListener {
  const runs = new Map<string, RunEvents>();
  // A sequence the run before it started in the same job (a rollback) continues its context, as
  // in Keptn, so a subscriber sees the delivery and its rollback as one story.
  const contexts = new Map<string, string>();
  const eventsOf = (runId: string): RunEvents => {
    const events = runs.get(runId);
    if (events === undefined) throw new Error(`the CloudEvents of sequence run ${runId} were not started`);
    return events;
  };
  const send = async (event: Parameters<CloudEventSink['send']>[0]) => {
    await sink.send(event);
  };

  return {
    async sequenceStarted(input, runId) {
      const continued = input.triggeredByRun === undefined ? undefined : contexts.get(input.triggeredByRun);
      const run = createCloudEventRun({
        env: deps.env,
        clock: deps.clock,
        newId: deps.newId,
        ...(continued === undefined ? {} : { keptnContext: continued }),
      });
      const { project, stage, service, labels } = input.context;
      const subject: CloudEventSubject = { project, stage, service, sequence: input.sequence, labels };
      const event = sequenceTriggered(run, subject, configurationChange(input));
      runs.set(runId, { run, subject, triggeredId: event.id, reported: {} });
      contexts.set(runId, run.keptnContext);
      await send(event);
    },

    async taskStarted(task, _runner, context) {
      const events = eventsOf(context.runId);
      const triggered = taskTriggered(events.run, events.subject, {
        task: task.name,
        properties: task.properties,
        payload: events.reported,
      });
      events.taskTriggeredId = triggered.id;
      await send(triggered);
      await send(taskStarted(events.run, events.subject, { task: task.name, triggeredId: triggered.id }));
    },

    async taskFinished(task, result, context) {
      const events = eventsOf(context.runId);
      const triggeredId = events.taskTriggeredId;
      events.taskTriggeredId = undefined;
      const status = keptnStatus(result.status);
      // A manual approval without --approved-by waits, as Keptn's did: it has no `.finished` yet.
      if (triggeredId === undefined || status === undefined) return;
      // The commit a deployment recorded is the one the later tasks of the run are about.
      const gitCommit = text(result.details.gitCommit) ?? events.subject.gitCommit;
      const details = await taskEventDetails(task, result, context, gitCommit);
      const event = taskFinished(events.run, events.subject, {
        task: task.name,
        triggeredId,
        status,
        result: result.result,
        message: result.message,
        ...(details === undefined ? {} : { details }),
      });
      if (details !== undefined) events.reported[task.name] = event.data[task.name];
      if (gitCommit !== undefined) events.subject = { ...events.subject, gitCommit };
      await send(event);
    },

    async sequenceFinished(record) {
      const events = runs.get(record.id);
      runs.delete(record.id);
      const status = keptnStatus(record.status);
      // A waiting sequence has not finished: the job that approves it runs it again.
      if (events === undefined || status === undefined) return;
      await send(
        sequenceFinished(events.run, events.subject, {
          triggeredId: events.triggeredId,
          status,
          result: record.result,
          message: record.message,
        }),
      );
    },
  };
}

/** Keptn's `configurationChange` of a delivery: the chart values ci-connect sets. */
function configurationChange(input: SequenceRunInput): Record<string, unknown> {
  const { image, version } = input.context;
  return { configurationChange: { values: { ...(image === undefined ? {} : { image }), version } } };
}

function keptnStatus(status: TaskStatus): KeptnStatus | undefined {
  return status === 'waiting' ? undefined : status;
}

/** `data.<task>` of a `.finished`, in Keptn's shape for the task names Keptn gave a meaning. */
async function taskEventDetails(
  task: ShipyardTask,
  result: TaskResult,
  context: TaskContext,
  gitCommit: string | undefined,
): Promise<TaskEventDetails | undefined> {
  const { details } = result;
  const commit = gitCommit === undefined ? {} : { gitCommit };
  switch (task.name) {
    case 'deployment': {
      const strategy = text(details.strategy) ?? task.deploymentStrategy;
      const release = text(details.release);
      if (strategy === undefined) break;
      return {
        kind: 'deployment',
        deploymentStrategy: strategy,
        deploymentNames: release === undefined ? [] : [release],
        deploymentURIsLocal: [],
        ...commit,
      };
    }
    case 'test':
      // A test run by a command reports no window of its own: the task's run time is its window.
      return {
        kind: 'test',
        start: text(details.start) ?? result.startedAt,
        end: text(details.end) ?? result.finishedAt,
        ...commit,
      };
    case 'evaluation': {
      const evaluationId = text(details.evaluationId);
      const record = evaluationId === undefined ? undefined : await context.history.get(evaluationId);
      if (record === undefined || !isEvaluationRecord(record)) break;
      // Optional in the event: a file the guard refuses is left out, like a missing one.
      const slo = await readRegularFile(serviceFile(context, 'slo.yaml'), {
        maxBytes: DEFAULT_MAX_FILE_BYTES,
      }).then(
        (buffer) => buffer.toString('utf8'),
        () => undefined,
      );
      return {
        kind: 'evaluation',
        evaluation: record,
        ...(slo === undefined ? {} : { sloFileContent: slo }),
      };
    }
    case 'approval': {
      const approvedBy = text(details.approvedBy);
      return {
        kind: 'approval',
        pass: task.approval?.pass ?? 'manual',
        warning: task.approval?.warning ?? 'manual',
        ...(approvedBy === undefined ? {} : { approvedBy }),
      };
    }
    case 'release':
      return { kind: 'release', ...commit };
    case 'rollback':
      // Keptn's rollback events carry the common data only.
      return undefined;
  }
  return Object.keys(details).length === 0 ? undefined : { kind: 'custom', data: details };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
