/**
 * Where the columns of a JTL file are, and how to read their values. With a header line the
 * columns are found by name; without one JMeter's default order is assumed.
 */
import { InputError } from '../../errors.js';

/** JMeter 5's default CSV columns, in the order it writes them without a header line. */
export const JMETER_DEFAULT_COLUMNS = [
  'timeStamp',
  'elapsed',
  'label',
  'responseCode',
  'responseMessage',
  'threadName',
  'dataType',
  'success',
  'failureMessage',
  'bytes',
  'sentBytes',
  'grpThreads',
  'allThreads',
  'URL',
  'Latency',
  'IdleTime',
  'Connect',
] as const;

const REQUIRED = ['timeStamp', 'elapsed', 'label', 'success'] as const;
/** The first columns are in the same positions in JMeter 2.x files, so they are safe to assume. */
const HEADERLESS_MIN_FIELDS = 8;

/** Column positions in a file; -1 when the file has no such column (or it cannot be known). */
export interface ColumnLayout {
  hasHeader: boolean;
  /** Fields every row must have. */
  fieldCount: number;
  timeStamp: number;
  elapsed: number;
  label: number;
  success: number;
  latency: number;
  connect: number;
}

/** Whether a first row is a header line: JMeter's header starts with `timeStamp`. */
export function isHeader(firstField: string): boolean {
  return firstField.trim().toLowerCase() === 'timestamp';
}

/** The layout given by a header line; throws when a required column is missing. */
export function layoutFromHeader(names: readonly string[], file: string): ColumnLayout {
  const index = new Map<string, number>();
  names.forEach((name, i) => {
    const key = name.trim().toLowerCase();
    if (!index.has(key)) index.set(key, i);
  });
  const find = (name: string): number => index.get(name.toLowerCase()) ?? -1;
  const missing = REQUIRED.filter((name) => find(name) < 0);
  if (missing.length > 0) {
    throw new InputError(
      `${file}:1: the header line has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''} ` +
        `(found: ${names.join(', ')})`,
      { hint: "save results with JMeter's default CSV columns (jmeter.save.saveservice.* = true)" },
    );
  }
  return {
    hasHeader: true,
    fieldCount: names.length,
    timeStamp: find('timeStamp'),
    elapsed: find('elapsed'),
    label: find('label'),
    success: find('success'),
    latency: find('Latency'),
    connect: find('Connect'),
  };
}

/**
 * The layout of a file without a header line, from the number of fields in its first row.
 * Latency and Connect are only trusted in rows of exactly JMeter 5's 17 default columns: other
 * versions and settings put them elsewhere.
 */
export function headerlessLayout(fieldCount: number, file: string): ColumnLayout {
  if (fieldCount < HEADERLESS_MIN_FIELDS) {
    throw new InputError(
      `${file}:1: no header line, and ${fieldCount} field${fieldCount === 1 ? '' : 's'} where JMeter ` +
        `writes at least ${HEADERLESS_MIN_FIELDS} (timeStamp, elapsed, label, ..., success); ` +
        'is this a JMeter CSV results file?',
      { hint: 'save results with a header line (jmeter.save.saveservice.print_field_names=true)' },
    );
  }
  const full = fieldCount === JMETER_DEFAULT_COLUMNS.length;
  return {
    hasHeader: false,
    fieldCount,
    timeStamp: 0,
    elapsed: 1,
    label: 2,
    success: 7,
    latency: full ? 14 : -1,
    connect: full ? 16 : -1,
  };
}

/** The value of ASCII digits in `buf[start, end)`, or NaN when they are anything else. */
export function parseDigits(buf: Buffer, start: number, end: number): number {
  if (start >= end || end - start > 15) return NaN;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = buf[i]! - 0x30;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A decimal number written as text (the slow path for values that are not plain digits). */
export function parseDecimal(text: string): number {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : NaN;
}

/** `true`/`false` in any case: 1, 0, or -1 for anything else. */
export function parseSuccess(buf: Buffer, start: number, end: number): number {
  const length = end - start;
  // OR 0x20 lower-cases ASCII letters, so one comparison covers every spelling.
  if (length === 4) {
    const word = (buf[start]! | 0x20) + ((buf[start + 1]! | 0x20) << 8);
    const rest = (buf[start + 2]! | 0x20) + ((buf[start + 3]! | 0x20) << 8);
    return word === 0x7274 && rest === 0x6575 ? 1 : -1; // "tr" "ue"
  }
  if (length === 5) {
    const ascii = buf.toString('latin1', start, end).toLowerCase();
    return ascii === 'false' ? 0 : -1;
  }
  return -1;
}

const FORMATTED =
  /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,3})\d*)?)?$/;
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Epoch milliseconds of a formatted timestamp, or NaN. JMeter formats timestamps in the local
 * time zone of the machine that ran the test (jmeter.save.saveservice.timestamp_format), so a
 * time without a zone is read in this process's local zone.
 */
export function parseFormattedTime(text: string): number {
  const trimmed = text.trim();
  const m = FORMATTED.exec(trimmed);
  if (m !== null) {
    const [, y, mo, d, h, mi, s, ms] = m;
    const millis = ms === undefined ? 0 : Number(ms.padEnd(3, '0'));
    return new Date(+y!, +mo! - 1, +d!, +h!, +mi!, s === undefined ? 0 : +s, millis).getTime();
  }
  if (ZONED.test(trimmed)) {
    // Date.parse wants "+01:00"; JMeter's SimpleDateFormat `Z` writes "+0100".
    return Date.parse(trimmed.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  }
  return NaN;
}

/** One sample's fields as a scanner hands them out (CsvRow, XmlSample): offsets into `buf`. */
export interface RawFields {
  buf: Buffer;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Field i's text, unquoted or decoded. */
  text(i: number): string;
}

/**
 * Field i as a number, or NaN: read in place when it is `plain` (neither quoted nor holding
 * entities), else, or when it is not plain digits, from its text.
 */
export function readNumber(fields: RawFields, i: number, plain: boolean): number {
  const value = plain ? parseDigits(fields.buf, fields.starts[i]!, fields.ends[i]!) : NaN;
  return Number.isNaN(value) ? parseDecimal(fields.text(i)) : value;
}

/** Field i as `true`/`false` in any case (parseSuccess), read in place when it is `plain`. */
export function readSuccess(fields: RawFields, i: number, plain: boolean): number {
  if (plain) return parseSuccess(fields.buf, fields.starts[i]!, fields.ends[i]!);
  const text = fields.text(i).toLowerCase();
  return text === 'true' ? 1 : text === 'false' ? 0 : -1;
}

/** Reads timestamps; a formatted one is parsed once per text (it repeats for every sample in the same second). */
export class TimeReader {
  private lastText = '';
  private lastTime = NaN;

  /** Field i as epoch milliseconds (digits, or a formatted time), or NaN. */
  read(fields: RawFields, i: number, plain: boolean): number {
    const digits = plain ? parseDigits(fields.buf, fields.starts[i]!, fields.ends[i]!) : NaN;
    if (!Number.isNaN(digits)) return digits;
    const text = fields.text(i);
    if (text !== this.lastText) {
      this.lastText = text;
      this.lastTime = parseFormattedTime(text);
    }
    return this.lastTime;
  }
}
