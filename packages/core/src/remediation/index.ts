/**
 * Remediation: Keptn remediation files (`remediation.yaml`, spec.keptn.sh/0.1.4) with
 * file:line:col diagnostics, the problem to remediate (payloads, problem types, Dynatrace's
 * Problems API v2), and Keptn's choice of the next action.
 */

export {
  REMEDIATION_API_VERSION,
  loadRemediationFile,
  parseRemediation,
  validateRemediationFile,
} from './remediation-file.js';
export type { RemediationLoadOptions, RemediationLoadResult } from './remediation-file.js';
export { BUILT_IN_ACTIONS, noActionRunnerHint, runnableActionNames } from './runnable-actions.js';
export { chooseAction } from './select-action.js';
export { describeAction } from './run-remediation.js';
export { problemFromEventFile, problemFromType, problemKey } from './problem-input.js';
export { COMMENT_CONTEXT, createDynatraceProblems } from './dynatrace-problems.js';
export type { DynatraceProblems, DynatraceProblemsOptions } from './dynatrace-problems.js';
export type {
  ActionChoice,
  Problem,
  ProblemEntity,
  Remediation,
  RemediationAction,
  RemediationFile,
} from './types.js';
