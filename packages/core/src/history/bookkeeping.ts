/**
 * Invalidations and pins without rewriting: `history invalidate`, `pin` and `unpin` append a
 * bookkeeping record naming their target, and readers replay them. The history stays
 * append-only, so no write can destroy an earlier record, and the audit trail (who changed what,
 * when, why) is kept. Every store that keeps a log (file:, git:) replays it with `HistoryReplay`.
 */

import type { HistoryQuery, HistoryRecord, HistoryTarget } from './history-store.js';

/** The record `invalidate` appends; stores never return it from `query` or `get`. */
export interface InvalidationRecord extends HistoryRecord {
  readonly schemaVersion: 1;
  readonly kind: 'invalidation';
  /** The id of the invalidated record. */
  readonly target: string;
  /** ISO timestamp. */
  readonly at: string;
  readonly reason: string | null;
}

/** The record `pin` (kind `pin`) or `unpin` (kind `unpin`) appends; a service's newest one decides. */
export interface PinRecord extends HistoryRecord {
  readonly schemaVersion: 1;
  readonly kind: 'pin' | 'unpin';
  /** The id of the evaluation pinned, or of the one that was pinned until now. */
  readonly target: string;
  readonly project: string;
  readonly stage: string;
  readonly service: string;
  /** ISO timestamp. */
  readonly at: string;
  readonly reason: string | null;
}

/** A record that changes how others read, never returned by `query` or `get`. */
export type BookkeepingRecord = InvalidationRecord | PinRecord;

/**
 * The invalidation of `target`. It copies the target's project, stage and service so the line
 * can be found with grep or jq beside the records of that service.
 */
export function createInvalidation(
  id: string,
  target: HistoryRecord,
  at: Date,
  reason: string | undefined,
): InvalidationRecord {
  return {
    schemaVersion: 1,
    kind: 'invalidation',
    id,
    target: target.id,
    ...(target.project === undefined ? {} : { project: target.project }),
    ...(target.stage === undefined ? {} : { stage: target.stage }),
    ...(target.service === undefined ? {} : { service: target.service }),
    at: at.toISOString(),
    reason: reason ?? null,
  };
}

/** The pin (or unpin) of the evaluation `targetId` of `service`. */
export function createPinRecord(
  kind: 'pin' | 'unpin',
  id: string,
  targetId: string,
  service: HistoryTarget,
  at: Date,
  reason: string | undefined,
): PinRecord {
  return {
    schemaVersion: 1,
    kind,
    id,
    target: targetId,
    project: service.project,
    stage: service.stage,
    service: service.service,
    at: at.toISOString(),
    reason: reason ?? null,
  };
}

/** True for an invalidation record. */
export function isInvalidation(record: HistoryRecord): record is InvalidationRecord {
  return record.kind === 'invalidation' && typeof (record as { target?: unknown }).target === 'string';
}

/** True for a pin or unpin record. */
export function isPinRecord(record: HistoryRecord): record is PinRecord {
  return (
    (record.kind === 'pin' || record.kind === 'unpin') &&
    typeof (record as { target?: unknown }).target === 'string' &&
    targetOf(record) !== undefined
  );
}

/** True for a record that readers apply instead of returning. */
export function isBookkeeping(record: HistoryRecord): record is BookkeepingRecord {
  return isInvalidation(record) || isPinRecord(record);
}

/** The project, stage and service of a record; undefined when it lacks one of them. */
export function targetOf(record: HistoryRecord): HistoryTarget | undefined {
  const { project, stage, service } = record;
  if (project === undefined || stage === undefined || service === undefined) return undefined;
  return { project, stage, service };
}

/**
 * When a record happened, for `since` and for listings: an evaluation's `evaluatedAt`, a
 * sequence run's `finishedAt`, a deployment's `deployedAt`, bookkeeping's `at`.
 */
