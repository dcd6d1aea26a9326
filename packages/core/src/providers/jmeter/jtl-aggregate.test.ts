import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../environment.js';
import { InputError } from '../../errors.js';
import { aggregateJtl } from './jtl-aggregate.js';
import { useJtlFiles } from './test-support/jtl-files.js';

// Typed wrappers: vitest's asymmetric matchers are typed `any`.
const closeTo = (value: number, digits: number) => expect.closeTo(value, digits) as number;
const matching = (pattern: RegExp) => expect.stringMatching(pattern) as string;
const containing = (text: string) => expect.stringContaining(text) as string;

const FIXTURES = fileURLToPath(new URL('../../../../../fixtures/jmeter/', import.meta.url));
const HEADER =
  'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,' +
  'bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect';

const jtl = useJtlFiles('jtl-aggregate-');

/** A JMeter 5 default row: timeStamp, elapsed, label, success, Latency, Connect; the rest plausible. */
function row(
  ts: number,
  elapsed: number | string,
  label: string,
  success: string,
  latency = 0,
  connect = 0,
): string {
  return `${ts},${elapsed},${label},200,OK,TG 1-1,text,${success},,100,50,1,1,http://x/,${latency},0,${connect}`;
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo]! + (h - lo) * (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!);
}

describe('aggregateJtl on the real fixtures', () => {
  it('perfaction_result.jtl: 100 samples, all successful, numbers equal a naive re-computation', async () => {
    const path = join(FIXTURES, 'perfaction_result.jtl');
    // This file has no quoted fields, so splitting on commas is a fair independent reading.
    const rows = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const col = (i: number) => rows.map((r) => Number(r[i]));
    const aggregate = await aggregateJtl(path, { fields: ['latency', 'connect'] });
    expect([aggregate.samples, aggregate.hasHeader, [...aggregate.labels.keys()]]).toEqual([
      100,
      true,
      ['T01_HomePageLoad'],
    ]);
    const label = aggregate.labels.get('T01_HomePageLoad')!;
    expect(label.failed).toBe(0);
    for (const [distribution, values] of [
      [label.elapsed, col(1)],
      [label.latency!, col(14)],
      [label.connect!, col(16)],
    ] as const) {
      expect([distribution.min, distribution.max]).toEqual([Math.min(...values), Math.max(...values)]);
      expect(distribution.mean()).toBeCloseTo(values.reduce((a, b) => a + b) / values.length, 9);
      for (const q of [0.5, 0.9, 0.95, 0.99])
        expect(distribution.quantile(q)).toBeCloseTo(quantile(values, q), 9);
    }
    const ends = rows.map((r) => Number(r[0]) + Number(r[1]));
    expect(aggregate.span).toEqual({
      start: new Date(Math.min(...col(0))),
      end: new Date(Math.max(...ends)),
    });
  });

  it.each([undefined, 7])(
    'defra-rcr_result.jtl: formatted times, quoted messages, cut-off last line skipped with a warning (chunk %s)',
    async (chunkSize) => {
      const logger = createMemoryLogger();
      const path = join(FIXTURES, 'defra-rcr_result.jtl');
      const aggregate = await aggregateJtl(path, { logger, chunkSize });
      // 1,127 lines: the header, 1,125 complete rows, and a last row cut off after 14 of 17 fields.
      expect([aggregate.samples, aggregate.labels.size]).toEqual([1125, 23]);
      const all = [...aggregate.labels.values()];
      expect(all.reduce((n, l) => n + l.failed, 0)).toBe(576);
      expect(logger.lines).toEqual([
        {
          level: 'warn',
          message: matching(/defra-rcr_result\.jtl:1127: skipped the last line: it is cut off \(14 of 17/),
        },
      ]);
      // Read in the local time zone, as JMeter wrote them.
      expect(aggregate.span?.start).toEqual(new Date(2019, 11, 5, 12, 37, 24));
      const elapsed = all.flatMap((l) => l.elapsed);
      const merged = elapsed[0]!;
      for (const d of elapsed.slice(1)) merged.merge(d);
      // numpy 1.24 on the same 1,125 rows.
      expect(merged.mean()).toBeCloseTo(4523.6284444444445, 9);
      expect([0.5, 0.9, 0.95, 0.99].map((q) => merged.quantile(q))).toEqual([
        3400,
        closeTo(8200.6, 9),
        closeTo(10740.4, 9),
        closeTo(26886.32, 9),
      ]);
      expect(aggregate.labels.get('Licence Authentication Transaction')?.failed).toBeGreaterThan(0);
    },
  );

  it('perfplugin headerless file: JMeter 2.x order, Latency and Connect unknown', async () => {
    const aggregate = await aggregateJtl(join(FIXTURES, 'perfplugin_JENKINS-16627_CSV_instead_of_XML.jtl'), {
      fields: ['latency', 'connect'],
    });
    expect(aggregate.hasHeader).toBe(false);
    expect(aggregate.columns).toEqual({ latency: false, connect: false });
    expect([...aggregate.labels.values()].map((l) => [l.label, l.samples, l.elapsed.sum, l.latency])).toEqual(
      [
        ['GET /ordermgmt/login - Login Page', 1, 1425, undefined],
        ['GET /ordermgmt/inventory', 1, 59, undefined],
        ['GET /ordermgmt/pre-logout', 1, 2204, undefined],
      ],
    );
    expect(aggregate.span).toEqual({ start: new Date(1393227741256), end: new Date(1393227743132 + 2204) });
  });

  it('perfplugin_filewithtransactions.csv: no final newline, last row complete and counted', async () => {
    const logger = createMemoryLogger();
    const aggregate = await aggregateJtl(join(FIXTURES, 'perfplugin_filewithtransactions.csv'), { logger });
    expect([aggregate.samples, aggregate.labels.size, logger.lines]).toEqual([313, 9, []]);
    expect([...aggregate.labels.values()].reduce((s, l) => s + l.elapsed.sum, 0)).toBe(556361);
    expect(aggregate.span).toEqual({ start: new Date(1547676357183), end: new Date(1547676474010) });
  });

  it('taurus_kpi1.jtl: other columns found by name, "bad" samples failed', async () => {
    const aggregate = await aggregateJtl(join(FIXTURES, 'taurus_kpi1.jtl'), {
      fields: ['latency', 'connect'],
    });
    const summary = [...aggregate.labels.values()].map((l) => [
      l.label,
      l.samples,
      l.failed,
      l.latency?.sum,
      l.connect?.max,
    ]);
    expect(summary).toEqual([
      ['good', 12, 0, 63, 26],
      ['bad', 9, 9, 23, 1],
    ]);
  });
});

describe('aggregateJtl on small files', () => {
  it('reads a header line only as no samples', async () => {
    const aggregate = await aggregateJtl(await jtl(`${HEADER}\n`));
    expect([aggregate.samples, aggregate.span, aggregate.labels.size, aggregate.hasHeader]).toEqual([
      0,
      null,
      0,
      true,
    ]);
  });

  it('reads a headerless JMeter 5 file of 17 columns, including Latency and Connect', async () => {
    const path = await jtl(`${row(1000, 10, 'a', 'true', 7, 3)}\n${row(2000, 20, 'a', 'FALSE', 9, 5)}\n`);
    const aggregate = await aggregateJtl(path, { fields: ['latency', 'connect'] });
    const a = aggregate.labels.get('a')!;
    expect([aggregate.hasHeader, a.samples, a.failed, a.latency?.sum, a.connect?.sum]).toEqual([
      false,
      2,
      1,
      16,
      8,
    ]);
  });

  it('only parses Latency when asked for it', async () => {
    const path = await jtl(
      `${HEADER}\n${row(1000, 10, 'a', 'true')}\n`.replace(',http://x/,0,', ',http://x/,n/a,'),
    );
    await expect(aggregateJtl(path)).resolves.toMatchObject({ samples: 1 });
    await expect(aggregateJtl(path, { fields: ['latency'] })).rejects.toThrow(
      /:2: Latency is "n\/a", not a number/,
    );
  });

  it('reads quoted labels and numbers, CRLF line ends and a quoted message spanning lines', async () => {
    const rows = [
      HEADER,
      row(1000, 10, '"GET /a, b"', 'true'),
      `1001,"12",GET /a,500,"Internal error,\r\nretry ""later""",TG 1-1,text,false,"x, y",1,1,1,1,u,0,0,0`,
      row(1002, 14, 'GET /a', 'true'),
    ];
    const aggregate = await aggregateJtl(await jtl(`${rows.join('\r\n')}\r\n`), { chunkSize: 5 });
    expect([...aggregate.labels.values()].map((l) => [l.label, l.samples, l.failed, l.elapsed.sum])).toEqual([
      ['GET /a, b', 1, 0, 10],
      ['GET /a', 2, 1, 26],
    ]);
  });

  it('skips a last row cut off inside a quoted field, with a warning', async () => {
    const logger = createMemoryLogger();
    const path = await jtl(`${HEADER}\n${row(1000, 10, 'a', 'true')}\n1001,5,a,500,"Internal err`);
    const aggregate = await aggregateJtl(path, { logger });
    expect(aggregate.samples).toBe(1);
    expect(logger.lines.map((l) => l.message)).toEqual([containing('.jtl:3: skipped the last line')]);
  });

  it.each([undefined, 7])(
    'skips a cut-off last row after a row whose quoted message spans lines, CRLF (chunk %s)',
    async (chunkSize) => {
      const logger = createMemoryLogger();
      const rows = [
        HEADER,
        `1001,12,a,500,"Internal error,\r\nretry",TG 1-1,text,false,"x\r\ny",1,1,1,1,u,0,0,0`,
        row(1002, 14, 'a', 'true'),
        '1003,5,a,500,"Internal err',
      ];
      const aggregate = await aggregateJtl(await jtl(rows.join('\r\n')), { logger, chunkSize });
      expect(aggregate.samples).toBe(2);
      expect(logger.lines.map((l) => l.message)).toEqual([containing('.jtl:6: skipped the last line')]);
    },
  );

  // The review's reproduction: one open quote used to turn 1,000 slow rows into a skipped
  // "cut-off last line", leaving 1 sample with p95 = 5 ms and a passing gate.
  it.each([undefined, 64, 4096])(
    'refuses an unbalanced quote that swallows the rest of the file (chunk %s)',
    async (chunkSize) => {
      const logger = createMemoryLogger();
      const slow = Array.from({ length: 1000 }, (_, i) => `${row(1700000000001 + i, 900, 'a', 'true')}\n`);
      const path = await jtl(
        `${HEADER}\n${row(1700000000000, 5, 'a', 'true')}\n1700000000000,5,"x,true\n${slow.join('')}`,
      );
      const error = await aggregateJtl(path, { logger, chunkSize }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toMatch(
        /\.jtl:3: unbalanced quote: a quoted field that opens in this row is never closed, so the 1000 lines after it were read/,
      );
      expect(logger.lines).toEqual([]);
    },
  );

  it.each([
    ['yyyy/MM/dd HH:mm:ss', '2024/03/01 10:00:00', new Date(2024, 2, 1, 10, 0, 0)],
    ['yyyy-MM-dd HH:mm:ss.SSS', '2024-03-01 10:00:00.250', new Date(2024, 2, 1, 10, 0, 0, 250)],
    ['ISO 8601 with zone', '2024-03-01T10:00:00.250+0100', new Date(Date.UTC(2024, 2, 1, 9, 0, 0, 250))],
  ])('reads %s timestamps', async (_format, text, start) => {
    const aggregate = await aggregateJtl(
      await jtl(`${HEADER}\n${row(0, 100, 'a', 'true').replace(/^0/, text)}\n`),
    );
    expect(aggregate.span).toEqual({ start, end: new Date(start.getTime() + 100) });
  });
});
