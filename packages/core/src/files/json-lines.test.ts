import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTextLines, readTextLinesBackward, type TextLine } from './json-lines.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ci-connect-lines-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function linesOf(content: string | Buffer, maxLineBytes?: number): Promise<TextLine[]> {
  const path = join(dir, 'h.jsonl');
  await writeFile(path, content);
  const lines: TextLine[] = [];
  for await (const line of readTextLines(path, maxLineBytes === undefined ? {} : { maxLineBytes })) {
    lines.push(line);
  }
  return lines;
}

describe('readTextLines', () => {
  it('numbers lines, keeps multi-byte characters whole and marks an unfinished last line', async () => {
    expect(await linesOf('a\n\ncafé ☕\nhalf')).toEqual([
      { number: 1, text: 'a', bytes: 1, terminated: true },
      { number: 2, text: '', bytes: 0, terminated: true },
      { number: 3, text: 'café ☕', bytes: 9, terminated: true },
      { number: 4, text: 'half', bytes: 4, terminated: false },
    ]);
  });

  it('reads nothing from a missing file', async () => {
    const lines: TextLine[] = [];
    for await (const line of readTextLines(join(dir, 'missing.jsonl'))) lines.push(line);
    expect(lines).toEqual([]);
  });

  it('gives a line over the bound as its length only, then reads on', async () => {
    expect(await linesOf(`ok\n${'x'.repeat(11)}\nnext\n${'y'.repeat(12)}`, 10)).toEqual([
      { number: 1, text: 'ok', bytes: 2, terminated: true },
      { number: 2, text: '', bytes: 11, terminated: true, overlongBytes: 11 },
      { number: 3, text: 'next', bytes: 4, terminated: true },
      { number: 4, text: '', bytes: 12, terminated: false, overlongBytes: 12 },
    ]);
  });

  // Before the bound, each chunk was appended to the pending line as a string: time grew with the
  // square of a line's length (100 MB: minutes) and memory with the line.
  it('skips a 20 MB line spanning many reads and reads the lines after it', async () => {
    const huge = Buffer.alloc(20 * 1024 * 1024, 0x61);
    const lines = await linesOf(Buffer.concat([huge, Buffer.from('\n{"after":1}\n')]));
    expect(lines).toEqual([
      { number: 1, text: '', bytes: huge.length, terminated: true, overlongBytes: huge.length },
      { number: 2, text: '{"after":1}', bytes: 11, terminated: true },
    ]);
  });
});

async function linesBackward(content: string | Buffer, maxLineBytes?: number): Promise<TextLine[]> {
  const path = join(dir, 'b.jsonl');
  await writeFile(path, content);
  const lines: TextLine[] = [];
  for await (const line of readTextLinesBackward(path, maxLineBytes === undefined ? {} : { maxLineBytes }))
    lines.push(line);
  return lines;
}

describe('readTextLinesBackward', () => {
  it('gives the last line first, numbered from the end, with the unfinished last line marked', async () => {
    expect(await linesBackward('a\n\ncafé ☕\nhalf')).toEqual([
      { number: 1, fromEnd: true, text: 'half', bytes: 4, terminated: false },
      { number: 2, fromEnd: true, text: 'café ☕', bytes: 9, terminated: true },
      { number: 3, fromEnd: true, text: '', bytes: 0, terminated: true },
      { number: 4, fromEnd: true, text: 'a', bytes: 1, terminated: true },
    ]);
    expect((await linesBackward('x\ny\n')).map((l) => [l.text, l.terminated])).toEqual([
      ['y', true],
      ['x', true],
    ]);
  });

  it('reads nothing from a missing or empty file', async () => {
    expect(await linesBackward('')).toEqual([]);
    const lines: TextLine[] = [];
    for await (const line of readTextLinesBackward(join(dir, 'missing.jsonl'))) lines.push(line);
    expect(lines).toEqual([]);
  });

  it('reads the same lines as forwards, reversed, across chunk boundaries and multi-byte characters', async () => {
    // Lines of every length from 0 to ~3,000 bytes, 2 MB in all: many lines straddle the 256 KB chunks.
    const lines = Array.from({ length: 1500 }, (_, i) => `${i}:${'é☕x'.repeat((i * 7) % 600)}`);
    const content = `${lines.join('\n')}\n`;
    const forwards = (await linesOf(content)).map((l) => l.text);
    const backwards = (await linesBackward(content)).map((l) => l.text);
    expect(forwards).toEqual(lines);
    expect(backwards).toEqual(lines.toReversed());
  });

  it('gives a line over the bound as its length only, then reads on', async () => {
    expect(await linesBackward(`ok\n${'x'.repeat(11)}\nnext`, 10)).toEqual([
      { number: 1, fromEnd: true, text: 'next', bytes: 4, terminated: false },
      { number: 2, fromEnd: true, text: '', bytes: 11, terminated: true, overlongBytes: 11 },
      { number: 3, fromEnd: true, text: 'ok', bytes: 2, terminated: true },
    ]);
  });
});
