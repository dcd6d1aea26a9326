import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../environment.js';
import { InputError } from '../../errors.js';
import { aggregateJtl } from './jtl-aggregate.js';
import type { JtlAggregate } from './jtl-result.js';
import { XmlSyntaxError } from './xml-sample.js';
import { scanXmlFile } from './xml-scanner.js';
import { useJtlFiles } from './test-support/jtl-files.js';

const FIXTURES = fileURLToPath(new URL('../../../../../fixtures/jmeter/', import.meta.url));
const matching = (pattern: RegExp) => expect.stringMatching(pattern) as string;

const jtl = useJtlFiles('jtl-xml-');

function xml(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testResults version="1.2">\n${body}\n</testResults>\n`;
}

/** What the indicators are computed from, per label, in a form toEqual can compare. */
function summary(aggregate: JtlAggregate) {
  return {
    samples: aggregate.samples,
    span: aggregate.span,
    columns: aggregate.columns,
    labels: [...aggregate.labels.values()].map((l) => ({
      label: l.label,
      samples: l.samples,
      failed: l.failed,
      elapsed: [
        l.elapsed.sum,
        l.elapsed.min,
        l.elapsed.max,
        l.elapsed.quantile(0.5),
        l.elapsed.quantile(0.9),
      ],
      latency: l.latency && [l.latency.sum, l.latency.quantile(0.95)],
      connect: l.connect && [l.connect.sum, l.connect.max],
    })),
  };
}

const CHUNKS = [undefined, 1, 7, 64];

describe('aggregateJtl on JMeter XML results', () => {
  it.each(CHUNKS)(
    'jmeter-2.13-xml.jtl: the same numbers as the CSV JMeter wrote in the same run (chunk %s)',
    async (chunkSize) => {
      const fields = ['latency', 'connect'] as const;
      const logger = createMemoryLogger();
      const fromXml = await aggregateJtl(join(FIXTURES, 'made/jmeter-2.13-xml.jtl'), {
        fields,
        chunkSize,
        logger,
      });
      const fromCsv = await aggregateJtl(join(FIXTURES, 'made/jmeter-2.13-xml-twin.csv'), { fields });
      expect(fromXml.format).toBe('xml');
      expect(summary(fromXml)).toEqual(summary(fromCsv));
      // JMeter's summary line for that run: 30 samples, 20 errors; the transaction's children
      // (70 sample elements in all) are not counted, as in JMeter's own listeners.
      expect([fromXml.samples, [...fromXml.labels.values()].reduce((n, l) => n + l.failed, 0)]).toEqual([
        30, 20,
      ]);
      expect([...fromXml.labels.keys()]).toEqual(['GET /, home', 'GET /missing', 'checkout & pay <tc>']);
      expect(logger.lines).toEqual([]);
    },
  );

  it.each(CHUNKS)('taurus_resource_tc.jtl: top-level transactions only (chunk %s)', async (chunkSize) => {
    const aggregate = await aggregateJtl(join(FIXTURES, 'taurus_resource_tc.jtl'), { chunkSize });
    expect([...aggregate.labels.values()].map((l) => [l.label, l.samples, l.failed, l.elapsed.sum])).toEqual([
      ['tc3', 2, 2, expect.any(Number)],
      ['tc1', 1, 1, 619],
      ['tc4', 1, expect.any(Number), expect.any(Number)],
      ['tc5', 1, expect.any(Number), expect.any(Number)],
    ]);
    expect(aggregate.samples).toBe(5);
    expect(aggregate.span?.start).toEqual(new Date(1440785666575));
  });

  it.each(CHUNKS)(
    'reads entities, quotes, attribute order, self-closing and nested samples (chunk %s)',
    async (chunkSize) => {
      const path = await jtl(
        '\uFEFF' +
          xml(
            [
              `<httpSample lb="a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#65;&#x42;" s="true" t="10" ts="1000" lt="4" ct="1"/>`,
              `<sample\n  ts='2000' t = "30"\ts='false' lb='a &amp; b &lt;c&gt; "d" &apos;e&apos; AB' rm="x > y" lt="5" ct="2">`,
              `  <httpSample t="999" lt="1" ct="1" ts="1" s="true" lb="nested"><sample t="1" ts="1" s="true" lb="deeper"/></httpSample>`,
              `  <responseData class="java.lang.String">&lt;sample t="5"&gt; <![CDATA[ <sample t="1" lb="cdata"/> ]] > ]]></responseData>`,
              `  <!-- <sample t="1" lb="comment"/> -- -->`,
              `</sample>`,
              `<?pi <sample t="1" lb="pi"/> ?>`,
              `<assertionResult><name>not a sample</name></assertionResult>`,
              `<httpSample t="20" lt="3" ct="0" ts="1500" s="TRUE" lb="line&#10;break\ttab"></httpSample>`,
            ].join('\n'),
          ),
      );
      const aggregate = await aggregateJtl(path, { fields: ['latency', 'connect'], chunkSize });
      expect(summary(aggregate)).toEqual({
        samples: 3,
        span: { start: new Date(1000), end: new Date(2030) },
        columns: { latency: true, connect: true },
        labels: [
          {
            label: `a & b <c> "d" 'e' AB`,
            samples: 2,
            failed: 1,
            elapsed: [40, 10, 30, 20, 28],
            latency: [9, 4.95],
            connect: [3, 2],
          },
          {
            label: 'line\nbreak tab',
            samples: 1,
            failed: 0,
            elapsed: [20, 20, 20, 20, 20],
            latency: [3, 3],
            connect: [0, 0],
          },
        ],
      });
    },
  );

  it('reads an empty <testResults/> as no samples', async () => {
    const aggregate = await aggregateJtl(await jtl('<?xml version="1.0"?>\n<testResults version="1.2"/>\n'));
    expect([aggregate.samples, aggregate.span, aggregate.format]).toEqual([0, null, 'xml']);
  });

  it('without lt and ct attributes, latency and connect are unknown, as a CSV file without those columns', async () => {
    const aggregate = await aggregateJtl(await jtl(xml('<sample t="1" ts="1" s="true" lb="a"/>')), {
      fields: ['latency', 'connect'],
    });
    expect([aggregate.columns, aggregate.labels.get('a')?.latency]).toEqual([
      { latency: false, connect: false },
      undefined,
    ]);
  });

  it.each([undefined, 5])(
    'counts the samples of a file JMeter was stopped writing, with a warning (chunk %s)',
    async (chunkSize) => {
      const logger = createMemoryLogger();
      const body =
        '<?xml version="1.0"?>\n<testResults version="1.2">\n<sample t="1" ts="1" s="true" lb="a">\n</sample>\n';
      const whole = await aggregateJtl(
        await jtl(`${body}<sample t="2" ts="2" s="true" lb="a">\n  <java.net`),
        {
          logger,
          chunkSize,
        },
      );
      const cut = await aggregateJtl(await jtl(`${body}<sample t="2" ts="2" s="tr`), { logger, chunkSize });
      expect([whole.samples, cut.samples]).toEqual([2, 1]);
      expect(logger.lines).toEqual([
        {
          level: 'warn',
          message: matching(/r\d+\.jtl:6: the results end without <\/testResults>: the samples before count/),
        },
        {
          level: 'warn',
          message: matching(
            /r\d+\.jtl:5: the results end without <\/testResults>: the last sample is cut off inside its tag and was skipped/,
          ),
        },
      ]);
    },
  );
});

