/**
 * A streaming CSV reader for JMeter result files: reads fixed-size chunks into one reused
 * Buffer and hands each row to a callback as byte offsets, so memory does not grow with the
 * file and no string is made for fields nobody reads. Quoting follows what JMeter's
 * CSVSaveService writes (RFC 4180): a field holding a comma, a quote or a line break is quoted,
 * quotes inside it are doubled, and a quoted field may span lines.
 */
import { openRegularFile } from '../../files/regular-file.js';
import { CsvRow, CsvSyntaxError } from './csv-row.js';

/** Bytes read per call; large enough that syscalls cost nothing next to scanning. */
export const DEFAULT_CHUNK_SIZE = 1 << 20;

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const MORE = -1;
const ROW_ENDED = -2;

/**
 * The longest row accepted. JMeter rows are short (a failure message at most); a longer one is
 * an unbalanced quote swallowing the rest of the file, and reading on would take memory and
 * time growing with the file.
 */
export const MAX_ROW_BYTES = 16 << 20;

export interface ScanOptions {
  /** Bytes per read; tests pass tiny values to put chunk boundaries everywhere. */
  chunkSize?: number;
  /** Longest row; tests pass small values. */
  maxRowBytes?: number;
}

/** Calls `onRow` for every row of the file at `path`, in order. */
export async function scanCsvFile(
  path: string,
  onRow: (row: CsvRow) => void,
  options: ScanOptions = {},
): Promise<void> {
  const chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const maxRowBytes = options.maxRowBytes ?? MAX_ROW_BYTES;
  const scanner = new RowScanner(onRow);
  let bomChecked = false;
  await readChunks(path, chunkSize, (buf, filled, eof) => {
    let start = 0;
    if (!bomChecked) {
      if (filled < 3 && !eof) return 0;
      bomChecked = true;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    }
    start = scanner.scan(buf, start, filled, eof);
    if (filled - start > maxRowBytes) {
      throw new CsvSyntaxError(
        `a row longer than ${maxRowBytes >= 1 << 20 ? `${maxRowBytes / (1 << 20)} MiB` : `${maxRowBytes} bytes`} starts here: most likely a quote that is never closed`,
        scanner.line,
      );
    }
    // Keep the unfinished row at the front; the next read appends to it.
    return start;
  });
}

/**
 * Reads the file at `path` in `chunkSize` reads into one reused Buffer (for the CSV and the XML
 * scanner). `consume(buf, filled, eof)` returns where the bytes it cannot use yet (an unfinished
 * row or tag) start; they move to the front and the next read appends to them.
 */
export async function readChunks(
  path: string,
  chunkSize: number,
  consume: (buf: Buffer, filled: number, eof: boolean) => number,
): Promise<void> {
  // The shared guard: a path swapped for a FIFO since checkJtlFile cannot block the read.
  const handle = await openRegularFile(path);
  try {
    let buf: Buffer = Buffer.allocUnsafe(chunkSize);
    let filled = 0;
    let eof = false;
    while (!eof) {
      if (filled === buf.length) buf = growBuffer(buf, filled);
      const { bytesRead } = await handle.read(buf, filled, Math.min(chunkSize, buf.length - filled), null);
      filled += bytesRead;
      eof = bytesRead === 0;
      const start = consume(buf, filled, eof);
      if (start > 0) {
        buf.copy(buf, 0, start, filled);
        filled -= start;
      }
    }
  } finally {
    await handle.close();
  }
}

function growBuffer(buf: Buffer, filled: number): Buffer {
  // Only a row or tag longer than the buffer gets here, so memory follows the longest one.
  const grown = Buffer.allocUnsafe(buf.length * 2);
  buf.copy(grown, 0, 0, filled);
  return grown;
}

/** Splits buffered bytes into rows; keeps the line count across calls. */
class RowScanner {
  private readonly row = new CsvRow();
  /** The line the next row starts on. */
  line = 1;
  private rowEnd = 0;

  constructor(private readonly onRow: (row: CsvRow) => void) {}

