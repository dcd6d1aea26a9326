/**
 * The shipyard as ci-connect uses it: Keptn's spec.keptn.sh/0.2 model (keptn-spec.md 3.1), with
 * the properties of the tasks ci-connect runs itself already checked and typed. A legacy 0.1
 * file is converted to this model when it is loaded.
 */

/** The result of a task or sequence, as Keptn's events carried it. */
export type SequenceResult = 'pass' | 'warning' | 'fail';

export const SEQUENCE_RESULTS: readonly SequenceResult[] = ['pass', 'warning', 'fail'];

/** Keptn's deployment strategies (go-utils: `duplicate` is another name for blue_green_service). */
export type DeploymentStrategy = 'direct' | 'blue_green_service' | 'user_managed';

export const DEPLOYMENT_STRATEGIES: readonly DeploymentStrategy[] = [
  'direct',
  'blue_green_service',
  'user_managed',
];

export type ApprovalMode = 'automatic' | 'manual';

export const APPROVAL_MODES: readonly ApprovalMode[] = ['automatic', 'manual'];

/** A loaded, valid shipyard. */
export interface Shipyard {
  /** The file it was read from, as the user named it. */
  file: string;
  /** As written; a converted legacy file says `spec.keptn.sh/0.2.0`, as Keptn's converter wrote. */
  apiVersion: string;
  /** metadata.name, or '' when there is none. */
  name: string;
  /** True when the file was a legacy 0.1 shipyard, converted when loaded. */
  legacy: boolean;
  /** In promotion order. */
  stages: readonly ShipyardStage[];
}

export interface ShipyardStage {
  name: string;
  /** As written; the implicit `evaluation` sequence is not listed (see findSequence). */
  sequences: readonly ShipyardSequence[];
}

export interface ShipyardSequence {
  name: string;
  triggeredOn: readonly SequenceTrigger[];
  tasks: readonly ShipyardTask[];
}

/** A `triggeredOn` entry: the sequence whose end starts this one, and on which results. */
export interface SequenceTrigger {
  /** As written, e.g. `dev.delivery.finished`. */
  event: string;
  stage: string;
  sequence: string;
  /** Any one of these starts the sequence (Keptn: no selector means pass or warning). */
  matches: readonly TriggerMatch[];
}

/**
 * One condition of a selector: the triggering sequence ended with `result`; with `task`, only
 * when that task was the last one it ran (`evaluation.result: fail`).
 */
export interface TriggerMatch {
  result: SequenceResult;
  task?: string;
}

export interface ShipyardTask {
  name: string;
  /** The properties as written; Keptn passed them to the task, and so do custom runners. */
  properties: Readonly<Record<string, unknown>>;
  /** `triggeredAfter`: wait this long before starting the task, in milliseconds. */
  triggeredAfterMs?: number;
  /** deployment tasks: `deploymentstrategy` (`duplicate` read as blue_green_service). */
  deploymentStrategy?: DeploymentStrategy;
  /** test tasks: `teststrategy`, the workload (jmeter/<teststrategy>.jmx). */
  testStrategy?: string;
  /** evaluation tasks: `timeframe` as written (e.g. `5m`), the length of the evaluation window. */
  timeframe?: string;
  /** approval tasks: how a pass and a warning are approved (missing means manual, as Keptn did). */
  approval?: { pass: ApprovalMode; warning: ApprovalMode };
}
