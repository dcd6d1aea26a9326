/**
 * A streaming reader for JMeter's XML results (`jmeter.save.saveservice.output_format=xml`):
 * reads fixed-size chunks into one reused Buffer, like csv-scanner.ts, and hands each top-level
 * sample's start tag to a callback as byte offsets. Text (response data), CDATA sections and
 * comments are skipped as they stream past, never held, so memory follows the longest tag, not
 * the file. Only what JMeter's writer (XStream) produces needs reading: elements, attributes in
 * double or single quotes, the five predefined entities and character references; a DOCTYPE
 * with an internal subset is refused. A general-purpose streaming parser (saxes 6) read a results
 * file at about a fifth of this speed (28 MB/s), making a string of every attribute of every element.
 */
import { DEFAULT_CHUNK_SIZE, readChunks } from './csv-scanner.js';
import { XML_ATTRIBUTES, XmlSample, XmlSyntaxError } from './xml-sample.js';

/** The longest tag accepted; JMeter's are a few hundred bytes (a long response message at most). */
export const MAX_TAG_BYTES = 16 << 20;

/** The elements JMeter writes for a sample (saveservice.properties). */
const SAMPLE_ELEMENTS = new Set(['sample', 'httpSample', 'statSample']);
const ROOT = 'testResults';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const LF = 0x0a;

export interface XmlScanOptions {
  /** Bytes per read; tests pass tiny values to put chunk boundaries everywhere. */
  chunkSize?: number;
  /** Longest tag; tests pass small values. */
  maxTagBytes?: number;
}

/** How the file ended: whole, or cut off (JMeter stopped while writing). */
export interface XmlScanEnd {
  /** True when `</testResults>` was read. */
  complete: boolean;
  /** The line of the tag the file stops in, if it does. */
  cutLine: number | undefined;
  /** True when the file ends inside a top-level sample's start tag, which was therefore not read. */
  cutSample: boolean;
}

/** Calls `onSample` for every top-level sample of the XML results file at `path`, in order. */
export async function scanXmlFile(
  path: string,
  onSample: (sample: XmlSample) => void,
  options: XmlScanOptions = {},
): Promise<XmlScanEnd> {
  const chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const maxTagBytes = options.maxTagBytes ?? MAX_TAG_BYTES;
  const scanner = new XmlScanner(onSample);
  await readChunks(path, chunkSize, (buf, filled, eof) => {
    const start = scanner.scan(buf, filled, eof);
    if (filled - start > maxTagBytes) {
      const size = maxTagBytes >= 1 << 20 ? `${maxTagBytes / (1 << 20)} MiB` : `${maxTagBytes} bytes`;
      throw new XmlSyntaxError(`a tag longer than ${size} starts here`, scanner.lineAt(start));
    }
    scanner.discard(start);
    return start;
  });
  return scanner.end();
}

/** What the scanner is inside of between chunks; each ends at its terminator. */
const SKIPPING = {
  text: '',
  comment: '-->',
  cdata: ']]>',
  pi: '?>',
  doctype: '>',
} as const;
type Mode = keyof typeof SKIPPING;
const TERMINATORS = Object.fromEntries(
  Object.entries(SKIPPING).map(([mode, end]) => [mode, Buffer.from(end, 'latin1')]),
) as Record<Mode, Buffer>;

/** Splits buffered bytes into markup; keeps the element stack and the line count across calls. */
class XmlScanner {
  private readonly sample = new XmlSample();
  private mode: Mode = 'text';
  /** Open elements, outermost first. */
  private readonly open: string[] = [];
  private readonly names = new Map<number, string>();
  private complete = false;
  private rootSeen = false;
  private cutSample = false;
  private cutLine: number | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Lines before the current buffer's first byte. */
  private linesBefore = 0;
  private bomChecked = false;

  constructor(private readonly onSample: (sample: XmlSample) => void) {
    this.sample.lineOf = () => this.lineAt(this.pos);
  }

