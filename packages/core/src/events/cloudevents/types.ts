/**
 * Keptn-style CloudEvents (keptn-spec.md section 5): CloudEvents 1.0 in structured JSON, with
 * Keptn's extensions, and the inputs the builders take. The inputs are small on purpose: the
 * stage runner fills them from whatever it ran, and nothing here knows how tasks run.
 * https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */

import type { Clock } from '../../environment.js';
import type { EvaluationRecord } from '../../gate/types.js';

/** The Keptn spec version the events follow (keptn/spec tag 0.2.4). */
export const KEPTN_SPEC_VERSION = '0.2.4';

/** How a task or sequence ended (go-utils also has `unknown`, which ci-connect never sends). */
export type KeptnStatus = 'succeeded' | 'errored' | 'aborted';

/** The verdict of a task or sequence. */
export type KeptnResult = 'pass' | 'warning' | 'fail';

/** The `data` every Keptn event carries; the task's own property is named after the task. */
export interface KeptnEventData {
  project: string;
  stage: string;
  service: string;
  labels: Record<string, string>;
  status?: KeptnStatus;
  result?: KeptnResult;
  message?: string;
  [taskProperty: string]: unknown;
}

/** One event, exactly as written to a sink (CloudEvents structured mode). */
export interface KeptnCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  /** `sh.keptn.event.<task>.<kind>` or `sh.keptn.event.<stage>.<sequence>.<kind>`. */
  type: string;
  time: string;
  datacontenttype: 'application/json';
  /** One id per sequence run, shared by all of its events. */
  shkeptncontext: string;
  /** The id of the `.triggered` event this `.started` or `.finished` answers. */
  triggeredid?: string;
  shkeptnspecversion: typeof KEPTN_SPEC_VERSION;
  /** The commit the run is about, when known. */
  gitcommitid?: string;
  data: KeptnEventData;
}

/** What one sequence run's events share: its context id, their source, and how ids and times are made. */
export interface CloudEventRun {
  keptnContext: string;
  source: string;
  clock: Clock;
  newId: () => string;
}

/** Who the events of a sequence run are about. */
export interface CloudEventSubject {
  project: string;
  stage: string;
  service: string;
  sequence: string;
  labels: Readonly<Record<string, string>>;
  /** Sent as the `gitcommitid` extension. */
  gitCommit?: string;
}

/** How a task or sequence ended. */
export interface CloudEventOutcome {
  /** The id of the `.triggered` event that started it. */
  triggeredId: string;
  status: KeptnStatus;
  result: KeptnResult;
  message: string;
}

/** A task that is about to run, with its shipyard `properties` (Keptn sent them as `data.<task>`). */
export interface TaskTriggeredInput {
  task: string;
  properties?: Readonly<Record<string, unknown>>;
  /**
   * What earlier tasks reported, as Keptn merged it into the next task's trigger (e.g. the
   * `deployment` for a test); it cannot replace the common fields or the task's properties.
   */
  payload?: Readonly<Record<string, unknown>>;
}

/** What a finished task reports about itself, by the kind of work it did. */
export type TaskEventDetails =
  | {
      kind: 'deployment';
      deploymentStrategy: string;
      deploymentNames: readonly string[];
      deploymentURIsLocal: readonly string[];
      deploymentURIsPublic?: readonly string[];
      gitCommit?: string;
    }
  | { kind: 'test'; start: string; end: string; gitCommit?: string }
  | {
      kind: 'evaluation';
      evaluation: EvaluationRecord;
      /** The SLO file's text; sent base64-encoded, as Keptn's lighthouse did. */
      sloFileContent?: string;
      gitCommit?: string;
    }
  | { kind: 'approval'; pass: string; warning: string; approvedBy?: string }
  | { kind: 'release'; gitCommit?: string }
  /** Any other task (a command runner): sent as it is. */
  | { kind: 'custom'; data: Readonly<Record<string, unknown>> };

/** A finished task: its outcome and, optionally, what it did. */
export interface TaskFinishedInput extends CloudEventOutcome {
  task: string;
  details?: TaskEventDetails;
}
