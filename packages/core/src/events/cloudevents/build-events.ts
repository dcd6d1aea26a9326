/**
 * Builds the Keptn CloudEvents of a sequence run (keptn-spec.md section 5): the sequence's
 * `sh.keptn.event.<stage>.<sequence>.{triggered,finished}` and each task's
 * `sh.keptn.event.<task>.{triggered,started,finished}`. Pure: ids and times come from the run.
 * As in Keptn, every event of a run shares its `shkeptncontext`, and a `.started` or `.finished`
 * names the `.triggered` it answers in `triggeredid`.
 */

import { InternalError, UsageError } from '../../errors.js';
import { EVENT_PART_NAME } from '../../shipyard/names.js';
import { finishedTaskProperty } from './task-data.js';
import { KEPTN_SPEC_VERSION } from './types.js';
import type {
  CloudEventRun,
  CloudEventSubject,
  TaskFinishedInput,
  KeptnCloudEvent,
  KeptnEventData,
  CloudEventOutcome,
  TaskTriggeredInput,
} from './types.js';

const EVENT_PREFIX = 'sh.keptn.event';

/** Keys of Keptn's common `data`: a task of one of these names would overwrite them. */
const COMMON_DATA_KEYS: ReadonlySet<string> = new Set([
  'project',
  'stage',
  'service',
  'labels',
  'status',
  'result',
  'message',
]);

/**
 * `sh.keptn.event.<stage>.<sequence>.triggered`. `payload` adds Keptn trigger data beyond the
 * common fields (e.g. `configurationChange`); it cannot replace them.
 */
export function sequenceTriggered(
  run: CloudEventRun,
  subject: CloudEventSubject,
  payload: Readonly<Record<string, unknown>> = {},
): KeptnCloudEvent {
  return envelope(run, subject, sequenceType(subject, 'triggered'), { ...payload, ...commonData(subject) });
}

/** `sh.keptn.event.<stage>.<sequence>.finished`, with the result and status of its last task. */
export function sequenceFinished(
  run: CloudEventRun,
  subject: CloudEventSubject,
  outcome: CloudEventOutcome,
): KeptnCloudEvent {
  return envelope(
    run,
    subject,
    sequenceType(subject, 'finished'),
    { ...commonData(subject), ...outcomeData(outcome) },
    outcome.triggeredId,
  );
}

/** `sh.keptn.event.<task>.triggered`, carrying the task's shipyard properties as `data.<task>`. */
export function taskTriggered(
  run: CloudEventRun,
  subject: CloudEventSubject,
  task: TaskTriggeredInput,
): KeptnCloudEvent {
  const data: KeptnEventData = { ...task.payload, ...commonData(subject) };
  if (task.properties !== undefined && Object.keys(task.properties).length > 0) {
    data[taskProperty(task.task)] = { ...task.properties };
  }
  return envelope(run, subject, taskType(task.task, 'triggered'), data);
}

/** `sh.keptn.event.<task>.started`, answering the task's `.triggered`. */
export function taskStarted(
  run: CloudEventRun,
  subject: CloudEventSubject,
  task: { task: string; triggeredId: string },
): KeptnCloudEvent {
  const data: KeptnEventData = { ...commonData(subject), status: 'succeeded' };
  return envelope(run, subject, taskType(task.task, 'started'), data, task.triggeredId);
}

/**
 * `sh.keptn.event.<task>.finished` with the outcome and, when given, what the task did as
 * `data.<task>`. An evaluation's event takes the evaluation's id, so that `comparedEvents`
 * (ids of earlier evaluations) name earlier `evaluation.finished` events, as in Keptn.
 */
export function taskFinished(
  run: CloudEventRun,
  subject: CloudEventSubject,
  finished: TaskFinishedInput,
): KeptnCloudEvent {
  const data: KeptnEventData = { ...commonData(subject), ...outcomeData(finished) };
  if (finished.details !== undefined) {
    data[taskProperty(finished.task)] = finishedTaskProperty(finished.details);
  }
  const id = finished.details?.kind === 'evaluation' ? finished.details.evaluation.id : undefined;
  return envelope(run, subject, taskType(finished.task, 'finished'), data, finished.triggeredId, id);
}

function envelope(
  run: CloudEventRun,
  subject: CloudEventSubject,
  type: string,
  data: KeptnEventData,
  triggeredId?: string,
  id: string = run.newId(),
): KeptnCloudEvent {
  return {
    specversion: '1.0',
    id,
    source: run.source,
    type,
    time: run.clock.now().toISOString(),
    datacontenttype: 'application/json',
    shkeptncontext: run.keptnContext,
    ...(triggeredId === undefined ? {} : { triggeredid: triggeredId }),
    shkeptnspecversion: KEPTN_SPEC_VERSION,
    ...(subject.gitCommit === undefined ? {} : { gitcommitid: subject.gitCommit }),
    data,
  };
}

function commonData(subject: CloudEventSubject): KeptnEventData {
  return {
    project: subject.project,
    stage: subject.stage,
    service: subject.service,
    labels: { ...subject.labels },
  };
}

function outcomeData(outcome: CloudEventOutcome): Pick<KeptnEventData, 'status' | 'result' | 'message'> {
  return { status: outcome.status, result: outcome.result, message: outcome.message };
}

function sequenceType(subject: CloudEventSubject, kind: 'triggered' | 'finished'): string {
  return `${EVENT_PREFIX}.${typePart(subject.stage, 'stage')}.${typePart(subject.sequence, 'sequence')}.${kind}`;
}

function taskType(task: string, kind: 'triggered' | 'started' | 'finished'): string {
  return `${EVENT_PREFIX}.${typePart(task, 'task')}.${kind}`;
}

/** A name with a dot would change the type's number of parts, and receivers parse by parts. */
function typePart(name: string, what: 'stage' | 'sequence' | 'task'): string {
  if (EVENT_PART_NAME.test(name)) return name;
  // The shipyard loader refuses such names, so reaching this is a bug in the caller.
  throw new InternalError(`${JSON.stringify(name)} cannot be part of a CloudEvent type (${what} name)`);
}

function taskProperty(task: string): string {
  if (!COMMON_DATA_KEYS.has(task)) return task;
  throw new UsageError(
    `the task name "${task}" cannot be used with CloudEvents: its data would replace Keptn's data.${task}`,
    { hint: `rename the task in shipyard.yaml (and its runner in ci-connect.yaml tasks:)` },
  );
}
