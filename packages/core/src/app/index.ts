// The application layer: one function per use case, for every front end (DESIGN.md section 2).
export type { Host } from './host.js';
export { exitCodeFor, SIGNAL_EXIT_CODES, type Verdict } from './exit-code.js';
export { evaluate, type EvaluateCommand, type EvaluateResult } from './evaluate.js';
export {
  promoteRelease,
  triggerDeployment,
  type PlanResult,
  type PromotionResult,
  type StageRunOptions,
  type StageRunResult,
} from './stage-runs.js';
export { doctor, sendEvent, validate } from './checks.js';
export { report, DEFAULT_REPORT_EVALUATIONS, type ReportRequest, type ReportSummary } from './report.js';
export {
  commentOnMergeRequest,
  recentEvaluationsOfGate,
  DEFAULT_COMMENT_TOKEN_ENV,
  type CommentRequest,
  type CommentResult,
} from './comment.js';
export { listenForStopSignals } from './stop-signals.js';
export * from './history/index.js';
export {
  generatePipeline,
  type GeneratePipelineRequest,
  type GeneratePipelineResult,
} from './generate-pipeline.js';
export {
  migrateShipyard,
  type MigrateShipyardRequest,
  type MigrateShipyardResult,
} from './migrate-shipyard.js';
export {
  remediate,
  remediationExitCode,
  type ProblemSource,
  type RemediateRequest,
  type RemediationPlan,
  type RemediationRunResult,
} from './remediate.js';
export {
  isRemediationRecord,
  type RemediationActionRef,
  type RemediationProblemRef,
  type RemediationRecord,
  type RemediationStep,
} from '../remediation/remediation-record.js';
export type { ActionRun, RemediationListener, RemediationOutcome } from '../remediation/run-remediation.js';
