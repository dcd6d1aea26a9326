/**
 * `evaluate`, the use case: the quality gate, its reports and its exit code, for any front end.
 */

import { runEvaluation, type EvaluateRequest, type EvaluationOutcome } from '../evaluation/run-evaluation.js';
import type { EvaluationRecord } from '../gate/types.js';
import { prepareReportDir, writeReports } from '../report/write-reports.js';
import { exitCodeFor } from './exit-code.js';
import type { Host } from './host.js';
import { writeRunHtmlReport } from './report.js';

export interface EvaluateCommand extends EvaluateRequest {
  /** Where evaluation.json, summary.md, junit.xml and the HTML report go; none when absent. */
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
  const outcome = await runEvaluation(request, host);
  const { evaluation, onWarning } = outcome;
  const exitCode = exitCodeFor({ kind: 'evaluation', result: evaluation.result }, onWarning);
  const reports = reportDir === undefined ? [] : await writeReportsKeepingVerdict(reportDir, outcome, host);
  return { evaluation, exitCode, reports };
}

/**
 * The evaluation's reports, then the HTML report of its history. The verdict is recorded by now:
 * a failed write is reported, not fatal, and one report failing does not hold back the other.
 */
export async function writeReportsKeepingVerdict(
  dir: string,
  outcome: Pick<EvaluationOutcome, 'evaluation' | 'historyUrl' | 'totalScore'>,
  host: Host,
): Promise<string[]> {
  const written: string[] = [];
  for (const write of [
    () => writeReports(dir, outcome.evaluation),
    () => writeRunHtmlReport(dir, outcome, host),
  ]) {
    try {
      written.push(...(await write()));
    } catch (error) {
      host.logger.warn(`${(error as Error).message}; the gate's result stands and is recorded`);
    }
  }
  return written;
}
