/** Stage runs from the shipyard (DESIGN.md section 6): `trigger-deployment` without the CLI. */
export type { StagePlan, StageRunRequest, StageSetup } from './run-stage.js';
export type { PromotePlan, PromoteRequest } from './promote.js';
export type { PreflightProblem, PreflightReport } from './preflight.js';
export type { SequenceRunInput, StageRunListener } from './run-sequence.js';
export type { TriggerCheck } from './triggered-on.js';
export type { ApprovalRecord } from './runners/approval-runner.js';
export type { DeploymentRecord } from './runners/release-manifest.js';
export type { SequenceRunRecord, TaskContext, TaskPlan, TaskResult, TaskStatus } from './types.js';
