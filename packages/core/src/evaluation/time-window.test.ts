import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { parseInstant, resolveTimeWindow } from './time-window.js';

const now = new Date('2026-11-22T12:00:00.000Z');
const iso = (w: { start: Date; end: Date }) => [w.start.toISOString(), w.end.toISOString()];

describe('resolveTimeWindow', () => {
  it.each([
    [{}, ['2026-11-22T11:55:00.000Z', '2026-11-22T12:00:00.000Z']],
    [{ timeframe: '15m' }, ['2026-11-22T11:45:00.000Z', '2026-11-22T12:00:00.000Z']],
    [
      { start: '2026-11-22T10:00:00Z', timeframe: '1h30m' },
      ['2026-11-22T10:00:00.000Z', '2026-11-22T11:30:00.000Z'],
    ],
    [
      { start: '2026-11-22T10:00:00', end: '2026-11-22T10:10:00' },
      ['2026-11-22T10:00:00.000Z', '2026-11-22T10:10:00.000Z'],
    ],
    [{ start: '1795000000', end: '1795000600' }, ['2026-11-18T11:06:40.000Z', '2026-11-18T11:16:40.000Z']],
    [
      { start: '2026-11-22T10:00:00+01:00', timeframe: '2m' },
      ['2026-11-22T09:00:00.000Z', '2026-11-22T09:02:00.000Z'],
    ],
  ])('%j', (flags, expected) => {
    expect(iso(resolveTimeWindow(flags, now))).toEqual(expected);
  });

  it.each([
    [{ end: '2026-11-22T10:00:00Z', timeframe: '5m' }, 'cannot be used together'],
    [{ end: '2026-11-22T10:00:00Z' }, '--end needs --start'],
    [{ timeframe: '30s' }, 'shorter than one minute'],
    [
      { start: '2026-11-22T10:00:00Z', end: '2026-11-22T09:00:00Z' },
      '--start 2026-11-22T10:00:00.000Z is after --end 2026-11-22T09:00:00.000Z',
    ],
    [{ start: '2026-11-22T10:00:00Z', end: '2026-11-22T10:00:30Z' }, 'shorter than one minute'],
    [{ start: 'yesterday', timeframe: '5m' }, 'is not a time'],
    [{ timeframe: '5 minutes' }, 'is not a duration'],
    [{ timeframe: '99999999999999999999999h' }, 'longer than 10 years'],
    [{ start: '99999999999999999999', timeframe: '5m' }, 'is out of range'],
    [{ start: '+275761-01-01T00:00:00Z', timeframe: '5m' }, 'is not a time'],
  ])('rejects %j', (flags, message) => {
    expect(() => resolveTimeWindow(flags, now)).toThrow(UsageError);
    expect(() => resolveTimeWindow(flags, now)).toThrow(message);
  });
});

describe('parseInstant', () => {
  it('reads epoch milliseconds', () => {
    expect(parseInstant('1795000000000', '--start').toISOString()).toBe('2026-11-18T11:06:40.000Z');
  });
});
