import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { aggregateJtl } from './jtl-aggregate.js';

const HEADER =
  'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,' +
  'bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jtl-errors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileNo = 0;
async function jtl(content: string | Buffer): Promise<string> {
  const path = join(dir, `r${fileNo++}.jtl`);
  await writeFile(path, content);
  return path;
}

function row(ts: number, elapsed: number | string, label: string, success: string): string {
  return `${ts},${elapsed},${label},200,OK,TG 1-1,text,${success},,100,50,1,1,http://x/,0,0,0`;
}

/** `count` good rows of 900 ms, each ending in a line break. */
function slowRows(count: number): string {
  return Array.from({ length: count }, (_, i) => `${row(1700000000001 + i, 900, 'a', 'true')}\n`).join('');
}

const QUOTE_HINT = /the file is damaged: re-run the test, or fix that line/;

// Every message names the file (and the line, for a row), says what is wrong and, where it
// helps, how to fix it: the CLI prints them as they are and exits 2.
describe('aggregateJtl refuses files it cannot use', () => {
  it.each<[string, () => Promise<string>, RegExp, RegExp?]>([
    ['a missing file', () => Promise.resolve(join(dir, 'nope.jtl')), /nope\.jtl does not exist/, /-l/],
    [
      'a directory',
      async () => {
        const path = join(dir, 'results.d');
        await mkdir(path, { recursive: true });
        return path;
      },
      /results\.d is a directory/,
    ],
    ['an empty file', () => jtl(''), /is empty: JMeter wrote nothing; did the test run\?/],
    ['a gzip file', () => jtl(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2])), /is gzip-compressed/, /gunzip/],
    [
      'binary garbage',
      () => jtl(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1])),
      /is not a text file \(byte 4 is NUL\)/,
    ],
    [
      'text that is not CSV results',
      () => jtl('hello world\nsecond line\n'),
      /:1: no header line, and 1 field where JMeter/,
    ],
    [
      'a header without required columns',
      () => jtl('timeStamp,elapsed,responseCode\n1,2,200\n'),
      /:1: the header line has no label, success columns \(found: timeStamp, elapsed, responseCode\)/,
    ],
    [
      'an elapsed that is not a number',
      () => jtl(`${HEADER}\n${row(1000, 10, 'a', 'true')}\n${row(1001, 'abc', 'a', 'true')}\n`),
      /\.jtl:3: elapsed is "abc", not a number/,
      /whole milliseconds/,
    ],
    [
      'a timeStamp that is not a time',
      () => jtl(`${HEADER}\n${row(1000, 10, 'a', 'true').replace(/^1000/, 'yesterday')}\n`),
      /\.jtl:2: timeStamp is "yesterday", not a time/,
      /epoch milliseconds/,
    ],
    [
      'a success that is not true or false',
      () => jtl(`${HEADER}\n${row(1000, 10, 'a', 'yes')}\n`),
      /\.jtl:2: success is "yes", not true or false/,
    ],
    [
      'a row with fewer fields in the middle',
      () => jtl(`${HEADER}\n1000,10,a,200\n${row(1000, 10, 'a', 'true')}\n`),
      /\.jtl:2: the row has 4 fields where the header line has 17/,
    ],
    [
      'a complete last row with extra fields',
      () => jtl(`${HEADER}\n${row(1000, 10, 'a', 'true')},extra`),
      /\.jtl:2: the row has 18 fields/,
    ],
    [
      'binary garbage after valid rows',
      () =>
        jtl(
          Buffer.concat([
            Buffer.from(`${HEADER}\n${row(1000, 10, 'a', 'true')}\n`),
            Buffer.from(Array.from({ length: 16 }, () => [0xff, 0x80, 0x2c]).flat()),
            Buffer.from([0x90, 0x0a]),
          ]),
        ),
      /\.jtl:3: timeStamp is "\uFFFD\uFFFD", not a time/,
    ],
    ['broken quoting', () => jtl(`${HEADER}\n1000,"10"x,a\n`), /\.jtl:2: text after the closing quote/],
    // An open quote swallows every line after it into one field; reading that as a cut-off
    // last line would drop those rows and let the gate pass on the rows before it.
    [
      'an unbalanced quote in the middle, with a final line end',
      () => jtl(`${HEADER}\n${row(1000, 5, 'a', 'true')}\n1700000000000,5,"x,true\n${slowRows(1000)}`),
      /\.jtl:3: unbalanced quote: a quoted field that opens in this row is never closed, so the 1000 lines after it/,
      QUOTE_HINT,
    ],
    [
      'an unbalanced quote in the middle, without a final line end',
      () => jtl(`${HEADER}\n${row(1000, 5, 'a', 'true')}\n1000,5,"x,true\n${slowRows(3).trimEnd()}`),
      /\.jtl:3: unbalanced quote: .* so the 3 lines after it were read as part of that field/,
      QUOTE_HINT,
    ],
    [
      'an unbalanced quote on the last line, followed by a line end',
      () => jtl(`${HEADER}\n${row(1000, 5, 'a', 'true')}\n1000,5,"x,true\n`),
      /\.jtl:3: unbalanced quote: a quoted field that opens in this row is never closed$/,
      QUOTE_HINT,
    ],
    [
      'an unbalanced quote in the first row',
      () => jtl(`"timeStamp,elapsed,label,success\n${row(1000, 5, 'a', 'true')}\n`),
      /\.jtl:1: unbalanced quote/,
      QUOTE_HINT,
    ],
    [
      'a last row without a line end whose quoted field spans lines',
      () => jtl(`${HEADER}\n${row(1000, 5, 'a', 'true')}\n1000,5,"x\n${slowRows(2)}",true`),
      /\.jtl:3: the last row ends without a line end after 4 of 17 fields but spans 4 lines/,
      QUOTE_HINT,
    ],
    [
      'a path through a regular file (ENOTDIR)',
      async () => join(await jtl(`${HEADER}\n`), 'x'),
      /\.jtl\/x cannot be opened: a part of the path before the file name is not a directory/,
      /--jtl/,
    ],
    [
      'a symbolic link loop (ELOOP)',
      async () => {
        const path = join(dir, 'loop.jtl');
        await symlink(path, path);
        return path;
      },
      /loop\.jtl cannot be opened: its symbolic links form a loop/,
      /readlink -f/,
    ],
  ])('%s', async (_name, makeFile, message, hint) => {
    const error = await aggregateJtl(await makeFile()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(message);
    if (hint !== undefined) expect((error as InputError).hint).toMatch(hint);
  });

  // Reading a pipe or a device never ends (or blocks in open), so they are refused up front.
  it.skipIf(!existsSync('/dev/zero'))('a device (/dev/zero; skipped where there is none)', async () => {
    const error = await aggregateJtl('/dev/zero').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe('/dev/zero is a character device, not a JMeter results file');
  });

  it.skipIf(process.platform === 'win32')('a named pipe (skipped on Windows: no mkfifo)', async () => {
    const path = join(dir, 'fifo.jtl');
    expect(spawnSync('mkfifo', [path]).status).toBe(0);
    const error = await aggregateJtl(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`${path} is a named pipe (FIFO), not a JMeter results file`);
    expect((error as InputError).hint).toMatch(/save the results to a file/);
  });
});