describe('aggregateJtl refuses XML it cannot use', () => {
  it.each<[string, string, RegExp]>([
    [
      'a test plan passed as results',
      '<?xml version="1.0"?>\n<jmeterTestPlan version="1.2">\n</jmeterTestPlan>',
      /:2: the document is <jmeterTestPlan>, not JMeter's <testResults>/,
    ],
    [
      'a mismatched end tag',
      xml('<sample t="1" ts="1" s="true" lb="a">\n</httpSample>'),
      /:4: <\/httpSample> where <sample> is open/,
    ],
    ['a missing label', xml('<sample t="1" ts="1" s="true"/>'), /:3: <sample> has no lb attribute/],
    [
      'elapsed that is not a number',
      xml('<sample t="fast" ts="1" s="true" lb="a"/>'),
      /:3: t is "fast", not a number/,
    ],
    [
      'success that is not a boolean',
      xml('<sample t="1" ts="1" s="yes" lb="a"/>'),
      /:3: s is "yes", not true or false/,
    ],
    ['an unknown entity', xml('<sample t="1" ts="1" s="true" lb="&nbsp;"/>'), /:3: unknown entity &nbsp;/],
    [
      'a DOCTYPE with declarations',
      '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<testResults/>',
      /:2: a DOCTYPE with declarations/,
    ],
    [
      'an attribute without a value',
      xml('<sample t="1" ts="1" s="true" lb/>'),
      /:3: attribute lb has no quoted value/,
    ],
    [
      'lt missing on a later sample',
      xml('<sample t="1" ts="1" s="true" lb="a" lt="1"/>\n<sample t="1" ts="1" s="true" lb="a"/>'),
      /:4: <sample> has no lt attribute where the first sample has one/,
    ],
  ])('%s', async (_name, content, message) => {
    const error = await aggregateJtl(await jtl(content), { fields: ['latency'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(message);
  });
});

describe('scanXmlFile keeps memory bounded', () => {
  it('streams text, CDATA and comments far longer than the longest tag it accepts', async () => {
    const big = 'x'.repeat(5000);
    const path = await jtl(
      xml(
        `<sample t="1" ts="1" s="true" lb="a"><responseData>${big}</responseData><![CDATA[${big}]]><!--${big}--></sample>\n` +
          '<sample t="2" ts="2" s="true" lb="b"/>',
      ),
    );
    const labels: string[] = [];
    const end = await scanXmlFile(path, (sample) => labels.push(sample.text(5)), {
      chunkSize: 64,
      maxTagBytes: 200,
    });
    expect([labels, end.complete]).toEqual([['a', 'b'], true]);
  });

  it('refuses a tag longer than the limit, at its line', async () => {
    const path = await jtl(xml(`<sample t="1" ts="1" s="true" lb="${'y'.repeat(500)}"/>`));
    const error = await scanXmlFile(path, () => {}, { chunkSize: 64, maxTagBytes: 200 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(XmlSyntaxError);
    expect([(error as XmlSyntaxError).message, (error as XmlSyntaxError).line]).toEqual([
      'a tag longer than 200 bytes starts here',
      3,
    ]);
  });
});
