/**
 * `evaluate`, the use case: the quality gate, its reports and its exit code, for any front end.
 */

import { runEvaluation, type EvaluateRequest } from '../evaluation/run-evaluation.js';
import type { EvaluationRecord } from '../gate/types.js';
import { prepareReportDir, writeReports } from '../report/write-reports.js';
import { exitCodeFor } from './exit-code.js';
import type { Host } from './host.js';

export interface EvaluateCommand extends EvaluateRequest {
  /** Where evaluation.json, summary.md and junit.xml go; none when absent. */
  reportDir?: string;
}

export interface EvaluateResult {
  evaluation: EvaluationRecord;
  exitCode: number;
  /** The report files written (empty without a report directory, or when writing failed). */
  reports: string[];
}

/** Runs the gate, records it, writes its reports and says what the job exits with. */
export async function evaluate(command: EvaluateCommand, host: Host): Promise<EvaluateResult> {
  const { reportDir, ...request } = command;
  // Checked first: a bad report directory must not fail the job after the result is recorded.
  if (reportDir !== undefined) await prepareReportDir(reportDir);
  const { evaluation, onWarning } = await runEvaluation(request, host);
  const exitCode = exitCodeFor({ kind: 'evaluation', result: evaluation.result }, onWarning);
  const reports =
    reportDir === undefined ? [] : await writeReportsKeepingVerdict(reportDir, evaluation, host);
  return { evaluation, exitCode, reports };
}

/** The verdict is recorded by now: a failed report write is reported, not fatal. */
async function writeReportsKeepingVerdict(
  dir: string,
  evaluation: EvaluationRecord,
  host: Host,
): Promise<string[]> {
  try {
    return await writeReports(dir, evaluation);
  } catch (error) {
    host.logger.warn(`${(error as Error).message}; the gate's result stands and is recorded`);
    return [];
  }
}
