/**
 * What one JMeter test run will do, worked out without running anything: the argv (never a
 * shell line), the working directory and the files. `runJmeterTest` runs exactly this plan;
 * `--dry-run` prints it.
 */

import { dirname, resolve } from 'node:path';
import type { Clock, Logger } from '../../environment.js';
import { UsageError } from '../../errors.js';
import type { Redactor } from '../../redaction/redaction.js';
import type { ProcessRunner } from '../process.js';
import type { JmeterTestContext } from './jmeter-properties.js';
import { testProperties } from './jmeter-properties.js';
import type { JmeterWorkload } from '../../config/jmeter/jmeter-workload.js';

/** One test task's JMeter run. Paths may be relative to the current directory. */
export interface JmeterTestRequest {
  /** The jmeter command: a path (relative to the current directory), or a name looked up on PATH. */
  jmeterBin: string;
  /** The test plan (.jmx); must exist. */
  planFile: string;
  /** The CSV results file JMeter writes (-l); replaced if it exists, its directory created. */
  resultsFile: string;
  /** JMeter's own log (-j); replaced if it exists. */
  logFile: string;
  workload: JmeterWorkload;
  /** The service under test; sets PROTOCOL, SERVER_URL, SERVER_PORT, CHECK_PATH. Absent: the plan's defaults apply. */
  targetUrl?: string;
  /** DT_LTN, the load test name, e.g. from keptnLoadTestName(). */
  loadTestName: string;
  /** KEPTN_PROJECT, KEPTN_STAGE, KEPTN_SERVICE for plans that tag their requests. */
  context?: JmeterTestContext;
  /** More properties for the plan; they override the workload's own `properties`. */
  properties?: Readonly<Record<string, string>>;
  /** The run is stopped (its process group killed) after this, and the test fails. */
  timeoutMs: number;
  /** Aborting stops the run the same way (the CLI aborts on SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Default: the plan's directory, so plans find CSV data files next to them. */
  cwd?: string;
  /** JMeter's whole environment (JAVA_HOME, JVM_ARGS...); default: ci-connect's own. */
  env?: Record<string, string | undefined>;
  /** Runs the process; default runProcess. Tests pass a fake. */
  runProcess?: ProcessRunner;
  /** Where the window falls back to when JMeter does not report its test's start and end. */
  clock?: Clock;
  /** Receives JMeter's progress (its `summary +` lines) as info, its other output as debug. */
  logger?: Logger;
  /**
   * The run's redactor: JMeter's output is redacted with it before a line of it is cut short for
   * a message. Default: one that knows no secret (credential shapes only).
   */
  redactor?: Redactor;
}

/** The command a request runs, for `--dry-run` and for the run itself. */
export interface JmeterTestPlan {
  /** `[jmeterBin, '-n', '-t', plan, '-l', results, '-j', log, '-Jname=value', ...]`. */
  argv: string[];
  cwd: string;
  /** Absolute paths. */
  planFile: string;
  resultsFile: string;
  logFile: string;
  /** Every -J property, in argv order. */
  properties: Readonly<Record<string, string>>;
  workload: JmeterWorkload;
  timeoutMs: number;
}

/** Works out the argv and files of a run; pure (no file system), throws UsageError on bad input. */
export function planJmeterTest(request: JmeterTestRequest): JmeterTestPlan {
  if (request.jmeterBin.trim() === '') {
    throw new UsageError('no jmeter command given', { hint: 'name the jmeter command or its path' });
  }
  if (!Number.isFinite(request.timeoutMs) || request.timeoutMs <= 0) {
    throw new UsageError(`the test timeout must be a positive duration, not ${request.timeoutMs} ms`);
  }
  const planFile = resolve(request.planFile);
  const resultsFile = resolve(request.resultsFile);
  const logFile = resolve(request.logFile);
  if (resultsFile === logFile || resultsFile === planFile || logFile === planFile) {
    throw new UsageError('the plan, the results file and the JMeter log must be three different files', {
      hint: `plan ${planFile}, results ${resultsFile}, log ${logFile}`,
    });
  }
  const properties = testProperties(request);
  const argv = [
    commandPath(request.jmeterBin),
    ...['-n', '-t', planFile, '-l', resultsFile, '-j', logFile],
    ...Object.entries(properties).map(([name, value]) => `-J${name}=${value}`),
  ];
  return {
    argv,
    cwd: resolve(request.cwd ?? dirname(planFile)),
    planFile,
    resultsFile,
    logFile,
    properties,
    workload: request.workload,
    timeoutMs: request.timeoutMs,
  };
}

/**
 * A command with a slash is a path: made absolute here, because JMeter runs in the plan's
 * directory and a relative path would be looked up from there. A bare name is looked up on PATH.
 */
function commandPath(command: string): string {
  return /[\\/]/.test(command) ? resolve(command) : command;
}
