/**
 * Reading the branch's files in the two orders the store needs: append order (export, import,
 * a query without limit) and newest first, stopping as soon as a reader has what it wants (a
 * baseline, one id). Also where a service's pin is, which history.jsonl or pins.json answers
 * without reading the segments.
 */

import { HistoryReplay, serviceKey } from '../bookkeeping.js';
import type { HistoryRecord, HistoryTarget } from '../history-store.js';
import type { BranchFile } from './branch-file.js';
import { ACTIVE_FILE, type Segment } from './branch-layout.js';
import type { BranchReader } from './branch-reader.js';

/** Segments fetched together while reading further back. */
const READ_AHEAD = 8;

/** Where the pinned evaluation of a service is. */
export interface PinLookup {
  target: string;
  /** The segment that holds it, when pins.json says so. */
  segment?: Segment;
  /** Invalidated since it was pinned (pins.json, or history.jsonl). */
  invalidated?: boolean;
}

/** history.jsonl, then the segments from the newest, fetched a few at a time. */
async function* filesNewestFirst(reader: BranchReader): AsyncGenerator<BranchFile> {
  const tip = await reader.tip();
  if (tip === undefined) return;
  if (tip.active !== undefined) yield await reader.file(tip.active, ACTIVE_FILE);
  const segments = (await reader.segments(tip)).segments.toReversed();
  for (let index = 0; index < segments.length; index++) {
    if (index % READ_AHEAD === 0)
      await reader.prefetch(segments.slice(index, index + READ_AHEAD).map((segment) => segment.oid));
    const segment = segments[index]!;
    yield await reader.file(segment.oid, segment.path);
  }
}

/** Every file in append order: the segments from the oldest, then history.jsonl. */
export async function* filesOldestFirst(reader: BranchReader): AsyncGenerator<BranchFile> {
  const tip = await reader.tip();
  if (tip === undefined) return;
  const { segments } = await reader.segments(tip);
  await reader.prefetch(segments.map((segment) => segment.oid));
  for (const segment of segments) yield await reader.file(segment.oid, segment.path);
  if (tip.active !== undefined) yield await reader.file(tip.active, ACTIVE_FILE);
}

/**
 * Reads records newest first, replaying bookkeeping as it goes, until `visit` returns true.
 * `visit` sees only other records, unless `withBookkeeping` is set.
 */
export async function scanNewestFirst(
  reader: BranchReader,
  visit: (record: HistoryRecord, replay: HistoryReplay) => boolean,
  withBookkeeping = false,
): Promise<void> {
  const replay = new HistoryReplay('newest-first');
  for await (const file of filesNewestFirst(reader)) {
    for (let index = file.records.length - 1; index >= 0; index--) {
      const record = file.records[index]!;
      const isBookkeeping = replay.note(record);
      if ((withBookkeeping || !isBookkeeping) && visit(record, replay)) return;
    }
  }
}

/**
 * The evaluation the newest pin of `service` names, unless an unpin came after it: from
 * history.jsonl when it holds a pin or unpin of the service, else from pins.json, which also
 * says which segment holds it and whether it was invalidated.
 */
export async function findPin(reader: BranchReader, service: HistoryTarget): Promise<PinLookup | undefined> {
  const tip = await reader.tip();
  if (tip === undefined) return undefined;
  const replay = new HistoryReplay('newest-first');
  if (tip.active !== undefined)
    for (const record of (await reader.file(tip.active, ACTIVE_FILE)).records.toReversed())
      replay.note(record);
  const fromActive = replay.pinnedId(service);
  if (replay.decided(service)) return fromActive === undefined ? undefined : { target: fromActive };
  const listing = await reader.segments(tip);
  if (listing.segments.length === 0) return undefined;
  const summary = await reader.pins(listing.pins);
  if (summary === undefined) return findPinInSegments(reader, service);
  const pin = summary.get(serviceKey(service));
  if (pin === undefined) return undefined;
  const segment = listing.segments.find((candidate) => candidate.number === pin.segment);
  return {
    target: pin.target,
    invalidated: pin.invalidated || replay.isInvalidated({ id: pin.target } as HistoryRecord),
    ...(segment === undefined ? {} : { segment }),
  };
}

/** The pin read back through every file: for a branch whose pins.json is missing or damaged. */
async function findPinInSegments(
  reader: BranchReader,
  service: HistoryTarget,
): Promise<PinLookup | undefined> {
  let pinnedId: string | undefined;
  await scanNewestFirst(
    reader,
    (_record, seen) => {
      if (!seen.decided(service)) return false;
      pinnedId = seen.pinnedId(service);
      return true;
    },
    true,
  );
  return pinnedId === undefined ? undefined : { target: pinnedId };
}
