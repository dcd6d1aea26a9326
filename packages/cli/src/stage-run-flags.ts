/**
 * The flags `trigger-deployment` and `promote` share, and their mapping to core's request and
 * StageRunOptions. The wiring of runners and the exit code are core's (packages/core/src/app/stage-runs.ts).
 */

import * as Flags from '@oclif/core/flags';
import type { StageRunListener, StageRunOptions } from '@ci-connect/core';
import path from 'node:path';
import { parseLabels } from './parse-key-values.js';

/** The flags of a stage run besides the project, history, gate and CA flags. */
export const stageRunFlags = {
  image: Flags.string({
    description: 'the image to deploy (chart value image), e.g. registry/carts:1.4.2',
    env: 'CI_CONNECT_IMAGE',
  }),
  sequence: Flags.string({
    description: "the stage's sequence to run",
    env: 'CI_CONNECT_SEQUENCE',
    default: 'delivery',
  }),
  url: Flags.string({
    description: "the deployed service's URL, for the test task (JMeter's SERVER_URL, SERVER_PORT, PROTOCOL)",
    env: 'CI_CONNECT_URL',
  }),
  'approved-by': Flags.string({
    description: 'approve a manual approval task as this person (recorded)',
    env: 'CI_CONNECT_APPROVED_BY',
  }),
  force: Flags.boolean({
    description: 'run although triggeredOn is not met (recorded as forced)',
    default: false,
  }),
  'dry-run': Flags.boolean({
    description: 'print what would run (tasks, runners, files, commands) and change nothing',
    default: false,
  }),
  'results-dir': Flags.string({
    description: 'where JMeter results and logs go (publish it as a CI artifact)',
    env: 'CI_CONNECT_RESULTS_DIR',
    default: 'ci-connect-results',
  }),
  'test-timeout': Flags.integer({
    description: 'seconds a test may run before it is stopped and fails',
    env: 'CI_CONNECT_TEST_TIMEOUT',
    default: 3600,
    min: 1,
  }),
  settle: Flags.integer({
    description:
      'seconds to wait after the test before querying Dynatrace (default 120; 360 with a USQL; SLI)',
    env: 'CI_CONNECT_SETTLE',
    min: 0,
    max: 3600,
  }),
  'report-dir': Flags.string({
    description:
      "write the reports of the run's evaluation here: evaluation.json, summary.md, junit.xml and the HTML report (index.html, report.css)",
    env: 'CI_CONNECT_REPORT_DIR',
  }),
  'dynatrace-event': Flags.boolean({
    description:
      "send the stage's events to Dynatrace: CUSTOM_DEPLOYMENT, the test's CUSTOM_ANNOTATIONs, the gate's CUSTOM_INFO (default: events.dynatrace.enabled)",
    env: 'CI_CONNECT_DYNATRACE_EVENT',
    allowNo: true,
  }),
};

/** The parsed flags the run's options are read from. */
export interface RunnerFlags {
  'results-dir': string;
  'test-timeout': number;
  'dry-run': boolean;
  url?: string | undefined;
  'ca-file'?: string | undefined;
  settle?: number | undefined;
  'dynatrace-event'?: boolean | undefined;
  'report-dir'?: string | undefined;
}

/** Core's StageRunOptions from the flags, with the progress the CLI shows. */
export function stageRunOptions(flags: RunnerFlags, listener: StageRunListener): StageRunOptions {
  return {
    dryRun: flags['dry-run'],
    resultsDir: path.resolve(flags['results-dir']),
    testTimeoutSeconds: flags['test-timeout'],
    listener,
    ...(flags.url === undefined ? {} : { targetUrl: flags.url }),
    ...(flags['ca-file'] === undefined ? {} : { caFile: flags['ca-file'] }),
    ...(flags.settle === undefined ? {} : { settleSeconds: flags.settle }),
    ...(flags['dynatrace-event'] === undefined ? {} : { dynatraceEvent: flags['dynatrace-event'] }),
    ...(flags['report-dir'] === undefined ? {} : { reportDir: path.resolve(flags['report-dir']) }),
  };
}

/** The request fields `trigger-deployment` and `promote` read from the same flags. */
export function stageRequestFlags(flags: StageRequestFlags) {
  return {
    configDir: flags['config-dir'],
    project: flags.project,
    service: flags.service,
    version: flags.version,
    image: flags.image,
    sequence: flags.sequence,
    labels: parseLabels(flags.label, process.env),
    history: flags.history,
    approvedBy: flags['approved-by'],
    force: flags.force,
    onWarning: flags['on-warning'],
  };
}

interface StageRequestFlags {
  'config-dir': string;
  project?: string | undefined;
  service?: string | undefined;
  version: string;
  image?: string | undefined;
  sequence: string;
  label?: string[] | undefined;
  history?: string | undefined;
  'approved-by'?: string | undefined;
  force: boolean;
  'on-warning'?: 'pass' | 'warn' | 'fail' | undefined;
}
