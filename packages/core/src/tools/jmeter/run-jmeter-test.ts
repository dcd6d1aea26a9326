/**
 * Runs a shipyard `test` task's JMeter plan in non-GUI mode and judges it. The evaluation
 * window is JMeter's own test start and end (its "Starting the test @" and "Tidying up @"
 * lines): that covers every thread's ramp-up, think time and last response, which the results
 * file's span cuts off, and leaves out the JVM start and plan loading (seconds in which the
 * service gets no load), which the process's own lifetime would add. When JMeter does not print
 * both, the window is the process's lifetime.
 */

import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../environment.js';
import { silentLogger, systemClock } from '../../environment.js';
import { ConfigError, InputError } from '../../errors.js';
import { createRedactor } from '../../redaction/redaction.js';
import { aggregateJtl } from '../../providers/jmeter/jtl-aggregate.js';
import { mergeLabelAggregates } from '../../providers/jmeter/label-aggregate.js';
import { runProcess } from '../process.js';
import { JmeterOutputWatcher } from './jmeter-output.js';
import type { JmeterOutputFacts } from './jmeter-output.js';
import { planJmeterTest } from './jmeter-plan.js';
import type { JmeterTestPlan, JmeterTestRequest } from './jmeter-plan.js';
import { judgeJmeterRun } from './jmeter-verdict.js';
import type { JmeterTestReason, ResultsSummary } from './jmeter-verdict.js';

/** How a test task's run ended: the verdict, the evaluation window and what backs them. */
export interface JmeterTestResult {
  status: 'succeeded' | 'failed';
  reason: JmeterTestReason;
  /** One sentence: why it passed or failed. */
  message: string;
  /** The evaluation window, ISO 8601. */
  start: string;
  end: string;
  /** 'jmeter': JMeter's reported test start and end; 'process': the process's lifetime. */
  windowSource: 'jmeter' | 'process';
  /** Rows in the results file (0 when it is missing or unreadable). */
  samples: number;
  failedSamples: number;
  /** Fraction 0-1 of failed samples (as acceptederrorrate); null without samples. */
  errorRate: number | null;
  /** Mean elapsed time in ms; null without samples. */
  averageResponseTimeMs: number | null;
  resultsFile: string;
  logFile: string;
  argv: string[];
  /** The process's run time. */
  durationMs: number;
  /** null when JMeter was ended by a signal or never started. */
  exitCode: number | null;
}

/** How to fix a jmeter command that cannot be found. */
export const JMETER_NOT_FOUND_HINT =
  'install Apache JMeter (it needs Java) and put jmeter on PATH, or set JMETER_BIN to the jmeter command';

/**
 * Runs the request's plan with JMeter and judges the run. Bad input (a missing plan, a bad
 * property or URL) throws a ConfigError or UsageError before anything starts; a run that
 * fails for any other reason is a result with status 'failed', never an exception.
 */
export async function runJmeterTest(request: JmeterTestRequest): Promise<JmeterTestResult> {
  const plan = planJmeterTest(request);
  await checkPlanFile(plan.planFile);
  await prepareOutputs(plan);
  const clock = request.clock ?? systemClock;
  const logger = request.logger ?? silentLogger;
  const redactor = request.redactor ?? createRedactor();
  const watcher = new JmeterOutputWatcher(redactor, logger);
  const startedAt = clock.now();
  const run = await (request.runProcess ?? runProcess)({
    argv: plan.argv,
    cwd: plan.cwd,
    ...(request.env === undefined ? {} : { env: request.env }),
    timeoutMs: plan.timeoutMs,
    ...(request.signal === undefined ? {} : { signal: request.signal }),
    onLine: watcher.onLine,
    notFoundHint: JMETER_NOT_FOUND_HINT,
  });
  const endedAt = clock.now();
  const results = await summariseResults(plan.resultsFile, logger);
  const verdict = judgeJmeterRun({
    workload: plan.workload,
    planFile: plan.planFile,
    logFile: plan.logFile,
    timeoutMs: plan.timeoutMs,
    process: { ...run, outputTail: `${run.stdoutTail}\n${run.stderrTail}` },
    output: watcher.facts,
    results,
    redactor,
  });
  const counts = 'unreadable' in results ? { samples: 0, failed: 0, averageMs: null } : results;
  return {
    ...verdict,
    ...testWindow(watcher.facts, startedAt, endedAt),
    samples: counts.samples,
    failedSamples: counts.failed,
    errorRate: counts.samples === 0 ? null : counts.failed / counts.samples,
    averageResponseTimeMs: counts.averageMs,
    resultsFile: plan.resultsFile,
    logFile: plan.logFile,
    argv: plan.argv,
    durationMs: run.durationMs,
    exitCode: run.exitCode,
  };
}

async function checkPlanFile(planFile: string): Promise<void> {
  const info = await stat(planFile).catch(() => undefined);
  if (info?.isFile() === true) return;
  throw new ConfigError(
    info === undefined
      ? `the JMeter plan ${planFile} does not exist`
      : `the JMeter plan ${planFile} is not a file`,
    { hint: "add the plan, or name the right one in the workload's script (jmeter.conf.yaml)" },
  );
}

/** JMeter 2.13 appends to an existing results file (without a header line): start clean. */
async function prepareOutputs(plan: JmeterTestPlan): Promise<void> {
  for (const file of [plan.resultsFile, plan.logFile]) {
    try {
      await mkdir(dirname(file), { recursive: true });
      await rm(file, { force: true });
    } catch (error) {
      throw new ConfigError(`cannot prepare ${file} for JMeter: ${(error as Error).message}`, {
        hint: 'choose a results directory the CI job can write to',
        cause: error,
      });
    }
  }
}

/** The results file in numbers: none written (or empty) is 0 samples, for the verdict to judge. */
async function summariseResults(resultsFile: string, logger: Logger): Promise<ResultsSummary> {
  const info = await stat(resultsFile).catch(() => undefined);
  if (info === undefined || (info.isFile() && info.size === 0))
    return { samples: 0, failed: 0, averageMs: null };
  try {
    const aggregate = await aggregateJtl(resultsFile, { logger });
    const all = mergeLabelAggregates('all', [...aggregate.labels.values()]);
    return {
      samples: all.samples,
      failed: all.failed,
      averageMs: all.samples === 0 ? null : all.elapsed.mean(),
    };
  } catch (error) {
    if (error instanceof InputError) return { unreadable: error.message };
    throw error;
  }
}

function testWindow(
  facts: JmeterOutputFacts,
  startedAt: Date,
  endedAt: Date,
): Pick<JmeterTestResult, 'start' | 'end' | 'windowSource'> {
  const { testStartedAt, testEndedAt } = facts;
  if (testStartedAt !== undefined && testEndedAt !== undefined && testEndedAt >= testStartedAt) {
    return {
      start: new Date(testStartedAt).toISOString(),
      end: new Date(testEndedAt).toISOString(),
      windowSource: 'jmeter',
    };
  }
  return { start: startedAt.toISOString(), end: endedAt.toISOString(), windowSource: 'process' };
}
