/**
 * `report`, the use case: the HTML report (heatmap and trends) of one service's evaluations in
 * one stage, from history, into a directory a CI job publishes as an artifact. `evaluate` and the
 * stage runs write the same report beside their other reports, with their run highlighted.
 */

import { resolve } from 'node:path';
import { resolveServiceFiles } from '../config/service-files.js';
import { loadSloFile } from '../config/slo-file.js';
import { ExitCode, UsageError } from '../errors.js';
import type { EvaluationOutcome } from '../evaluation/run-evaluation.js';
import type { EvaluationTarget } from '../evaluation/setup.js';
import type { GateResult } from '../gate/types.js';
import { isEvaluationRecord } from '../history/evaluation-shape.js';
import type {
  ReportedEvaluation,
  ReportedRemediationStep,
  ScoreThresholds,
} from '../report/html/report-model.js';
import { isRemediationRecord } from '../remediation/remediation-record.js';
import { prepareReportDir, writeHtmlReport, type ReportDirFlag } from '../report/write-reports.js';
import { loadHistoryContext, resolveHistoryTarget, withHistoryStore } from './history/history-context.js';
import type { Host } from './host.js';

/** Evaluations in a report when the request says no other number. */
export const DEFAULT_REPORT_EVALUATIONS = 50;

const OUT_FLAG: ReportDirFlag = { flag: '--out', env: 'CI_CONNECT_REPORT_OUT' };

/** What `report` was asked, as flags and env gave it. */
export interface ReportRequest {
  /** Optional here: with --history, --stage and --service a report needs no config directory. */
  configDir: string;
  project?: string;
  stage?: string;
  service?: string;
  history?: string;
  /** The newest this many evaluations (default 50), invalidated ones included. */
  last?: number;
  /** Where index.html and report.css go. */
  outDir: string;
}

/** What `report --json` prints. */
export interface ReportSummary {
  schemaVersion: 1;
  kind: 'report';
  project: string;
  stage: string;
  service: string;
  /** The history store read, without credentials. */
  history: string;
  evaluations: number;
  invalidated: number;
  newest: { id: string; result: GateResult; score: number; evaluatedAt: string };
  files: string[];
}

/** Reads the evaluations of a project, stage and service and writes their HTML report. */
export async function report(
  request: ReportRequest,
  host: Host,
): Promise<{ report: ReportSummary; exitCode: number }> {
  const last = request.last ?? DEFAULT_REPORT_EVALUATIONS;
  if (!Number.isInteger(last) || last < 1)
    throw new UsageError(`--last ${last} is not a whole number of at least 1`, { hint: 'e.g. --last 50' });
  const outDir = resolve(host.cwd, request.outDir);
  await prepareReportDir(outDir, OUT_FLAG);
  const { target, historyUrl, thresholds } = await resolveReportContext(request, host);
  const { evaluations, remediations, location } = await readEvaluations(target, historyUrl, last, host);
  const newest = evaluations[0];
  if (newest === undefined) throw nothingRecorded(target, location);
  const files = await writeHtmlReport(
    outDir,
    {
      ...target,
      evaluations,
      remediations,
      ...(thresholds === undefined ? {} : { thresholds }),
      generatedAt: host.clock.now().toISOString(),
    },
    OUT_FLAG,
  );
  const { id, result, score, evaluatedAt } = newest;
  return {
    report: {
      schemaVersion: 1,
      kind: 'report',
      ...target,
      history: location,
      evaluations: evaluations.length,
      invalidated: evaluations.filter((e) => e.invalidated).length,
      newest: { id, result, score, evaluatedAt },
      files,
    },
    exitCode: ExitCode.pass,
  };
}

