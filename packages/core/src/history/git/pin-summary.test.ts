import { describe, expect, it } from 'vitest';
import { createInvalidation, createPinRecord, serviceKey as pinKey } from '../bookkeeping.js';
import { sampleEvaluation } from '../test-support/history-store-contract.js';
import { foldPins, locatePin, parsePins, serialisePins, unlocated } from './pin-summary.js';

const carts = { project: 'shop', stage: 'hardening', service: 'carts' };
const at = new Date('2025-01-01T00:00:00Z');

describe('pins.json', () => {
  it('folds pins, unpins and invalidations, oldest first, and finds the pinned evaluation', () => {
    const a = sampleEvaluation('a');
    const pinA = createPinRecord('pin', 'p1', 'a', carts, at, undefined);
    let state = foldPins(new Map(), [a, pinA], 1);
    expect(state.get(pinKey(carts))).toEqual({ target: 'a', segment: undefined, invalidated: false });
    expect(unlocated(state)).toEqual(new Set(['a']));
    state = locatePin(state, 'a', 1, false);
    expect(state.get(pinKey(carts))).toEqual({ target: 'a', segment: 1, invalidated: false });
    state = foldPins(state, [createInvalidation('i1', a, at, 'why')], 2);
    expect(state.get(pinKey(carts))?.invalidated).toBe(true);
    state = foldPins(state, [createPinRecord('unpin', 'u1', 'a', carts, at, undefined)], 3);
    expect(state.size).toBe(0);
  });

  it('reads back what it writes, and nothing that is not one', () => {
    const state = new Map([
      [pinKey(carts), { target: 'a', segment: 4, invalidated: false }],
      [pinKey({ ...carts, stage: 'production' }), { target: 'b', segment: undefined, invalidated: true }],
    ]);
    const text = serialisePins(state);
    expect(text).toBe(
      '{"schemaVersion":1,"pins":[{"project":"shop","stage":"hardening","service":"carts","target":"a","segment":4},' +
        '{"project":"shop","stage":"production","service":"carts","target":"b","invalidated":true}]}\n',
    );
    expect(parsePins(text)).toEqual(state);
    for (const broken of [
      '',
      '{',
      '[]',
      '{"schemaVersion":2,"pins":[]}',
      '{"schemaVersion":1,"pins":[{"project":1}]}',
    ])
      expect(parsePins(broken)).toBeUndefined();
  });
});
