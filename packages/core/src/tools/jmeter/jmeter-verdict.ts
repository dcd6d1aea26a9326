/**
 * Whether a JMeter run passed, from how the process ended, what JMeter printed and what the
 * results file holds. Pure. jmeter-service's rules (`parseJMeterResult`), made explicit and
 * stricter where it let a broken run pass: a plan JMeter could not load and a run with no
 * samples fail here, whatever the exit code.
 */

import { FUNCTIONAL_STRATEGY } from '../../config/jmeter/jmeter-workload.js';
import type { JmeterWorkload } from '../../config/jmeter/jmeter-workload.js';
import type { JmeterOutputFacts } from './jmeter-output.js';
import type { Redactor } from '../../redaction/redaction.js';

/** Why a run passed or failed; the first rule that applies wins, in this order. */
export type JmeterTestReason =
  | 'aborted'
  | 'timed-out'
  | 'plan-not-loaded'
  | 'exit-code'
  | 'results-unreadable'
  | 'no-samples'
  | 'error-rate'
  | 'response-time'
  | 'passed';

/** The results file, aggregated; or why it could not be read. */
export type ResultsSummary =
  { samples: number; failed: number; averageMs: number | null } | { unreadable: string };

export interface VerdictInput {
  workload: JmeterWorkload;
  planFile: string;
  logFile: string;
  timeoutMs: number;
  process: {
    exitCode: number | null;
    signal: string | null;
    timedOut: boolean;
    aborted: boolean;
    outputTail: string;
  };
  output: JmeterOutputFacts;
  results: ResultsSummary;
  /** Masks secrets in the last output line before it is cut short for the message. */
  redactor: Redactor;
}

export interface JmeterVerdict {
  status: 'succeeded' | 'failed';
  reason: JmeterTestReason;
  message: string;
}

/** Applies the rules in order and says why in one sentence. */
export function judgeJmeterRun(input: VerdictInput): JmeterVerdict {
  const { process, output, results, workload } = input;
  if (process.aborted) return failed('aborted', 'the test was cancelled and JMeter stopped');
  if (process.timedOut) {
    return failed(
      'timed-out',
      `JMeter did not finish within ${formatDuration(input.timeoutMs)} and was stopped`,
    );
  }
  if (output.planError !== undefined) {
    const at = output.planErrorLine === undefined ? '' : ` (near line ${output.planErrorLine})`;
    return failed(
      'plan-not-loaded',
      `JMeter could not load the plan ${input.planFile}${at}: ${output.planError}`,
    );
  }
  if (process.exitCode !== 0) {
    const how =
      process.exitCode === null
        ? `was ended by ${process.signal ?? 'a signal'}`
        : `exited with code ${process.exitCode}`;
    const last = lastLine(process.outputTail, input.redactor);
    return failed('exit-code', `JMeter ${how}${last === '' ? '' : `: ${last}`}; see ${input.logFile}`);
  }
  if ('unreadable' in results)
    return failed('results-unreadable', `the results cannot be read: ${results.unreadable}`);
  if (results.samples === 0) {
    const started = output.testStartedAt === undefined ? ' and never started the test' : '';
    return failed(
      'no-samples',
      `JMeter recorded no samples${started}; check the plan's thread group (VUCount threads x LoopCount) and ${input.logFile}`,
    );
  }
  return judgeSamples(workload, results);
}

function judgeSamples(
  workload: JmeterWorkload,
  results: { samples: number; failed: number; averageMs: number | null },
) {
  const { samples, failed: failures } = results;
  const rate = failures / samples;
  const counted = `${failures} of ${samples} samples failed (${formatPercent(rate)})`;
  if (workload.testStrategy === FUNCTIONAL_STRATEGY && failures > 0) {
    return failed('error-rate', `${counted}; the functional test strategy accepts no failed sample`);
  }
  if (rate > workload.acceptedErrorRate) {
    return failed(
      'error-rate',
      `${counted}, more than the accepted ${formatPercent(workload.acceptedErrorRate)}`,
    );
  }
  const average = results.averageMs;
  if (workload.avgRtValidationMs > 0 && average !== null && average > workload.avgRtValidationMs) {
    return failed(
      'response-time',
      `the average response time ${round(average)} ms is above the accepted ${workload.avgRtValidationMs} ms (avgrtvalidation)`,
    );
  }
  return {
    status: 'succeeded' as const,
    reason: 'passed' as const,
    message: `${counted}, within the accepted ${formatPercent(workload.acceptedErrorRate)}`,
  };
}

function failed(reason: Exclude<JmeterTestReason, 'passed'>, message: string): JmeterVerdict {
  return { status: 'failed', reason, message };
}

/** A fraction as a percentage with at most two decimals: 0.125 → "12.5%". */
export function formatPercent(fraction: number): string {
  return `${round(fraction * 100)}%`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

function lastLine(text: string, redactor: Redactor): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const line = lines.at(-1) ?? '';
  return redactor.clip(line, 300);
}