  /** Handles the markup in `buf[0, end)`; returns where the unread rest starts. */
  scan(whole: Buffer, end: number, eof: boolean): number {
    // A view of the bytes read, so that no search can find stale bytes after them.
    const buf = whole.subarray(0, end);
    this.buf = buf;
    this.sample.buf = buf;
    let pos = 0;
    if (!this.bomChecked) {
      if (end < 3 && !eof) return 0;
      this.bomChecked = true;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
    }
    while (pos < end) {
      if (this.mode !== 'text') {
        const terminator = TERMINATORS[this.mode];
        const at = buf.indexOf(terminator, pos);
        if (at < 0) return Math.max(pos, end - terminator.length + 1);
        pos = at + terminator.length;
        this.mode = 'text';
        continue;
      }
      const lt = buf.indexOf(LT, pos);
      if (lt < 0) return end; // text: nothing in it is read
      this.pos = lt;
      const next = this.markup(buf, lt, end, eof);
      if (next < 0) return lt;
      pos = next;
    }
    return pos;
  }

  /** Reads the markup at `lt`; returns the offset after it, or -1 when it is not all here yet. */
  private markup(buf: Buffer, lt: number, end: number, eof: boolean): number {
    if (end - lt < 9 && !eof) return -1; // enough to tell `<![CDATA[` from the rest
    const c = buf[lt + 1];
    if (c === 0x3f) return this.skip('pi', lt + 2);
    if (c === 0x21) {
      if (startsWith(buf, lt + 2, '--')) return this.skip('comment', lt + 4);
      if (startsWith(buf, lt + 2, '[CDATA[')) return this.skip('cdata', lt + 9);
      if (startsWith(buf, lt + 2, 'DOCTYPE')) return this.doctype(buf, lt, eof);
      throw new XmlSyntaxError('"<!" that starts no comment, CDATA section or DOCTYPE', this.lineAt(lt));
    }
    const gt = findTagEnd(buf, lt + 1, end);
    if (gt < 0) {
      if (!eof) return -1;
      // The file stops inside a tag: JMeter was stopped while writing it.
      this.cutLine = this.lineAt(lt);
      this.cutSample = this.open.length === 1;
      return end;
    }
    if (c === SLASH) this.endTag(buf, lt + 2, gt);
    else this.startTag(buf, lt + 1, gt);
    return gt + 1;
  }

  private skip(mode: Mode, from: number): number {
    this.mode = mode;
    return from;
  }

  private doctype(buf: Buffer, lt: number, eof: boolean): number {
    const gt = buf.indexOf(GT, lt);
    const bracket = buf.indexOf(0x5b, lt);
    if (bracket >= 0 && (gt < 0 || bracket < gt)) {
      throw new XmlSyntaxError('a DOCTYPE with declarations; JMeter writes none', this.lineAt(lt));
    }
    if (gt >= 0) return gt + 1;
    return eof ? this.skip('doctype', lt + 2) : -1;
  }

  private endTag(buf: Buffer, from: number, gt: number): void {
    let nameEnd = gt;
    while (nameEnd > from && isSpace(buf[nameEnd - 1]!)) nameEnd--;
    const expected = this.open.pop();
    if (expected === undefined || !sameName(expected, buf, from, nameEnd)) {
      const name = buf.toString('latin1', from, nameEnd);
      const what = expected === undefined ? 'no element is open' : `<${expected}> is open`;
      throw new XmlSyntaxError(`</${name}> where ${what}`, this.lineAt(this.pos));
    }
    if (this.open.length === 0) this.complete = true;
  }

  private startTag(buf: Buffer, from: number, gt: number): void {
    let p = from;
    while (p < gt && !isSpace(buf[p]!) && buf[p] !== SLASH) p++;
    const name = this.nameOf(buf, from, p);
    const selfClosing = buf[gt - 1] === SLASH;
    const depth = this.open.length;
    if (depth === 0) this.checkRoot(name);
    if (depth === 1 && SAMPLE_ELEMENTS.has(name)) {
      this.readAttributes(buf, p, selfClosing ? gt - 1 : gt);
      this.sample.name = name;
      this.onSample(this.sample);
    }
    if (!selfClosing) this.open.push(name);
    else if (depth === 0) this.complete = true;
  }

