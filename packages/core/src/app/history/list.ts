/**
 * `history list` and `history show`, the use cases: records as the store answers them, newest
 * first, with the bookkeeping (invalidations, pins) applied and marked.
 */

import { parseDuration } from '../../duration.js';
import { ExitCode } from '../../errors.js';
import { parseInstant } from '../../evaluation/time-window.js';
import type { HistoryRecord } from '../../history/history-store.js';
import { unknownRecordError } from '../../history/store-rules.js';
import type { Host } from '../host.js';
import { loadHistoryContext, withHistoryStore, type HistoryLocationRequest } from './history-context.js';

/** `history list`: every filter narrows; none lists the newest `limit` records of every kind. */
export interface HistoryListRequest extends HistoryLocationRequest {
  project?: string | undefined;
  stage?: string | undefined;
  service?: string | undefined;
  kind?: string | undefined;
  /** Only records with one of these results (pass, warning, fail). */
  results?: readonly string[] | undefined;
  /** An ISO time (or epoch seconds), or a duration back from now (`7d`, `12h`). */
  since?: string | undefined;
  limit: number;
  includeInvalidated?: boolean | undefined;
}

/** What `history list --json` prints. */
export interface HistoryListResult {
  schemaVersion: 1;
  kind: 'history-list';
  /** The store, as its messages name it. */
  history: string;
  records: HistoryRecord[];
}

/** The newest records that match, newest first. */
export async function listHistory(
  request: HistoryListRequest,
  host: Host,
): Promise<{ result: HistoryListResult; exitCode: number }> {
  const since = request.since === undefined ? undefined : sinceInstant(request.since, host);
  const { historyUrl } = await loadHistoryContext(request, host);
  return withHistoryStore(historyUrl, host, async (store) => {
    const records = await store.query({
      project: request.project,
      stage: request.stage,
      service: request.service,
      kind: request.kind,
      results: request.results,
      since,
      limit: request.limit,
      includeInvalidated: request.includeInvalidated ?? true,
    });
    const result: HistoryListResult = {
      schemaVersion: 1,
      kind: 'history-list',
      history: store.location,
      records,
    };
    return { result, exitCode: ExitCode.pass };
  });
}

/** `history show`: one record by id. */
export interface HistoryShowRequest extends HistoryLocationRequest {
  id: string;
}

/** The record, marked invalidated or pinned; an unknown id is a UsageError (exit 2). */
export async function showHistoryRecord(
  request: HistoryShowRequest,
  host: Host,
): Promise<{ record: HistoryRecord; exitCode: number }> {
  const { historyUrl } = await loadHistoryContext(request, host);
  return withHistoryStore(historyUrl, host, async (store) => {
    const record = await store.get(request.id);
    if (record === undefined) throw unknownRecordError(request.id, store.location);
    return { record, exitCode: ExitCode.pass };
  });
}

/** `--since`: an instant as `--start` takes it, or a duration before now. */
function sinceInstant(text: string, host: Host): string {
  const date = /^\s*\d+(\.\d+)?(ms|s|m|h|d)/.test(text)
    ? new Date(host.clock.now().getTime() - parseDuration(text, '--since'))
    : parseInstant(text, '--since');
  return date.toISOString();
}
