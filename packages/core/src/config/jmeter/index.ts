/**
 * jmeter/jmeter.conf.yaml, the workloads of the shipyard's `test` task: the file, its workload
 * model with jmeter-service's defaults, and which JMeter properties a workload may set.
 * docs/jmeter.md. Running JMeter is tools/jmeter's job.
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
export { RUNNER_PROPERTIES, checkPropertyName } from './property-names.js';