  /** Emits every complete row in `buf[pos, end)` (all of it at end of file); returns where the rest starts. */
  scan(buf: Buffer, pos: number, end: number, eof: boolean): number {
    const row = this.row;
    row.buf = buf;
    while (pos < end) {
      const next = this.scanRow(buf, pos, end, eof);
      if (next < 0) return pos;
      row.line = this.line;
      this.onRow(row);
      this.line += row.innerLineBreaks + 1;
      pos = next;
    }
    return pos;
  }

  /** Scans one row starting at `pos`; returns the offset after it, or -1 when it is not all here yet. */
  private scanRow(buf: Buffer, pos: number, end: number, eof: boolean): number {
    const row = this.row;
    row.innerLineBreaks = 0;
    row.openQuote = false;
    // Locals, not row properties, in the loop that runs once per byte of the file.
    let { starts, ends, quoted } = row;
    let n = 0;
    let p = pos;
    for (;;) {
      if (n === starts.length) {
        row.count = n;
        row.grow();
        ({ starts, ends, quoted } = row);
      }
      if (p < end && buf[p] === QUOTE) {
        row.count = n;
        const next = this.afterQuoted(buf, p + 1, end, eof);
        if (next === MORE) return -1;
        if (next === ROW_ENDED) return this.rowEnd;
        n = row.count;
        p = next;
        continue;
      }
      const s = p;
      let c = 0;
      while (p < end && (c = buf[p]!) !== COMMA && c !== LF) p++;
      if (p >= end) {
        if (!eof) return -1;
        c = 0; // the row ends at the end of the file
      }
      starts[n] = s;
      quoted[n] = 0;
      if (c === COMMA) {
        ends[n++] = p++;
        continue;
      }
      // A CR before the line end belongs to the CRLF, not to the field.
      ends[n++] = p > s && buf[p - 1] === CR ? p - 1 : p;
      row.count = n;
      row.terminated = c === LF;
      return c === LF ? p + 1 : end;
    }
  }

  /**
   * Reads a quoted field and what follows it: returns the offset of the next field, MORE when
   * the data ends too soon, or ROW_ENDED when the field ended the row (at `this.rowEnd`).
   */
  private afterQuoted(buf: Buffer, s: number, end: number, eof: boolean): number {
    const p = this.scanQuoted(buf, s, end, eof);
    if (p < 0 || p >= end) return eof ? this.endRow(false, end) : MORE;
    const c = buf[p];
    if (c === COMMA) return p + 1;
    if (c === LF) return this.endRow(true, p + 1);
    if (c === CR && p + 1 < end && buf[p + 1] === LF) return this.endRow(true, p + 2);
    if (c === CR && p + 1 >= end) return eof ? this.endRow(false, end) : MORE;
    throw new CsvSyntaxError('text after the closing quote of a field', this.line + this.row.innerLineBreaks);
  }

  /** Records a quoted field starting after its opening quote; returns the offset after its closing quote, or -1. */
  private scanQuoted(buf: Buffer, s: number, end: number, eof: boolean): number {
    const row = this.row;
    let q = s;
    let breaks = 0;
    for (;;) {
      if (q >= end) {
        if (!eof) return -1;
        row.openQuote = true;
        this.push(s, end, 1);
        row.innerLineBreaks += breaks;
        return end;
      }
      const c = buf[q];
      if (c === QUOTE) {
        // A quote at the end of the data closes the field, or the caller rescans once more is read.
        if (q + 1 >= end || buf[q + 1] !== QUOTE) break;
        q += 2;
        continue;
      }
      if (c === LF) breaks++;
      q++;
    }
    this.push(s, q, 1);
    row.innerLineBreaks += breaks;
    return q + 1;
  }

  private push(start: number, end: number, quoted: number): void {
    const row = this.row;
    row.starts[row.count] = start;
    row.ends[row.count] = end;
    row.quoted[row.count] = quoted;
    row.count++;
  }

  private endRow(terminated: boolean, next: number): number {
    this.row.terminated = terminated;
    this.rowEnd = next;
    return ROW_ENDED;
  }
}
