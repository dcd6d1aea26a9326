/**
 * `history invalidate`, `pin` and `unpin`, the use cases. Each appends one bookkeeping record
 * (the history stays append-only) and says whether anything changed: invalidating or pinning
 * twice is doing it once.
 */

import { ExitCode } from '../../errors.js';
import type { HistoryRecord, HistoryTarget } from '../../history/history-store.js';
import type { Host } from '../host.js';
import {
  loadHistoryContext,
  resolveHistoryTarget,
  withHistoryStore,
  type HistoryLocationRequest,
  type HistoryTargetRequest,
} from './history-context.js';

/** `history invalidate <id>` and `history pin <id>`. */
export interface HistoryMarkRequest extends HistoryLocationRequest {
  id: string;
  /** Why, kept in the history; Keptn's invalidation carried one too. */
  reason?: string | undefined;
}

/** What `invalidate`, `pin` and `unpin` print with `--json`. */
export interface HistoryMarkResult {
  schemaVersion: 1;
  kind: 'history-invalidate' | 'history-pin' | 'history-unpin';
  /** False when the record already was invalidated or pinned, or (unpin) nothing was pinned. */
  changed: boolean;
  /** The record as it reads now; for `unpin`, the one that was pinned (null when none was). */
  record: HistoryRecord | null;
  reason: string | null;
  /** unpin: the service whose pin ended. */
  target?: HistoryTarget;
}

type MarkOutcome = { result: HistoryMarkResult; exitCode: number };

/** Leaves the record out of every later baseline; an unknown id is a UsageError (exit 2). */
export async function invalidateRecord(request: HistoryMarkRequest, host: Host): Promise<MarkOutcome> {
  const { historyUrl } = await loadHistoryContext(request, host);
  return withHistoryStore(historyUrl, host, async (store) => {
    const before = await store.get(request.id);
    const record = await store.invalidate(request.id, request.reason);
    const changed = before?.invalidated !== true;
    if (changed && request.reason === undefined)
      host.logger.warn(
        'invalidated without a reason: give --reason next time, for whoever reads the history later',
      );
    return marked('history-invalidate', changed, record, request.reason);
  });
}

/**
 * Makes the evaluation the baseline of its service, alone, until `unpin` or a later pin; an
 * unknown id, a record that is no evaluation, or an invalidated one is a UsageError (exit 2).
 */
export async function pinEvaluation(request: HistoryMarkRequest, host: Host): Promise<MarkOutcome> {
  const { historyUrl } = await loadHistoryContext(request, host);
  return withHistoryStore(historyUrl, host, async (store) => {
    const before = await store.get(request.id);
    const record = await store.pin(request.id, request.reason);
    return marked('history-pin', before?.pinned !== true, record, request.reason);
  });
}

/** `history unpin`: the service's baseline is the newest evaluations again. */
export interface HistoryUnpinRequest extends HistoryTargetRequest {
  reason?: string | undefined;
}

/** Ends the pin of a service; `changed: false` when none was pinned. */
export async function unpinEvaluation(request: HistoryUnpinRequest, host: Host): Promise<MarkOutcome> {
  const context = await loadHistoryContext(request, host);
  const target = await resolveHistoryTarget(request, context, host);
  return withHistoryStore(context.historyUrl, host, async (store) => {
    const record = await store.unpin(target, request.reason);
    const outcome = marked('history-unpin', record !== undefined, record ?? null, request.reason);
    return { ...outcome, result: { ...outcome.result, target } };
  });
}

function marked(
  kind: HistoryMarkResult['kind'],
  changed: boolean,
  record: HistoryRecord | null,
  reason: string | undefined,
): MarkOutcome {
  return {
    result: { schemaVersion: 1, kind, changed, record, reason: changed ? (reason ?? null) : null },
    exitCode: ExitCode.pass,
  };
}
