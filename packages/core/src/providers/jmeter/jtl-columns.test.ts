import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import {
  headerlessLayout,
  isHeader,
  JMETER_DEFAULT_COLUMNS,
  layoutFromHeader,
  parseDecimal,
  parseDigits,
  parseFormattedTime,
  parseSuccess,
} from './jtl-columns.js';

const bytes = (text: string) => Buffer.from(`#${text}#`);

describe('parseFormattedTime', () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  // Node re-reads TZ when it is assigned, so these check the local-time reading for real.
  it.each([
    ['America/New_York', '2019/12/05 12:37:24', Date.UTC(2019, 11, 5, 17, 37, 24)],
    ['America/New_York', '2019-07-05 12:37:24.123', Date.UTC(2019, 6, 5, 16, 37, 24, 123)],
    ['Europe/Berlin', '2019-12-05T12:37:24', Date.UTC(2019, 11, 5, 11, 37, 24)],
    ['Europe/Berlin', '2019-12-05 12:37:24,5', Date.UTC(2019, 11, 5, 11, 37, 24, 500)],
    ['Asia/Kolkata', '2019/12/05 00:00', Date.UTC(2019, 11, 4, 18, 30)],
    ['Asia/Kolkata', '2019-12-05T12:37:24Z', Date.UTC(2019, 11, 5, 12, 37, 24)],
    ['Asia/Kolkata', '2019-12-05T12:37:24.250-0500', Date.UTC(2019, 11, 5, 17, 37, 24, 250)],
    ['UTC', '2019-12-05T12:37:24+01:00', Date.UTC(2019, 11, 5, 11, 37, 24)],
  ])('in %s reads %s', (tz, text, expected) => {
    process.env.TZ = tz;
    expect(parseFormattedTime(text)).toBe(expected);
  });

  it.each(['yesterday', '12/05/2019 12:37:24', '2019/12/05', '', '2019-12-05T12:37:24+1'])(
    'rejects %j',
    (text) => {
      expect(parseFormattedTime(text)).toBeNaN();
    },
  );
});

describe('field values', () => {
  it.each([
    ['true', 1],
    ['TRUE', 1],
    ['True', 1],
    ['false', 0],
    ['FALSE', 0],
    ['yes', -1],
    ['', -1],
    ['truee', -1],
    ['t rue', -1],
  ])('parseSuccess(%j) is %i', (text, expected) => {
    expect(parseSuccess(bytes(text), 1, text.length + 1)).toBe(expected);
  });

  it.each([
    ['0', 0],
    ['205', 205],
    ['1597798959524', 1597798959524],
    ['', NaN],
    ['-1', NaN],
    ['1.5', NaN],
    [' 1', NaN],
  ])('parseDigits(%j) is %s', (text, expected) => {
    expect(parseDigits(bytes(text), 1, text.length + 1)).toBe(expected);
  });

  it.each([
    ['1.5', 1.5],
    [' -3 ', -3],
    ['1e3', NaN],
    ['0x10', NaN],
    ['', NaN],
  ])('parseDecimal(%j) is %s', (text, expected) => {
    expect(parseDecimal(text)).toBe(expected);
  });
});

describe('column layout', () => {
  it.each([
    ['timeStamp', true],
    [' TIMESTAMP ', true],
    ['1597798959524', false],
    ['time', false],
  ])('isHeader(%j) is %s', (field, expected) => {
    expect(isHeader(field)).toBe(expected);
  });

  it('finds columns by name in any order and case', () => {
    const layout = layoutFromHeader(
      ['Connect', 'label', 'SUCCESS', 'elapsed', 'x', 'timeStamp', 'latency'],
      'r.jtl',
    );
    expect(layout).toEqual({
      hasHeader: true,
      fieldCount: 7,
      timeStamp: 5,
      elapsed: 3,
      label: 1,
      success: 2,
      latency: 6,
      connect: 0,
    });
  });

  it('names the missing and the found columns', () => {
    const read = () => layoutFromHeader(['timeStamp', 'elapsed', 'label'], 'r.jtl');
    expect(read).toThrow(InputError);
    expect(read).toThrow('r.jtl:1: the header line has no success column (found: timeStamp, elapsed, label)');
  });

  it.each([
    [17, 14, 16],
    [16, -1, -1],
    [10, -1, -1],
    [8, -1, -1],
  ])('without a header, %i fields put Latency at %i and Connect at %i', (fieldCount, latency, connect) => {
    expect(headerlessLayout(fieldCount, 'r.jtl')).toMatchObject({
      hasHeader: false,
      latency,
      connect,
      success: 7,
    });
  });

  it('matches JMeter 5 default column positions', () => {
    expect([14, 16, 7].map((i) => JMETER_DEFAULT_COLUMNS[i])).toEqual(['Latency', 'Connect', 'success']);
  });

  it('refuses a headerless first row too short for JMeter', () => {
    expect(() => headerlessLayout(7, 'r.jtl')).toThrow(
      /r\.jtl:1: no header line, and 7 fields where JMeter writes at least 8/,
    );
  });
});
