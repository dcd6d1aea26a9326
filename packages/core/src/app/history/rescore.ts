/**
 * `history rescore`, the use case: the SLO what-if. The last N evaluations of a service are scored
 * again with another SLO (a changed slo.yaml, or --slo), each from the SLI values it recorded and
 * against the baseline it was compared with (the records its comparedEvaluations name, even if
 * invalidated since). Nothing is recorded. The exit code is 0 (a report), or 1 with `failOnFlip`
 * when a verdict would change: a merge request that changes the SLO can be held for a look.
 */

import { relative, resolve } from 'node:path';
import { requireConfig } from '../../config/config-errors.js';
import { formatDiagnostic } from '../../config/diagnostics.js';
import { resolveServiceFiles } from '../../config/service-files.js';
import { loadSloFile } from '../../config/slo-file.js';
import { ExitCode } from '../../errors.js';
import { rescoreEvaluation, type RescoredEvaluation } from '../../gate/rescore.js';
import type { EvaluationRecord, Slo } from '../../gate/types.js';
import { isEvaluationRecord } from '../../history/evaluation-shape.js';
import type { HistoryStore } from '../../history/history-store.js';
import type { Host } from '../host.js';
import {
  loadHistoryContext,
  resolveHistoryTarget,
  withHistoryStore,
  type HistoryTargetRequest,
} from './history-context.js';

export interface HistoryRescoreRequest extends HistoryTargetRequest {
  /** `--slo FILE`; default: the service's slo.yaml in the config directory (the stage's overlay first). */
  sloFile?: string | undefined;
  /** How many of the newest evaluations (not invalidated). */
  last: number;
  /** Exit 1 when a verdict would flip (other than only because of SLIs an evaluation did not record). */
  failOnFlip?: boolean | undefined;
}

/** One evaluation, re-scored. */
export interface RescoreEntry extends RescoredEvaluation {
  id: string;
  evaluatedAt: string;
  version: string;
  /** Baseline records it named that the store no longer has: scored without them. */
  missingBaseline: string[];
}

/** What `history rescore --json` prints. */
export interface HistoryRescoreResult {
  schemaVersion: 1;
  kind: 'history-rescore';
  project: string;
  stage: string;
  service: string;
  /** The SLO file used, as named. */
  slo: string;
  history: string;
  /** Newest first. */
  evaluations: RescoreEntry[];
  /** How many verdicts would change. */
  flips: number;
  /** Of those, how many only because the SLO has SLIs they did not record (not counted by failOnFlip). */
  flipsByNotRecordedOnly: number;
  /** SLIs of the SLO that some of the evaluations did not record: scored as no data there. */
  notRecorded: string[];
}

/** Re-scores the newest evaluations with the SLO; records nothing. */
export async function rescoreHistory(
  request: HistoryRescoreRequest,
  host: Host,
): Promise<{ result: HistoryRescoreResult; exitCode: number }> {
  const context = await loadHistoryContext(request, host);
  const target = await resolveHistoryTarget(request, context, host, request.sloFile === undefined);
  const { slo, sloName } = await loadRescoreSlo(request, target, host);
  return withHistoryStore(context.historyUrl, host, async (store) => {
    const newest = (await store.query({ kind: 'evaluation', ...target, limit: request.last })).filter(
      isEvaluationRecord,
    );
    const baselines = new BaselineReader(store);
    const evaluations: RescoreEntry[] = [];
    for (const evaluation of newest) evaluations.push(await rescoreOne(slo, evaluation, baselines));
    const flips = evaluations.filter((e) => e.flipped).length;
    const flipsByNotRecordedOnly = evaluations.filter((e) => e.flippedByNotRecordedOnly).length;
    const notRecorded = [
      ...new Set(evaluations.flatMap((e) => e.objectives.filter((o) => o.notRecorded).map((o) => o.sli))),
    ];
    const result: HistoryRescoreResult = {
      schemaVersion: 1,
      kind: 'history-rescore',
      ...target,
      slo: sloName,
      history: store.location,
      evaluations,
      flips,
      flipsByNotRecordedOnly,
      notRecorded,
    };
    // A flip only an unrecorded SLI causes says nothing about the new criteria: reported, not failed.
    const failing = request.failOnFlip === true && flips - flipsByNotRecordedOnly > 0;
    return { result, exitCode: failing ? ExitCode.fail : ExitCode.pass };
  });
}

async function rescoreOne(
  slo: Slo,
  evaluation: EvaluationRecord,
  baselines: BaselineReader,
): Promise<RescoreEntry> {
  const { found, missing } = await baselines.read(evaluation.comparedEvaluations);
  return {
    id: evaluation.id,
    evaluatedAt: evaluation.evaluatedAt,
    version: evaluation.version,
    ...rescoreEvaluation(slo, evaluation, found),
    missingBaseline: missing,
  };
}

/** The records evaluations compared with, read once each (consecutive evaluations share them). */
class BaselineReader {
  private readonly cache = new Map<string, EvaluationRecord | undefined>();
  constructor(private readonly store: HistoryStore) {}

  async read(ids: readonly string[]): Promise<{ found: EvaluationRecord[]; missing: string[] }> {
    const found: EvaluationRecord[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      if (!this.cache.has(id)) {
        const record = await this.store.get(id);
        this.cache.set(id, record !== undefined && isEvaluationRecord(record) ? record : undefined);
      }
      const record = this.cache.get(id);
      if (record === undefined) missing.push(id);
      else found.push(record);
    }
    return { found, missing };
  }
}

/** `--slo`, else the service's slo.yaml as `evaluate` would find it. */
async function loadRescoreSlo(
  request: HistoryRescoreRequest,
  target: { service: string; stage: string },
  host: Host,
): Promise<{ slo: Slo; sloName: string }> {
  const path =
    request.sloFile === undefined
      ? (await resolveServiceFiles({ configDir: resolve(host.cwd, request.configDir), ...target })).slo
      : resolve(host.cwd, request.sloFile);
  const loaded = await loadSloFile(path, request.sloFile === undefined ? {} : { flag: '--slo' });
  for (const d of loaded.diagnostics) if (d.severity === 'warning') host.logger.warn(formatDiagnostic(d));
  const sloName = request.sloFile ?? relative(host.cwd, path);
  return { slo: requireConfig(loaded.slo, loaded.diagnostics), sloName };
}
