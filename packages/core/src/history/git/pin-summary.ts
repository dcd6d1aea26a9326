/**
 * segments/pins.json: for each service, the evaluation pinned at the end of the newest segment,
 * the segment that holds that evaluation, and whether it was invalidated by then. It is written
 * in the commit that seals a segment. A pin can be any age, so without it a baseline would read
 * the whole history (to find that a service was never pinned, or where its pinned evaluation
 * is); with it, a reader that finds no pin or unpin of the service in history.jsonl reads one
 * small file, and one segment for a pinned evaluation. It is derived from the segments, which
 * stay the truth: a missing or unreadable summary means reading them.
 */

import { isInvalidation, isPinRecord, serviceKey } from '../bookkeeping.js';
import type { HistoryRecord, HistoryTarget } from '../history-store.js';

/** The pin of one service. */
export interface PinnedEvaluation {
  readonly target: string;
  /** The segment that holds the evaluation; undefined when it was not found. */
  readonly segment: number | undefined;
  readonly invalidated: boolean;
}

/** Service key (bookkeeping's serviceKey) → its pin. */
export type PinState = ReadonlyMap<string, PinnedEvaluation>;

interface PinEntry extends HistoryTarget {
  target: string;
  segment?: number;
  invalidated?: boolean;
}

/**
 * The state after the records of segment `segment` (oldest first): pins and unpins applied,
 * invalidations of pinned evaluations noted, and pinned evaluations found in it located.
 */
export function foldPins(state: PinState, records: Iterable<HistoryRecord>, segment: number): PinState {
  const next = new Map(state);
  const update = (match: (pin: PinnedEvaluation) => boolean, change: Partial<PinnedEvaluation>) => {
    for (const [key, pin] of next) if (match(pin)) next.set(key, { ...pin, ...change });
  };
  for (const record of records) {
    if (isPinRecord(record)) {
      if (record.kind === 'unpin') next.delete(serviceKey(record));
      else next.set(serviceKey(record), { target: record.target, segment: undefined, invalidated: false });
    } else if (isInvalidation(record)) {
      update((pin) => pin.target === record.target, { invalidated: true });
    } else {
      update((pin) => pin.target === record.id && pin.segment === undefined, { segment });
    }
  }
  return next;
}

/** pins.json's text. */
export function serialisePins(state: PinState): string {
  const pins: PinEntry[] = [...state].map(([key, pin]) => {
    const [project = '', stage = '', service = ''] = JSON.parse(key) as string[];
    return {
      project,
      stage,
      service,
      target: pin.target,
      ...(pin.segment === undefined ? {} : { segment: pin.segment }),
      ...(pin.invalidated ? { invalidated: true } : {}),
    };
  });
  return `${JSON.stringify({ schemaVersion: 1, pins })}\n`;
}

/** The state pins.json holds; undefined when it cannot be read as one. */
export function parsePins(text: string): PinState | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const document = value as { schemaVersion?: unknown; pins?: unknown } | null;
  if (document?.schemaVersion !== 1 || !Array.isArray(document.pins)) return undefined;
  const state = new Map<string, PinnedEvaluation>();
  for (const pin of document.pins as Partial<PinEntry>[]) {
    const { project, stage, service, target, segment, invalidated } = pin;
    if ([project, stage, service, target].some((field) => typeof field !== 'string')) return undefined;
    state.set(serviceKey(pin as PinEntry), {
      target: target as string,
      segment: Number.isInteger(segment) ? segment : undefined,
      invalidated: invalidated === true,
    });
  }
  return state;
}

/** The pins whose evaluation has not been found yet. */
export function unlocated(state: PinState): Set<string> {
  return new Set([...state.values()].filter((pin) => pin.segment === undefined).map((pin) => pin.target));
}

/** Notes where an evaluation was found and whether an invalidation of it was seen. */
export function locatePin(state: PinState, target: string, segment: number, invalidated: boolean): PinState {
  const next = new Map(state);
  for (const [key, pin] of next)
    if (pin.target === target && pin.segment === undefined)
      next.set(key, { ...pin, segment, invalidated: pin.invalidated || invalidated });
  return next;
}
