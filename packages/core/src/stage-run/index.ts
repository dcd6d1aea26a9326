/** Stage runs from the shipyard (DESIGN.md section 6): `trigger-deployment` without the CLI. */
export { runStage, planStage, loadStageSetup, taskSetting } from './run-stage.js';
export type {
  RunnerFactory,
  StagePlan,
  StageRunDependencies,
  StageRunOutcome,
  StageRunRequest,
  StageSetup,
} from './run-stage.js';
export { promote, planPromotion, findPromotionSource, sourceStage } from './promote.js';
export type {
  PromoteDependencies,
  PromoteOutcome,
  PromotePlan,
  PromoteRequest,
  PromotionQuery,
} from './promote.js';
export { runSequence, sequenceResult } from './run-sequence.js';
export type { SequenceRunDependencies, SequenceRunInput, StageRunListener } from './run-sequence.js';
export { combineListeners, createStageEventListener } from './stage-events.js';
export type { StageEventDependencies, StageEventOptions } from './stage-events.js';
export { checkTriggeredOn } from './triggered-on.js';
export type { TriggerCheck, TriggerCheckRequest } from './triggered-on.js';
export { createRunnerFactory } from './runners/create-runners.js';
export type { RunnerOptions } from './runners/create-runners.js';
export type { ApprovalRecord } from './runners/approval-runner.js';
export type { DeploymentRecord, PromotedRelease } from './runners/release-manifest.js';
export type {
  PlanContext,
  SequenceRunRecord,
  TaskContext,
  TaskOutcome,
  TaskPlan,
  TaskResult,
  TaskRunner,
  TaskStatus,
} from './types.js';
