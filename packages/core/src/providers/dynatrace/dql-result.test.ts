import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeGrailError, missingScopesOf, reduceDqlResult } from './dql-result.js';
import { createRedactor } from '../../redaction/redaction.js';

const FIXTURES = new URL('../../../../../fixtures/dynatrace/', import.meta.url);
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Record<string, unknown>;
const resultOf = (name: string): unknown => fixture(name)['result'];

const typed = (records: unknown[], mappings: Record<string, string>) => ({
  records,
  types: [
    {
      indexRange: [0, Math.max(0, records.length - 1)],
      mappings: Object.fromEntries(Object.entries(mappings).map(([field, type]) => [field, { type }])),
    },
  ],
});

describe('reduceDqlResult on the built fixtures', () => {
  it.each<[string, Record<string, unknown>]>([
    ['grail-query-execute_200_succeeded_one-record', { kind: 'value', value: 31846.08512740705 }],
    ['grail-query-poll_200_succeeded_one-record-long', { kind: 'value', value: 42 }],
    ['grail-query-execute_200_succeeded_zero-records', { kind: 'no-data', message: 'returned no records' }],
    [
      'grail-query-execute_200_succeeded_three-records',
      {
        kind: 'error',
        message: expect.stringMatching(/^returned 3 records, but one is expected.*summarize/),
      },
    ],
    [
      'grail-query-execute_200_succeeded_timeseries-array',
      {
        kind: 'error',
        message: expect.stringMatching(
          /^returned the fields timeframe, interval, rt, but one number is expected/,
        ),
      },
    ],
  ])('%s', (name, expected) => {
    expect(reduceDqlResult(resultOf(name))).toEqual(expected);
  });
});

describe('reduceDqlResult rules', () => {
  it.each<[string, unknown, Record<string, unknown>]>([
    ['a single double', typed([{ p95: 512.3 }], { p95: 'double' }), { kind: 'value', value: 512.3 }],
    ['a number without types', { records: [{ v: 7 }] }, { kind: 'value', value: 7 }],
    ['a long as text', typed([{ 'count()': '-12' }], { 'count()': 'long' }), { kind: 'value', value: -12 }],
    ['a double as text', typed([{ v: '1.5e3' }], { v: 'double' }), { kind: 'value', value: 1500 }],
    [
      'the field named value among others',
      typed([{ timeframe: { start: 'x', end: 'y' }, value: 3 }], { timeframe: 'timeframe', value: 'long' }),
      { kind: 'value', value: 3 },
    ],
    [
      'null',
      typed([{ v: null }], { v: 'double' }),
      { kind: 'no-data', message: 'returned null in the field v' },
    ],
    ['an empty record', { records: [null] }, { kind: 'no-data', message: 'returned an empty record' }],
    [
      'NaN as text',
      typed([{ v: 'NaN' }], { v: 'double' }),
      { kind: 'no-data', message: 'returned NaN in the field v' },
    ],
    [
      'text that is not a number',
      typed([{ v: 'fast' }], { v: 'string' }),
      {
        kind: 'error',
        message: expect.stringMatching(/^returned a string in the field v, but a number is expected/),
      },
    ],
    [
      'a number string without types',
      { records: [{ v: '12' }] },
      { kind: 'error', message: expect.stringMatching(/^returned string in the field v/) },
    ],
    [
      'a duration (nanoseconds) is not taken as is',
      typed([{ d: 1500000 }], { d: 'duration' }),
      { kind: 'error', message: expect.stringMatching(/^returned a duration in the field d/) },
    ],
    [
      'an array',
      typed([{ rt: [1, 2, null] }], { rt: 'array' }),
      { kind: 'error', message: expect.stringMatching(/array in the field rt.*arrayAvg\(rt\)/) },
    ],
    [
      'several fields, none named value',
      typed([{ a: 1, b: 2 }], { a: 'long', b: 'long' }),
      { kind: 'error', message: expect.stringMatching(/^returned the fields a, b.*\| fields value = /) },
    ],
    [
      'no fields',
      { records: [{}] },
      { kind: 'error', message: expect.stringMatching(/^returned no fields/) },
    ],
    [
      'ten records (the most asked for)',
      { records: Array.from({ length: 10 }, () => ({ v: 1 })) },
      { kind: 'error', message: expect.stringMatching(/^returned 10 or more records/) },
    ],
    [
      'no records array',
      { state: 'SUCCEEDED' },
      { kind: 'error', message: expect.stringMatching(/no result records/) },
    ],
    ['nothing at all', undefined, { kind: 'error', message: expect.stringMatching(/no result records/) }],
  ])('%s', (_name, result, expected) => {
    expect(reduceDqlResult(result)).toEqual(expected);
  });

  it('uses the type bucket whose index range holds record 0', () => {
    const result = {
      records: [{ v: '5' }],
      types: [
        { indexRange: [1, 3], mappings: { v: { type: 'string' } } },
        { indexRange: [0, 0], mappings: { v: { type: 'long' } } },
      ],
    };
    expect(reduceDqlResult(result)).toEqual({ kind: 'value', value: 5 });
  });

  it("appends Grail's notifications to 'no data'", () => {
    const result = {
      records: [],
      metadata: {
        grail: { notifications: [{ severity: 'WARNING', message: 'Your query reached the scan limit.' }] },
      },
    };
    expect(reduceDqlResult(result)).toEqual({
      kind: 'no-data',
      message: 'returned no records; Dynatrace notes: Your query reached the scan limit.',
    });
  });
});

describe('describeGrailError', () => {
  it('reads the envelope: message, details.errorMessage and the position', () => {
    expect(describeGrailError(fixture('grail-query-execute_400_parse-error'), createRedactor())).toBe(
      "UNEXPECTED_TOKEN: There's an unexpected token `fieldz`. Please check the syntax. (at line 2, column 3 of the query)",
    );
  });

  it.each([
    [{ error: { code: 500, message: 'Internal error' } }, 'Internal error'],
    [{ error: { code: 400, message: 'same', details: { errorMessage: 'same' } } }, 'same'],
    ['<html><body>Bad   gateway</body></html>\n', '<html><body>Bad gateway</body></html>'],
    [{ unexpected: true }, ''],
    [null, ''],
  ])('%j → %j', (body, text) => {
    expect(describeGrailError(body, createRedactor())).toBe(text);
  });

  it('reads missingScopes from a 403', () => {
    expect(missingScopesOf(fixture('grail-query-execute_403_missing-scope'))).toEqual([
      'storage:metrics:read',
    ]);
    expect(missingScopesOf({ error: { code: 403, message: 'Forbidden' } })).toEqual([]);
  });
});
