import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
    [
      'XML with a declaration',
      () => jtl('\uFEFF  <?xml version="1.0"?>\n<testResults/>'),
      /holds XML results/,
      /output_format=csv/,
    ],
    [
      'XML without a declaration',
      () => jtl('<testResults version="1.2">\n'),
      /holds XML results/,
      /output_format=csv/,
    ],
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
  ])('%s', async (_name, makeFile, message, hint) => {
    const error = await aggregateJtl(await makeFile()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(message);
    if (hint !== undefined) expect((error as InputError).hint).toMatch(hint);
  });
});
