/**
 * The two file operations of the JSON Lines history: stream its lines, and append one line so
 * that a crash can at worst leave a fragment that readers skip. Both open the file through the
 * shared guard (files/regular-file.ts) without following a symbolic link: the history path is
 * the file itself, so a planted link cannot send a record into another file (DESIGN.md section 9).
 */

import type { FileHandle } from 'node:fs/promises';
import { errorCode } from '../errors.js';
import { openRegularFile } from './regular-file.js';

/**
 * The longest line read as a record. An evaluation is a few kilobytes per objective; a longer
 * line is damage or not history, and keeping it whole would let one line take the memory.
 */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** Bytes per read. */
const CHUNK_BYTES = 256 * 1024;

/** One line of the file, without its "\n". */
export interface TextLine {
  /** 1-based, as editors count; counted from the last line when `fromEnd` is set. */
  number: number;
  /** Set on lines read backwards (`readTextLinesBackward`), whose number counts from the end. */
  fromEnd?: true;
  /** The line's length in bytes, without its "\n". */
  bytes: number;
  /** Empty for a line over the bound, whose bytes were not kept. */
  text: string;
  /** False only for a last line with no "\n": a write in progress, or one cut off by a crash. */
  terminated: boolean;
  /** The length in bytes of a line over the bound; absent for lines read whole. */
  overlongBytes?: number;
}

export interface ReadLinesOptions {
  /** Longest line kept, in bytes; tests pass small values. */
  maxLineBytes?: number;
  /** Byte offset to start at (forward reading only): the start of a line. Lines are numbered from there. */
  from?: number;
}

/** Streams the lines of the history file; a missing file has none. */
export function readTextLines(path: string, options: ReadLinesOptions = {}): AsyncGenerator<TextLine> {
  return linesOfFile(path, (handle) => readLinesOf(handle, options));
}

/** Opens the file (not through a link) and streams `read` of it; a missing file has no lines. */
async function* linesOfFile(
  path: string,
  read: (handle: FileHandle) => AsyncGenerator<TextLine>,
): AsyncGenerator<TextLine> {
  let handle: FileHandle;
  try {
    handle = await openRegularFile(path, { noFollow: true });
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  try {
    yield* read(handle);
  } finally {
    await handle.close();
  }
}

/**
 * Streams the lines of an open file from its start, in bytes: each chunk is searched once for
 * "\n", so time grows with the file, not with the square of its longest line, and a line over
 * the bound keeps no bytes at all. Lines are decoded whole, so no character is split.
 */
export async function* readLinesOf(
  handle: FileHandle,
  options: ReadLinesOptions = {},
): AsyncGenerator<TextLine> {
  const line = new LineBuffer(options.maxLineBytes ?? MAX_LINE_BYTES);
  let position = options.from ?? 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const data = chunk.subarray(0, bytesRead);
    let start = 0;
    for (let end = data.indexOf(0x0a); end >= 0; end = data.indexOf(0x0a, start)) {
      line.add(data.subarray(start, end));
      yield line.take(true);
      start = end + 1;
    }
    line.add(data.subarray(start));
  }
  if (line.bytes > 0) yield line.take(false);
}

/**
 * Streams the lines of the file newest (last) first, reading it backwards in chunks, so a
 * reader that wants the newest few records reads only the file's tail however long it grows. A
 * missing file has none. Lines are numbered from the end (`fromEnd`), the last line being 1.
 */
export function readTextLinesBackward(
  path: string,
  options: ReadLinesOptions = {},
): AsyncGenerator<TextLine> {
  return linesOfFile(path, (handle) => readLinesBackwardOf(handle, options));
}

/**
 * The lines of an open file, last first. Only the bytes present when it starts are read: a
 * line a writer appends meanwhile is for the next reader.
 */
