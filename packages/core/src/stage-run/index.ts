/** Stage runs from the shipyard (DESIGN.md section 6): `trigger-deployment` without the CLI. */
export { runStage, planStage, loadStageSetup, taskSetting, DEFAULT_TASK_RUNNERS } from './run-stage.js';
export type {
  RunnerFactory,
  StagePlan,
  StageRunDependencies,
  StageRunOutcome,
  StageRunRequest,
  StageSetup,
} from './run-stage.js';
export { runSequence, sequenceResult } from './run-sequence.js';
export type { SequenceRunDependencies, SequenceRunInput, StageRunListener } from './run-sequence.js';
export { checkTriggeredOn } from './triggered-on.js';
export type { TriggerCheck, TriggerCheckRequest } from './triggered-on.js';
export { createRunnerFactory } from './runners/create-runners.js';
export type { RunnerOptions } from './runners/create-runners.js';
export type { ApprovalRecord } from './runners/approval-runner.js';
export type { DeploymentRecord } from './runners/release-manifest.js';
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
