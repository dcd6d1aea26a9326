/** Events for other tools: Dynatrace Events API v2 and Keptn-style CloudEvents (DESIGN.md section 7). */
export { ciJobLink } from './ci-link.js';
export type { CiJobLink, CiName } from './ci-link.js';
export {
  buildDynatraceEvent,
  defaultEventTitle,
  DEFAULT_ENTITY_SELECTOR,
  DYNATRACE_EVENT_TYPES,
} from './dynatrace-event.js';
export type {
  DynatraceEvent,
  DynatraceEventRequest,
  DynatraceEventType,
  EventTarget,
} from './dynatrace-event.js';
export { sendDynatraceEvent, checkIngestReply } from './send-dynatrace-event.js';
export type { EventIngestOutcome, EventIngestResult, SendEventOptions } from './send-dynatrace-event.js';
export { runSendEvent } from './run-send-event.js';
export type { EventRecord, SendEventDependencies, SendEventRequest } from './run-send-event.js';
export { buildEvaluationEvent, reportEvaluationToDynatrace } from './evaluation-event.js';
export type { EvaluationEventOptions } from './evaluation-event.js';
export * from './cloudevents/index.js';
