/**
 * JMeter as the shipyard's `test` task runs it: the run (non-GUI, argv only, timeout and
 * cancel), its properties, and its verdict and evaluation window. docs/jmeter.md. The
 * workloads it runs come from config/jmeter (jmeter.conf.yaml).
 */
export { keptnLoadTestName } from './jmeter-properties.js';
export type { JmeterTestContext } from './jmeter-properties.js';
export type { JmeterTestRequest } from './jmeter-plan.js';
export type { JmeterTestReason } from './jmeter-verdict.js';
export { runJmeterTest } from './run-jmeter-test.js';
export type { JmeterTestResult } from './run-jmeter-test.js';
