/**
 * The JMeter property names (`-Jname=value`) a workload in jmeter.conf.yaml may set: not the
 * ones ci-connect sets itself (named as Keptn's jmeter-service passed them), and no secret.
 */

import { isSecretKey } from '../secrets.js';

/** Properties ci-connect sets itself; a workload or caller may not set them too. */
const RUNNER_PROPERTIES = [
  'PROTOCOL',
  'SERVER_PROTOCOL',
  'SERVER_URL',
  'SERVER_PORT',
  'CHECK_PATH',
  'DT_LTN',
  'VUCount',
  'LoopCount',
  'ThinkTime',
  'KEPTN_PROJECT',
  'KEPTN_STAGE',
  'KEPTN_SERVICE',
  'KEPTN_TESTSTRATEGY',
] as const;

/** The prefix of JMeter's results-file settings, which ci-connect sets itself (RESULTS_FORMAT_PROPERTIES). */
export const SAVE_SERVICE_PREFIX = 'jmeter.save.saveservice.';

/** Why a property name cannot be used, or undefined when it can. */
export function checkPropertyName(name: string): { message: string; hint: string } | undefined {
  if (name === '' || /[\s=]/.test(name) || name.startsWith('-')) {
    return {
      message: `${JSON.stringify(name)} is not a JMeter property name`,
      hint: 'use letters, digits, dots and underscores, with no spaces or "="',
    };
  }
  if ((RUNNER_PROPERTIES as readonly string[]).includes(name) || name.startsWith(SAVE_SERVICE_PREFIX)) {
    return {
      message: `${name} is set by ci-connect and cannot be set here`,
      hint: name.startsWith(SAVE_SERVICE_PREFIX)
        ? 'ci-connect writes the results as CSV with a header line; the JTL reader depends on it'
        : 'VUCount, LoopCount and ThinkTime come from vuser, loopcount and thinktime; the target from the test URL',
    };
  }
  if (isSecretKey(name)) {
    return {
      message: `${name} names a secret, and properties are passed on JMeter's command line, which every process on the machine can read and ci-connect prints`,
      hint: `let the plan read it from the environment, e.g. \${__BeanShell(System.getenv("${name}"))}`,
    };
  }
  return undefined;
}