async function* readLinesBackwardOf(
  handle: FileHandle,
  options: ReadLinesOptions = {},
): AsyncGenerator<TextLine> {
  let position = (await handle.stat()).size;
  if (position === 0) {
    // Empty, or a pseudo-file (procfs) whose size says nothing: read it forwards, which fails
    // as it should when it cannot be read, and give its lines last first.
    const lines: TextLine[] = [];
    for await (const line of readLinesOf(handle, options)) lines.push(line);
    for (const [index, line] of lines.toReversed().entries())
      yield { ...line, number: index + 1, fromEnd: true };
    return;
  }
  const line = new LineBuffer(options.maxLineBytes ?? MAX_LINE_BYTES, 'backward');
  // Whether the last line is finished; every earlier one is.
  let terminated: boolean | undefined;
  while (position > 0) {
    const length = Math.min(CHUNK_BYTES, position);
    position -= length;
    const data = await readExactly(handle, length, position);
    let end = data.length;
    if (terminated === undefined) {
      terminated = data[end - 1] === 0x0a;
      if (terminated) end -= 1;
    }
    while (end > 0) {
      const newline = data.lastIndexOf(0x0a, end - 1);
      if (newline < 0) break;
      line.add(data.subarray(newline + 1, end));
      yield line.take(terminated);
      terminated = true;
      end = newline;
    }
    line.add(data.subarray(0, end));
  }
  if (line.bytes > 0) yield line.take(terminated ?? true);
}

async function readExactly(handle: FileHandle, length: number, position: number): Promise<Buffer> {
  const data = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(data, filled, length - filled, position + filled);
    if (bytesRead === 0) return data.subarray(0, filled); // the file shrank: read what is there
    filled += bytesRead;
  }
  return data;
}

/**
 * The bytes of the line being read, dropped as soon as it is over the bound. Read backwards,
 * each part comes before the parts already held.
 */
class LineBuffer {
  private parts: Buffer[] = [];
  /** Bytes of the line so far, kept or not. */
  bytes = 0;
  private number = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly direction: 'forward' | 'backward' = 'forward',
  ) {}

  add(part: Buffer): void {
    this.bytes += part.length;
    if (this.bytes > this.maxBytes) this.parts = [];
    else if (part.length === 0) return;
    else if (this.direction === 'forward') this.parts.push(part);
    else this.parts.unshift(part);
  }

  take(terminated: boolean): TextLine {
    const number = ++this.number;
    const fromEnd = this.direction === 'backward' ? { fromEnd: true as const } : {};
    const bytes = this.bytes;
    const line: TextLine =
      bytes > this.maxBytes
        ? { number, ...fromEnd, text: '', terminated, bytes, overlongBytes: bytes }
        : { number, ...fromEnd, text: Buffer.concat(this.parts).toString('utf8'), terminated, bytes };
    this.parts = [];
    this.bytes = 0;
    return line;
  }
}

/**
 * Appends `line` (which ends with "\n") with one write call, then fsyncs. The caller holds the
 * lock. `check` sees the open file first and may refuse it (a file that is not history). If the
 * file does not end with "\n" (a writer was killed mid-line), a "\n" goes first, so the fragment
 * stays alone on its line instead of spoiling this one. Nothing existing is changed.
 */
export async function appendLine(
  path: string,
  line: string,
  check?: (handle: FileHandle) => Promise<void>,
): Promise<void> {
  // O_NOFOLLOW on the open itself: no window between a check of the path and the write.
  const handle = await openRegularFile(path, { append: true, noFollow: true });
  try {
    await check?.(handle);
    await writeLine(handle, line);
  } finally {
    await handle.close();
  }
}

/** Writes `line` at the end of the open file, after a "\n" if the last line is unfinished. */
export async function writeLine(handle: FileHandle, line: string): Promise<void> {
  const { size } = await handle.stat();
  const data = Buffer.from((await endsInNewline(handle, size)) ? line : `\n${line}`);
  const { bytesWritten } = await handle.write(data, 0, data.length);
  // A short write on a regular file means the disk filled up; the next append repairs the line.
  if (bytesWritten !== data.length) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
  await handle.sync();
}

async function endsInNewline(handle: FileHandle, size: number): Promise<boolean> {
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] === 0x0a;
}
