/**
 * The two file operations of the JSON Lines history: stream its lines, and append one line so
 * that a crash can at worst leave a fragment that readers skip.
 */

import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { errorCode } from './system-errors.js';

/** One line of the file, without its "\n". */
export interface TextLine {
  /** 1-based, as editors count. */
  number: number;
  text: string;
  /** False only for a last line with no "\n": a write in progress, or one cut off by a crash. */
  terminated: boolean;
}

/** Streams the file's lines; a missing file has none. */
export async function* readTextLines(path: string): AsyncGenerator<TextLine> {
  let pending = '';
  let number = 0;
  try {
    // The utf8 decoder of the stream keeps characters split across chunks whole.
    for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
      const parts = (pending + (chunk as string)).split('\n');
      pending = parts.pop() ?? '';
      for (const text of parts) yield { number: ++number, text, terminated: true };
    }
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  if (pending !== '') yield { number: ++number, text: pending, terminated: false };
}

/**
 * Appends `line` (which ends with "\n") with one write call, then fsyncs. The caller holds the
 * lock. If the file does not end with "\n" (a writer was killed mid-line), a "\n" goes first, so
 * the fragment stays alone on its line instead of spoiling this one. Nothing existing is changed.
 */
export async function appendLine(path: string, line: string): Promise<void> {
  const handle = await open(path, 'a+');
  try {
    const { size } = await handle.stat();
    const data = Buffer.from((await endsInNewline(handle, size)) ? line : `\n${line}`);
    const { bytesWritten } = await handle.write(data, 0, data.length);
    // A short write on a regular file means the disk filled up; the next append repairs the line.
    if (bytesWritten !== data.length) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function endsInNewline(handle: FileHandle, size: number): Promise<boolean> {
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] === 0x0a;
}
