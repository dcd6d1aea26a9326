/** The Helm runner: Keptn's deployment strategies for the tasks deployment, release and rollback. */
export { HelmRunner } from './helm-runner.js';
export type { HelmRunnerOptions } from './helm-runner.js';
export type { BlueGreenColor, BlueGreenState, HelmAction, HelmStepResult, HelmTarget } from './types.js';
