/**
 * pins.json for a commit that seals segments: the pins as the newest segment left them, the
 * pins, unpins and invalidations of the segments being sealed, and the segment of each newly
 * pinned evaluation, found by reading back from the newest. That search is paid once, by the
 * commit that seals the pin, instead of by every baseline after it.
 */

import { isInvalidation } from '../bookkeeping.js';
import type { HistoryRecord } from '../history-store.js';
import type { SegmentListing } from './branch-layout.js';
import type { BranchReader } from './branch-reader.js';
import { foldPins, locatePin, unlocated, type PinState } from './pin-summary.js';

/** Segments read back at once while locating pinned evaluations. */
const LOCATE_BATCH = 16;

/** The records of one segment and its number. */
export interface SegmentRecords {
  number: number;
  records: readonly HistoryRecord[];
}

/** The pins at the end of the last of `sealed`, the segments about to be added after `listing`'s. */
export async function pinsAfterSeal(
  reader: BranchReader,
  listing: SegmentListing | undefined,
  sealed: readonly SegmentRecords[],
): Promise<PinState> {
  let pins = await pinsBefore(reader, listing);
  for (const { number, records } of sealed) pins = foldPins(pins, records, number);
  return locatePins(reader, pins, sealed, listing);
}

/** The pins at the end of the newest segment: from pins.json, else replayed from the segments. */
async function pinsBefore(reader: BranchReader, listing: SegmentListing | undefined): Promise<PinState> {
  if (listing === undefined || listing.segments.length === 0) return new Map();
  const summary = await reader.pins(listing.pins);
  if (summary !== undefined) return summary;
  await reader.prefetch(listing.segments.map((segment) => segment.oid));
  let pins: PinState = new Map();
  for (const segment of listing.segments)
    pins = foldPins(pins, (await reader.file(segment.oid, segment.path)).records, segment.number);
  return locatePins(reader, pins, [], listing);
}

/**
 * Finds the segments that hold pinned evaluations not located yet, reading back from the newest
 * (the segments being sealed, then the branch's), and notes the invalidations of them met on the
 * way: every one comes after its evaluation, so reading back to it sees them all.
 */
async function locatePins(
  reader: BranchReader,
  state: PinState,
  sealed: readonly SegmentRecords[],
  listing: SegmentListing | undefined,
): Promise<PinState> {
  let pins = state;
  const wanted = unlocated(pins);
  const invalidated = new Set<string>();
  const visit = ({ number, records }: SegmentRecords): boolean => {
    for (const record of records.toReversed()) {
      if (isInvalidation(record)) invalidated.add(record.target);
      else if (wanted.delete(record.id))
        pins = locatePin(pins, record.id, number, invalidated.has(record.id));
    }
    return wanted.size === 0;
  };
  if (wanted.size === 0 || sealed.toReversed().some(visit)) return pins;
  const older = (listing?.segments ?? []).toReversed();
  for (let index = 0; index < older.length; index += LOCATE_BATCH) {
    const batch = older.slice(index, index + LOCATE_BATCH);
    await reader.prefetch(batch.map((segment) => segment.oid));
    for (const segment of batch) {
      const { records } = await reader.file(segment.oid, segment.path);
      if (visit({ number: segment.number, records })) return pins;
    }
  }
  return pins;
}