  /** The element name in `buf[from, to)`; a file uses a handful, so each is made a string once. */
  private nameOf(buf: Buffer, from: number, to: number): string {
    let hash = to - from;
    for (let i = from; i < to; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
    const known = this.names.get(hash);
    if (known !== undefined && sameName(known, buf, from, to)) return known;
    const name = buf.toString('latin1', from, to);
    this.names.set(hash, name);
    return name;
  }

  private checkRoot(name: string): void {
    if (this.rootSeen) throw new XmlSyntaxError(`<${name}> after </${ROOT}>`, this.lineAt(this.pos));
    if (name !== ROOT) {
      throw new XmlSyntaxError(`the document is <${name}>, not JMeter's <${ROOT}>`, this.lineAt(this.pos));
    }
    this.rootSeen = true;
  }

  /** Records where the wanted attributes' values are in `buf[p, end)`. */
  private readAttributes(buf: Buffer, p: number, end: number): void {
    const { starts, ends, escaped } = this.sample;
    starts.fill(-1);
    for (;;) {
      while (p < end && isSpace(buf[p]!)) p++;
      if (p >= end) return;
      const nameStart = p;
      while (p < end && buf[p] !== 0x3d && !isSpace(buf[p]!)) p++;
      const nameEnd = p;
      while (p < end && isSpace(buf[p]!)) p++;
      const equals = buf[p] === 0x3d;
      if (equals) p++;
      while (p < end && isSpace(buf[p]!)) p++;
      const quote = buf[p];
      if (!equals || (quote !== 0x22 && quote !== 0x27)) {
        const shown = buf.toString('utf8', nameStart, Math.min(nameEnd, nameStart + 40));
        throw new XmlSyntaxError(`attribute ${shown} has no quoted value`, this.lineAt(this.pos));
      }
      const valueStart = p + 1;
      const valueEnd = buf.indexOf(quote, valueStart); // findTagEnd saw it close before `end`
      const i = attributeIndex(buf, nameStart, nameEnd);
      if (i >= 0) {
        starts[i] = valueStart;
        ends[i] = valueEnd;
        escaped[i] = needsDecoding(buf, valueStart, valueEnd) ? 1 : 0;
      }
      p = valueEnd + 1;
    }
  }

  /** Counts the lines in `buf[0, start)`, which the caller is about to drop. */
  discard(start: number): void {
    this.linesBefore += countLines(this.buf, 0, start);
  }

  /** The 1-based line of offset `pos` in the current buffer. */
  lineAt(pos: number): number {
    return this.linesBefore + countLines(this.buf, 0, pos) + 1;
  }

  end(): XmlScanEnd {
    return { complete: this.complete, cutLine: this.cutLine, cutSample: this.cutSample };
  }
}

/** The offset of the `>` that ends the tag starting before `p`, skipping quoted values; -1 if not here. */
function findTagEnd(buf: Buffer, p: number, end: number): number {
  while (p < end) {
    const c = buf[p]!;
    if (c === GT) return p;
    if (c === 0x22 || c === 0x27) {
      const close = buf.indexOf(c, p + 1);
      if (close < 0 || close >= end) return -1;
      p = close + 1;
      continue;
    }
    p++;
  }
  return -1;
}

/** The index in XML_ATTRIBUTES of the name in `buf[start, end)`, or -1. */
function attributeIndex(buf: Buffer, start: number, end: number): number {
  const length = end - start;
  if (length < 1 || length > 2) return -1;
  for (let i = 0; i < XML_ATTRIBUTES.length; i++) {
    const name = XML_ATTRIBUTES[i]!;
    if (
      name.length === length &&
      buf[start] === name.charCodeAt(0) &&
      (length === 1 || buf[start + 1] === name.charCodeAt(1))
    ) {
      return i;
    }
  }
  return -1;
}

function needsDecoding(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === 0x26 || c === 0x09 || c === LF || c === 0x0d) return true;
  }
  return false;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === LF || c === 0x09 || c === 0x0d;
}

/** Whether `buf[from, to)` is the (Latin-1) name `name`. */
function sameName(name: string, buf: Buffer, from: number, to: number): boolean {
  if (name.length !== to - from) return false;
  for (let i = 0; i < name.length; i++) if (buf[from + i] !== name.charCodeAt(i)) return false;
  return true;
}

function startsWith(buf: Buffer, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

function countLines(buf: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = buf.indexOf(LF, start); i >= 0 && i < end; i = buf.indexOf(LF, i + 1)) n++;
  return n;
}
