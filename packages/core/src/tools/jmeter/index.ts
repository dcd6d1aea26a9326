/**
 * The JMeter test runner of the shipyard's `test` task: jmeter.conf.yaml workloads, the run
 * (non-GUI, argv only, timeout and cancel) and its verdict and evaluation window. docs/jmeter.md.
 */
export { loadJmeterConf, parseJmeterConf } from './jmeter-conf.js';
export type { JmeterConfLoadResult } from './jmeter-conf.js';
export { FUNCTIONAL_STRATEGY, defaultScript, normaliseStrategy, resolveWorkload } from './jmeter-workload.js';
export type {
  ConfWorkload,
  JmeterConf,
  JmeterWorkload,
  ResolvedWorkload,
  WorkloadOrigin,
} from './jmeter-workload.js';
export {
  RESULTS_FORMAT_PROPERTIES,
  RUNNER_PROPERTIES,
  checkPropertyName,
  keptnLoadTestName,
  targetProperties,
} from './jmeter-properties.js';
export type { JmeterTestContext } from './jmeter-properties.js';
export { planJmeterTest } from './jmeter-plan.js';
export type { JmeterTestPlan, JmeterTestRequest } from './jmeter-plan.js';
export { judgeJmeterRun } from './jmeter-verdict.js';
export type { JmeterTestReason, JmeterVerdict } from './jmeter-verdict.js';
export { runJmeterTest } from './run-jmeter-test.js';
export type { JmeterTestResult } from './run-jmeter-test.js';