export function recordTime(record: HistoryRecord): string | undefined {
  const fields = record as unknown as Record<string, unknown>;
  for (const name of ['evaluatedAt', 'finishedAt', 'deployedAt', 'at']) {
    const value = fields[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** True when the record passes the query's filters (all but `limit` and invalidation). */
export function matchesQuery(record: HistoryRecord, query: HistoryQuery): boolean {
  if (query.project !== undefined && record.project !== query.project) return false;
  if (query.stage !== undefined && record.stage !== query.stage) return false;
  if (query.service !== undefined && record.service !== query.service) return false;
  if (query.kind !== undefined && record.kind !== query.kind) return false;
  if (query.results !== undefined) {
    const result = (record as { result?: unknown }).result;
    if (typeof result !== 'string' || !query.results.includes(result)) return false;
  }
  if (query.since !== undefined) {
    const time = recordTime(record);
    if (time === undefined || Date.parse(time) < Date.parse(query.since)) return false;
  }
  return true;
}

/**
 * The state a history's bookkeeping builds, replayed in either direction. Read oldest first, a
 * later pin replaces an earlier one; read newest first, the first pin or unpin seen for a service
 * decides. Either way a record's invalidation is appended after it, so a reader going newest
 * first has seen it before it meets the record, and can stop early.
 */
export class HistoryReplay {
  private readonly invalidated = new Set<string>();
  /** Service key → the pinned evaluation's id, or null after an unpin. */
  private readonly pins = new Map<string, string | null>();

  constructor(private readonly order: 'oldest-first' | 'newest-first') {}

  /** Applies a bookkeeping record; false for any other record. */
  note(record: HistoryRecord): boolean {
    if (isInvalidation(record)) {
      this.invalidated.add(record.target);
      return true;
    }
    if (!isPinRecord(record)) return false;
    const key = serviceKey(record);
    if (this.order === 'oldest-first' || !this.pins.has(key))
      this.pins.set(key, record.kind === 'pin' ? record.target : null);
    return true;
  }

  /** True once the newest pin or unpin of `service` has been seen (always, oldest first at the end). */
  decided(service: HistoryTarget): boolean {
    return this.pins.has(serviceKey(service));
  }

  /** The id the newest pin of `service` names; undefined when none or unpinned. */
  pinnedId(service: HistoryTarget): string | undefined {
    return this.pins.get(serviceKey(service)) ?? undefined;
  }

  isInvalidated(record: HistoryRecord): boolean {
    return record.invalidated === true || this.invalidated.has(record.id);
  }

  /** The record as readers see it: marked invalidated or pinned by the bookkeeping. */
  view(record: HistoryRecord): HistoryRecord {
    const target = targetOf(record);
    return viewRecord(
      record,
      this.invalidated.has(record.id),
      target !== undefined && this.pinnedId(target) === record.id,
    );
  }

  /** True when the record is one `query` returns (filters and invalidation applied). */
  answers(record: HistoryRecord, query: HistoryQuery): boolean {
    return matchesQuery(record, query) && (query.includeInvalidated === true || !this.isInvalidated(record));
  }
}

/**
 * The record as readers see it, given whether an invalidation names it and whether its service's
 * newest pin does: marked `invalidated: true`, or `pinned: true` (never both).
 */
export function viewRecord(
  record: HistoryRecord,
  invalidatedByLog: boolean,
  pinnedByLog: boolean,
): HistoryRecord {
  const invalidated = invalidatedByLog && record.invalidated !== true;
  const pinned =
    pinnedByLog && targetOf(record) !== undefined && !invalidatedByLog && record.invalidated !== true;
  if (!invalidated && !pinned) return record;
  return { ...record, ...(invalidated ? { invalidated: true } : {}), ...(pinned ? { pinned: true } : {}) };
}

/**
 * The answer to `query` from every record in append order: bookkeeping applied, newest first,
 * invalidated ones left out unless asked for, then cut to `limit`.
 */
function answerQuery(inAppendOrder: readonly HistoryRecord[], query: HistoryQuery): HistoryRecord[] {
  const replay = new HistoryReplay('oldest-first');
  const candidates = inAppendOrder.filter((record) => !replay.note(record));
  const newestFirst = candidates
    .toReversed()
    .filter((record) => replay.answers(record, query))
    .map((record) => replay.view(record));
  return query.limit === undefined ? newestFirst : newestFirst.slice(0, Math.max(0, query.limit));
}

/** A store's newest-first read: records newest first, bookkeeping replayed, until `visit` returns true. */
export type NewestFirstScan = (
  visit: (record: HistoryRecord, replay: HistoryReplay) => boolean,
) => Promise<void>;

/**
 * HistoryStore.query for a store that can read newest first: without a limit, `answerQuery` over
 * every record; with one, a newest-first scan that stops once `limit` records answer.
 */
export async function queryNewestFirst(
  query: HistoryQuery,
  readAll: () => Promise<readonly HistoryRecord[]>,
  scan: NewestFirstScan,
): Promise<HistoryRecord[]> {
  if (query.limit === undefined) return answerQuery(await readAll(), query);
  const found: HistoryRecord[] = [];
  if (query.limit <= 0) return found;
  await scan((record, replay) => {
    if (replay.answers(record, query)) found.push(replay.view(record));
    return found.length >= (query.limit ?? 0);
  });
  return found;
}

/** HistoryStore.get for a store that can read newest first: the newest record with `id`, as readers see it. */
export async function getNewestFirst(scan: NewestFirstScan, id: string): Promise<HistoryRecord | undefined> {
  let found: HistoryRecord | undefined;
  await scan((record, replay) => {
    if (record.id !== id) return false;
    found = replay.view(record);
    return true;
  });
  return found;
}

/** A service's key in maps of pins. */
export function serviceKey(service: HistoryTarget): string {
  return JSON.stringify([service.project, service.stage, service.service]);
}
