import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvSyntaxError } from './csv-row.js';
import { scanCsvFile } from './csv-scanner.js';

interface Scanned {
  fields: string[];
  line: number;
  terminated?: boolean;
  openQuote?: boolean;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-scanner-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileNo = 0;
async function scan(content: string | Buffer, chunkSize?: number): Promise<Scanned[]> {
  const path = join(dir, `f${fileNo++}.csv`);
  await writeFile(path, content);
  const rows: Scanned[] = [];
  await scanCsvFile(
    path,
    (row) => {
      const fields = Array.from({ length: row.count }, (_, i) => row.text(i));
      const scanned: Scanned = { fields, line: row.line };
      if (!row.terminated) scanned.terminated = false;
      if (row.openQuote) scanned.openQuote = true;
      rows.push(scanned);
    },
    { chunkSize },
  );
  return rows;
}

// Tiny chunk sizes put a chunk boundary at every position of these inputs: inside quoted
// fields, between a doubled quote, between CR and LF, and inside multi-byte characters.
const CHUNK_SIZES = [1, 2, 3, 4, 5, 7, 13, undefined];

const CASES: [string, string, Scanned[]][] = [
  [
    'plain rows',
    'a,b,c\n1,2,3\n',
    [
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['1', '2', '3'], line: 2 },
    ],
  ],
  ['embedded comma', 'x,"a,b",y\n', [{ fields: ['x', 'a,b', 'y'], line: 1 }]],
  ['doubled quotes', 'x,"say ""hi""",y\n', [{ fields: ['x', 'say "hi"', 'y'], line: 1 }]],
  ['only a doubled quote', '"""",x\n', [{ fields: ['"', 'x'], line: 1 }]],
  [
    'LF inside a quoted field',
    'x,"line1\nline2",y\nz,1,2\n',
    [
      { fields: ['x', 'line1\nline2', 'y'], line: 1 },
      { fields: ['z', '1', '2'], line: 3 },
    ],
  ],
  [
    'CRLF inside a quoted field, CRLF line ends',
    'x,"l1\r\nl2\r\nl3",y\r\nz,1\r\n',
    [
      { fields: ['x', 'l1\r\nl2\r\nl3', 'y'], line: 1 },
      { fields: ['z', '1'], line: 4 },
    ],
  ],
  [
    'CRLF line ends',
    'a,b\r\nc,d\r\n',
    [
      { fields: ['a', 'b'], line: 1 },
      { fields: ['c', 'd'], line: 2 },
    ],
  ],
  [
    'quoted last fields before CRLF',
    'a,"b"\r\nc,"d"\r\n',
    [
      { fields: ['a', 'b'], line: 1 },
      { fields: ['c', 'd'], line: 2 },
    ],
  ],
  [
    'no final newline',
    'a,b\nc,d',
    [
      { fields: ['a', 'b'], line: 1 },
      { fields: ['c', 'd'], line: 2, terminated: false },
    ],
  ],
  [
    'no final newline after a quoted field',
    'a,"b,c"',
    [{ fields: ['a', 'b,c'], line: 1, terminated: false }],
  ],
  ['a CR at the very end', 'a,b\r', [{ fields: ['a', 'b'], line: 1, terminated: false }]],
  [
    'file ends inside a quoted field',
    'a,b\nc,"cut off',
    [
      { fields: ['a', 'b'], line: 1 },
      { fields: ['c', 'cut off'], line: 2, terminated: false, openQuote: true },
    ],
  ],
  ['empty fields', ',,\n', [{ fields: ['', '', ''], line: 1 }]],
  ['trailing empty field at end of file', 'a,', [{ fields: ['a', ''], line: 1, terminated: false }]],
  ['empty quoted field', '"",x\n', [{ fields: ['', 'x'], line: 1 }]],
  ['a quote inside an unquoted field is kept', 'a"b,c\n', [{ fields: ['a"b', 'c'], line: 1 }]],
  [
    'blank line',
    'a\n\nb\n',
    [
      { fields: ['a'], line: 1 },
      { fields: [''], line: 2 },
      { fields: ['b'], line: 3 },
    ],
  ],
  ['UTF-8 byte order mark', '\uFEFFa,b\n', [{ fields: ['a', 'b'], line: 1 }]],
  ['multi-byte characters', 'größe,Ünïcödé €\n', [{ fields: ['größe', 'Ünïcödé €'], line: 1 }]],
];

describe('scanCsvFile', () => {
  describe.each(CHUNK_SIZES)('chunk size %s', (chunkSize) => {
    it.each(CASES)('%s', async (_name, content, expected) => {
      expect(await scan(content, chunkSize)).toEqual(expected);
    });
  });

  it.each(CHUNK_SIZES)(
    'reads rows longer than the buffer and with many fields (chunk %s)',
    async (chunkSize) => {
      const long = 'x'.repeat(5000);
      const many = Array.from({ length: 100 }, (_, i) => String(i));
      const rows = await scan(`${long},"${long}"\n${many.join(',')}\n`, chunkSize);
      expect(rows).toEqual([
        { fields: [long, long], line: 1 },
        { fields: many, line: 2 },
      ]);
    },
  );

  it('reads an empty file as no rows', async () => {
    expect(await scan('')).toEqual([]);
  });

  it.each([
    ['text after a closing quote', 'a,b\n"x"y,z\n', 2],
    ['text after a quoted field that spans lines (on its second line)', '"a\nb"c\n', 2],
    ['a bare CR after a closing quote', '"a"\rb\n', 1],
  ])('rejects %s with its line', async (_name, content, line) => {
    const error = await scan(content, 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect((error as CsvSyntaxError).line).toBe(line);
  });
});

describe('rows that never end', () => {
  it('stops at the row limit instead of reading the rest of the file into one field', async () => {
    const path = join(dir, 'unbalanced.csv');
    const rows = Array.from({ length: 2000 }, (_, i) => `${i},5,ok,true`).join('\n');
    await writeFile(path, `a,b,c,d\n1,2,"never closed,true\n${rows}\n`);
    const scanning = scanCsvFile(path, () => undefined, { chunkSize: 64, maxRowBytes: 1024 });
    await expect(scanning).rejects.toThrow(CsvSyntaxError);
    await expect(
      scanCsvFile(path, () => undefined, { chunkSize: 64, maxRowBytes: 1024 }),
    ).rejects.toMatchObject({
      line: 2,
      message: expect.stringContaining('a row longer than 1024 bytes starts here'),
    });
  });

  it('accepts rows up to the limit', async () => {
    const path = join(dir, 'long.csv');
    const long = 'x'.repeat(900);
    await writeFile(path, `a,b\n1,"${long}"\n2,y\n`);
    const seen: number[] = [];
    await scanCsvFile(path, (row) => seen.push(row.line), { chunkSize: 64, maxRowBytes: 1024 });
    expect(seen).toEqual([1, 2, 3]);
  });
});
