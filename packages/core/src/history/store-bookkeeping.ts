/**
 * `invalidate`, `pin`, `unpin` and `pinned`, the same in every store that keeps bookkeeping as
 * appended records (bookkeeping.ts): each store says how it finds a record and a service's newest
 * pin, and how it appends; the rules and the records appended are these.
 */

import { randomUUID } from 'node:crypto';
import type { Clock } from '../environment.js';
import {
  createInvalidation,
  createPinRecord,
  getNewestFirst,
  queryNewestFirst,
  type NewestFirstScan,
} from './bookkeeping.js';
import type { HistoryQuery, HistoryRecord, HistoryStore, HistoryTarget } from './history-store.js';
import { pinnableTarget, unknownRecordError } from './store-rules.js';

/** What a store gives the bookkeeping operations. */
export interface BookkeepingStore {
  readonly location: string;
  readonly clock: Clock;
  /** The record as `get` returns it (marked invalidated or pinned). */
  get(id: string): Promise<HistoryRecord | undefined>;
  append(record: HistoryRecord): Promise<void>;
  /** The id the newest pin of `service` names; undefined when none, or an unpin came after it. */
  newestPin(service: HistoryTarget): Promise<string | undefined>;
}

/** HistoryStore.invalidate. */
export async function invalidateRecord(
  store: BookkeepingStore,
  id: string,
  reason: string | undefined,
): Promise<HistoryRecord> {
  const target = await store.get(id);
  if (target === undefined) throw unknownRecordError(id, store.location);
  if (target.invalidated === true) return target;
  await store.append(createInvalidation(randomUUID(), target, store.clock.now(), reason));
  const { pinned: _wasPinned, ...unpinned } = target;
  return { ...unpinned, invalidated: true };
}

/** HistoryStore.pin. */
export async function pinRecord(
  store: BookkeepingStore,
  id: string,
  reason: string | undefined,
): Promise<HistoryRecord> {
  const record = await store.get(id);
  const service = pinnableTarget(record, id, store.location);
  if (record?.pinned === true) return record;
  await store.append(createPinRecord('pin', randomUUID(), id, service, store.clock.now(), reason));
  return { ...record, pinned: true } as HistoryRecord;
}

/** HistoryStore.unpin. */
export async function unpinService(
  store: BookkeepingStore,
  service: HistoryTarget,
  reason: string | undefined,
): Promise<HistoryRecord | undefined> {
  const pinnedId = await store.newestPin(service);
  if (pinnedId === undefined) return undefined;
  await store.append(createPinRecord('unpin', randomUUID(), pinnedId, service, store.clock.now(), reason));
  const { pinned: _wasPinned, ...record } = (await store.get(pinnedId)) ?? { id: pinnedId };
  return record as HistoryRecord;
}

/** HistoryStore.pinned. */
export async function findPinned(
  store: BookkeepingStore,
  service: HistoryTarget,
): Promise<HistoryRecord | undefined> {
  const pinnedId = await store.newestPin(service);
  if (pinnedId === undefined) return undefined;
  const record = await store.get(pinnedId);
  return record?.pinned === true ? record : undefined;
}

/**
 * The part of HistoryStore every store that keeps its records as a log shares (`file:`, `git:`):
 * `query` and `get` from a newest-first scan, and the bookkeeping operations above. A subclass
 * says how it appends, scans, reads everything and finds a service's newest pin.
 */
export abstract class LogHistoryStore
  implements Pick<HistoryStore, 'query' | 'get' | 'invalidate' | 'pin' | 'unpin'>, BookkeepingStore
{
  abstract readonly location: string;
  abstract readonly clock: Clock;
  abstract append(record: HistoryRecord): Promise<void>;
  abstract newestPin(service: HistoryTarget): Promise<string | undefined>;
  /** Reads records newest first, replaying bookkeeping as it goes, until `visit` returns true. */
  protected abstract scanNewestFirst(visit: Parameters<NewestFirstScan>[0]): Promise<void>;
  /** Every record in append order, bookkeeping included. */
  protected abstract readAll(): Promise<HistoryRecord[]>;

  query(query: HistoryQuery): Promise<HistoryRecord[]> {
    return queryNewestFirst(
      query,
      () => this.readAll(),
      (visit) => this.scanNewestFirst(visit),
    );
  }

  get(id: string): Promise<HistoryRecord | undefined> {
    return getNewestFirst((visit) => this.scanNewestFirst(visit), id);
  }

  invalidate(id: string, reason?: string): Promise<HistoryRecord> {
    return invalidateRecord(this, id, reason);
  }

  pin(id: string, reason?: string): Promise<HistoryRecord> {
    return pinRecord(this, id, reason);
  }

  unpin(service: HistoryTarget, reason?: string): Promise<HistoryRecord | undefined> {
    return unpinService(this, service, reason);
  }
}
