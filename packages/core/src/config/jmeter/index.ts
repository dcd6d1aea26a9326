/**
 * jmeter/jmeter.conf.yaml, the workloads of the shipyard's `test` task: the file, its workload
 * model with jmeter-service's defaults, and which JMeter properties a workload may set.
 * docs/jmeter.md. Running JMeter is tools/jmeter's job.
 */
export { loadJmeterConf, parseJmeterConf } from './jmeter-conf.js';
export type { JmeterConfLoadResult } from './jmeter-conf.js';
export type { JmeterConf, JmeterWorkload } from './jmeter-workload.js';
