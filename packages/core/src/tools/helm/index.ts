/** The Helm runner: Keptn's deployment strategies for the tasks deployment, release and rollback. */
export { HelmRunner } from './helm-runner.js';
export type { HelmRunnerOptions } from './helm-runner.js';
export { planHelm } from './plan.js';
export type { HelmPlan } from './plan.js';
export { decideHelmStep, planReads } from './decide.js';
export type { HelmDecision, HelmKnownState, HelmRevision } from './decide.js';
export { DEFAULT_HELM_TIMEOUT_SECONDS } from './helm-argv.js';
export { resolveHelmNames, colorReleaseName } from './naming.js';
export type { HelmNames } from './naming.js';
export type { BlueGreenColor, BlueGreenState, HelmAction, HelmStepResult, HelmTarget } from './types.js';
