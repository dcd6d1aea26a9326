/**
 * Keptn shipyards (`shipyard.yaml`, spec.keptn.sh/0.2.x and legacy 0.1): loading with
 * file:line:col diagnostics, and the plan of a stage's sequence (pure, no execution).
 */

export { loadShipyardFile, parseShipyard, validateShipyardFile } from './shipyard-file.js';
export type { ShipyardLoadResult } from './shipyard-file.js';
export {
  DEFAULT_SEQUENCE,
  findSequence,
  findStage,
  planSequence,
  sequencesOf,
  sequencesTriggeredBy,
  stagesTriggeredBy,
} from './sequence-plan.js';
export type { FinishedSequence, PlanRequest, SequencePlan, SequenceRef } from './sequence-plan.js';
export { APPROVAL_MODES, DEPLOYMENT_STRATEGIES, SEQUENCE_RESULTS } from './types.js';
export type {
  ApprovalMode,
  DeploymentStrategy,
  SequenceResult,
  SequenceTrigger,
  Shipyard,
  ShipyardSequence,
  ShipyardStage,
  ShipyardTask,
  TriggerMatch,
} from './types.js';
