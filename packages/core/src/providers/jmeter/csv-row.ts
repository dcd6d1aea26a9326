/** A row of a CSV file as the scanner hands it out: offsets into its buffer, no strings. */

/** Raised for text no CSV writer produces, such as characters after a closing quote. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** One row as offsets into the scanner's buffer; valid only during the callback. */
export class CsvRow {
  buf: Buffer = Buffer.alloc(0);
  /** Number of fields. */
  count = 0;
  /** Field i is `buf[starts[i], ends[i])`, without its quotes. */
  starts = new Int32Array(32);
  ends = new Int32Array(32);
  /** 1 when field i was quoted, so its text may hold doubled quotes. */
  quoted = new Uint8Array(32);
  /** 1-based line on which the row starts. */
  line = 1;
  /** Line breaks inside quoted fields of this row. */
  innerLineBreaks = 0;
  /** False only for a last row that has no line end. */
  terminated = true;
  /** True when the file ended inside a quoted field: the writer was cut off, or a quote is unbalanced. */
  openQuote = false;

  /** The text of field i, unquoted. */
  text(i: number): string {
    const raw = this.buf.toString('utf8', this.starts[i], this.ends[i]);
    return this.quoted[i] === 1 ? raw.replaceAll('""', '"') : raw;
  }

  /** Makes room for at least one more field. */
  grow(): void {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    const quoted = new Uint8Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    quoted.set(this.quoted);
    this.starts = starts;
    this.ends = ends;
    this.quoted = quoted;
  }
}
