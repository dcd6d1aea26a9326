/** Keptn-style CloudEvents of stage runs, and the sinks they go to (DESIGN.md section 7). */
export { createCloudEventRun, DEFAULT_SOURCE } from './cloudevent-run.js';
export type { CloudEventRunOptions } from './cloudevent-run.js';
export {
  sequenceTriggered,
  sequenceFinished,
  taskTriggered,
  taskStarted,
  taskFinished,
} from './build-events.js';
export { evaluationProperty, finishedTaskProperty } from './task-data.js';
export { openCloudEventSink, DEFAULT_SINK_TIMEOUT_SECONDS } from './open-sink.js';
export type { CloudEventSinkDependencies } from './open-sink.js';
export { FileCloudEventSink } from './file-sink.js';
export type { FileCloudEventSinkOptions } from './file-sink.js';
export { HttpCloudEventSink, CLOUDEVENTS_CONTENT_TYPE } from './http-sink.js';
export type { HttpCloudEventSinkOptions } from './http-sink.js';
export type { CloudEventSink, SinkDelivery } from './sink.js';
export { KEPTN_SPEC_VERSION } from './types.js';
export type {
  CloudEventRun,
  CloudEventSubject,
  TaskFinishedInput,
  KeptnCloudEvent,
  KeptnEventData,
  KeptnResult,
  KeptnStatus,
  CloudEventOutcome,
  TaskEventDetails,
  TaskTriggeredInput,
} from './types.js';