/** The HTML report of the history an evaluation was just recorded in, that evaluation highlighted. */
export async function writeRunHtmlReport(
  dir: string,
  outcome: Pick<EvaluationOutcome, 'evaluation' | 'historyUrl' | 'totalScore'>,
  host: Host,
): Promise<string[]> {
  const { project, stage, service, id } = outcome.evaluation;
  const target = { project, stage, service };
  const { evaluations, remediations } = await readEvaluations(
    target,
    outcome.historyUrl,
    DEFAULT_REPORT_EVALUATIONS,
    host,
  );
  return writeHtmlReport(dir, {
    ...target,
    evaluations,
    remediations,
    currentId: id,
    thresholds: outcome.totalScore,
    generatedAt: host.clock.now().toISOString(),
  });
}

/**
 * The newest `last` evaluations of the target, newest first, invalidated ones included (and
 * marked), and the remediation steps since the oldest of them (at most `last` too).
 */
function readEvaluations(
  target: EvaluationTarget,
  historyUrl: string,
  last: number,
  host: Host,
): Promise<{ evaluations: ReportedEvaluation[]; remediations: ReportedRemediationStep[]; location: string }> {
  return withHistoryStore(historyUrl, host, async (store) => {
    const records = await store.query({
      kind: 'evaluation',
      ...target,
      limit: last,
      includeInvalidated: true,
    });
    // Redacted when recorded; again here, for secrets this process knows and that job did not.
    const evaluations = records.filter(isEvaluationRecord).map((e) => host.redactor.redactJson(e));
    const since = evaluations.at(-1)?.start;
    const steps = await store.query({
      kind: 'remediation',
      ...target,
      limit: last,
      ...(since === undefined ? {} : { since }),
    });
    const remediations = steps
      .filter(isRemediationRecord)
      .map((step): ReportedRemediationStep => host.redactor.redactJson(step));
    return { evaluations, remediations, location: store.location };
  });
}

/** Project, stage and service as every command resolves them; the SLO's thresholds when it can be read. */
async function resolveReportContext(
  request: ReportRequest,
  host: Host,
): Promise<{ target: EvaluationTarget; historyUrl: string; thresholds?: ScoreThresholds }> {
  const context = await loadHistoryContext(request, host);
  const configDir = resolve(host.cwd, request.configDir);
  // Unlike a gate run from --slo alone, a report never guesses the service `default`.
  if (request.service === undefined && !context.configDirExists) {
    throw new UsageError(`which service? There is no config directory ${configDir} to find it in`, {
      hint: 'say which with --service (env CI_CONNECT_SERVICE), or point --config-dir (env CI_CONNECT_CONFIG_DIR) at the project',
    });
  }
  const target = await resolveHistoryTarget(request, context, host);
  const thresholds = context.configDirExists ? await sloThresholds(configDir, target, host) : undefined;
  return {
    target,
    historyUrl: context.historyUrl,
    ...(thresholds === undefined ? {} : { thresholds }),
  };
}

/** The service's total_score in this stage, if its slo.yaml can be read; the report draws it when known. */
async function sloThresholds(
  configDir: string,
  target: EvaluationTarget,
  host: Host,
): Promise<ScoreThresholds | undefined> {
  try {
    const files = await resolveServiceFiles({ configDir, service: target.service, stage: target.stage });
    const loaded = await loadSloFile(files.slo);
    if (loaded.slo === undefined)
      host.logger.debug(`${files.slo} has errors: the report draws no thresholds`);
    return loaded.slo?.totalScore;
  } catch (error) {
    host.logger.debug(`no SLO for the report's thresholds: ${(error as Error).message}`);
    return undefined;
  }
}

function nothingRecorded(target: EvaluationTarget, location: string): UsageError {
  const { project, stage, service } = target;
  return new UsageError(
    `no evaluation of service "${service}" in stage "${stage}" of project "${project}" is recorded in ${location}`,
    {
      hint:
        'check --project, --stage and --service (env CI_CONNECT_PROJECT, CI_CONNECT_STAGE, CI_CONNECT_SERVICE) and ' +
        '--history (env CI_CONNECT_HISTORY): the report reads what `ci-connect evaluate` recorded there; ' +
        "a CI runner's own history file is gone after the job unless a cache or artifact keeps it",
    },
  );
}
