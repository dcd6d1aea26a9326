/**
 * `invalidate`, `pin`, `unpin` and `pinned`, the same in every store that keeps bookkeeping as
 * appended records (bookkeeping.ts): each store says how it finds a record and a service's newest
 * pin, and how it appends; the rules and the records appended are these.
 */

import { randomUUID } from 'node:crypto';
import type { Clock } from '../environment.js';
import { createInvalidation, createPinRecord } from './bookkeeping.js';
import type { HistoryRecord, HistoryTarget } from './history-store.js';
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
