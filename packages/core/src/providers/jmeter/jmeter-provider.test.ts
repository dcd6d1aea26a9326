import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryLogger, silentLogger } from '../../environment.js';
import { ConfigError, InputError } from '../../errors.js';
import type { SliContext } from '../provider.js';
import { JMETER_DEFAULT_INDICATORS, JmeterProvider } from './jmeter-provider.js';
import * as jtlAggregate from './jtl-aggregate.js';

// Wrap the real aggregateJtl to count the reads of the file and see which columns they collect.
vi.mock('./jtl-aggregate.js', async (importOriginal) => {
  const actual = await importOriginal<typeof jtlAggregate>();
  return { ...actual, aggregateJtl: vi.fn(actual.aggregateJtl) };
});
const aggregateJtl = vi.mocked(jtlAggregate.aggregateJtl);

// Typed wrappers: vitest's asymmetric matchers are typed `any`.
const closeTo = (value: number, digits: number) => expect.closeTo(value, digits) as number;
const matching = (pattern: RegExp) => expect.stringMatching(pattern) as string;
const containing = (text: string) => expect.stringContaining(text) as string;

const FIXTURES = fileURLToPath(new URL('../../../../../fixtures/jmeter/', import.meta.url));
const HAND = join(FIXTURES, 'made/hand-computed.jtl');
const CONTEXT: SliContext = {
  project: 'shop',
  stage: 'hardening',
  service: 'carts',
  labels: {},
  filter: {},
  window: { start: new Date(0), end: new Date(60_000) },
};

function provider(
  jtlPath: string,
  indicators?: Record<string, string>,
  logger = silentLogger,
): JmeterProvider {
  const sliFile = indicators === undefined ? undefined : { file: 'sli/jmeter.yaml', indicators };
  return new JmeterProvider({ jtlPath, sliFile, logger });
}

async function values(
  p: JmeterProvider,
  names = p.indicators.map((i) => i.name),
): Promise<Record<string, unknown>> {
  const fetched = await p.fetch(names, CONTEXT);
  expect(fetched.map((v) => [v.sli, v.provider])).toEqual(names.map((n) => [n, 'jmeter']));
  return Object.fromEntries(fetched.map((v) => [v.sli, v.value === null ? v : v.value]));
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jmeter-provider-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  aggregateJtl.mockClear();
});

describe('JmeterProvider indicators', () => {
  it('offers the contract defaults, and the SLI file adds to them or replaces one by name', () => {
    const p = provider(HAND, {
      response_time_p95: 'measure=p95;label=GET /cart',
      cart_errors: 'measure=errors',
    });
    expect(p.name).toBe('jmeter');
    expect(p.indicators).toEqual([
      ...Object.entries(JMETER_DEFAULT_INDICATORS)
        .filter(([name]) => name !== 'response_time_p95')
        .map(([name, query]) => ({ name, query, origin: 'default' })),
      {
        name: 'response_time_p95',
        query: 'measure=p95;label=GET /cart',
        origin: 'file',
        file: 'sli/jmeter.yaml',
      },
      { name: 'cart_errors', query: 'measure=errors', origin: 'file', file: 'sli/jmeter.yaml' },
    ]);
    expect(Object.keys(JMETER_DEFAULT_INDICATORS)).toEqual([
      'samples',
      'throughput',
      'error_rate',
      'response_time_avg',
      'response_time_min',
      'response_time_max',
      'response_time_p50',
      'response_time_p90',
      'response_time_p95',
      'response_time_p99',
    ]);
  });

  it('refuses a bad query in the SLI file with the file, the indicator and a hint', () => {
    const build = () => provider(HAND, { slow: 'measure=p95;lable=GET /cart' });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow('sli/jmeter.yaml: indicator slow: unknown key "lable"');
  });
});

describe('JmeterProvider.fetch', () => {
  // hand-computed.jtl: elapsed 100 (cart), 300 (cart, failed), 200 (checkout), 400 (checkout;confirm,
  // failed), 1000 (checkout); from t=1000 ms to 3000+1000 ms.
  it('computes the default indicators over all samples', async () => {
    expect(await values(provider(HAND))).toEqual({
      samples: 5,
      throughput: closeTo(5 / 3, 12),
      error_rate: 40,
      response_time_avg: 400,
      response_time_min: 100,
      response_time_max: 1000,
      response_time_p50: 300,
      response_time_p90: closeTo(760, 9), // h = 3.6: 400 + 0.6 * 600
      response_time_p95: closeTo(880, 9),
      response_time_p99: closeTo(976, 9),
    });
  });

  it('computes queries with label, labelRegex and the latency and connect columns', async () => {
    const p = provider(HAND, {
      cart_samples: 'measure=samples;label=GET /cart',
      cart_errors: 'measure=errors;label=GET /cart',
      cart_error_rate: 'measure=error_rate;label=GET /cart',
      cart_throughput: 'measure=throughput;label=GET /cart', // 2 samples from 1000 to 1800 ms
      cart_p95: 'measure=p95;label=GET /cart', // 100 + 0.95 * 200
      confirm_max: 'measure=max;label="checkout;confirm"',
      checkout_rate: 'measure=error_rate;labelRegex=^POST|confirm$',
      checkout_throughput: 'measure=throughput;labelRegex=checkout', // 3 samples from 2000 to 4000 ms
      latency_avg: 'measure=avg;field=latency',
      latency_p50: 'measure=p50;field=latency',
      connect_max: 'measure=max;field=connect;labelRegex=^(GET|POST) ',
      p100: 'measure=p100',
      p0_1: 'measure=p0.1', // h = 0.004: 100 + 0.004 * 100
    });
    expect(
      await values(
        p,
        p.indicators.filter((i) => i.origin === 'file').map((i) => i.name),
      ),
    ).toEqual({
      cart_samples: 2,
      cart_errors: 1,
      cart_error_rate: 50,
      cart_throughput: 2.5,
      cart_p95: 290,
      confirm_max: 400,
      checkout_rate: closeTo(100 / 3, 12),
      checkout_throughput: 1.5,
      latency_avg: 340,
      latency_p50: 250,
      connect_max: 30,
      p100: 1000,
      p0_1: closeTo(100.4, 9),
    });
  });

  it('reads the file once for all indicators, without Latency or Connect unless asked', async () => {
    const p = provider(HAND, { lat: 'measure=p90;field=latency', cart: 'measure=p95;label=GET /cart' });
    await p.fetch(Object.keys(JMETER_DEFAULT_INDICATORS), CONTEXT);
    await p.fetch(['cart', 'samples'], CONTEXT);
    expect(await p.timeSpan(['samples'])).toEqual({ start: new Date(1000), end: new Date(4000) });
    expect(aggregateJtl.mock.calls.map((c) => c[1]?.fields)).toEqual([[]]);
    // A later indicator that needs a column the first read skipped costs one more read.
    await p.fetch(['lat', 'samples'], CONTEXT);
    await p.fetch(['lat', 'cart'], CONTEXT);
    expect(aggregateJtl.mock.calls.map((c) => c[1]?.fields)).toEqual([[], ['latency']]);
  });

  it('collects latency in the same single read when the time span is asked first for all indicators', async () => {
    const p = provider(HAND, { lat: 'measure=p90;field=latency' });
    await p.timeSpan();
    expect(await values(p, ['lat', 'samples'])).toEqual({ lat: closeTo(680, 9), samples: 5 });
    expect(aggregateJtl.mock.calls.map((c) => c[1]?.fields)).toEqual([['latency']]);
  });

  it('says which labels exist when a label filter matches nothing', async () => {
    const p = provider(join(FIXTURES, 'defra-rcr_result.jtl'), {
      missing: 'measure=p95;label=GET /kart',
      none: 'measure=samples;labelRegex=^DELETE',
    });
    const [missing, none] = await p.fetch(['missing', 'none'], CONTEXT);
    expect(missing).toEqual({
      sli: 'missing',
      provider: 'jmeter',
      value: null,
      failure: 'no-data',
      message: matching(
        /^no sample in .*defra-rcr_result\.jtl has label "GET \/kart"; its labels are "Licence Authentication Transaction", "Journey - Zero catch transaction", "GET \/licence-auth", "POST \/licence-auth", "Journey - Did not fish transaction" and 18 more$/,
      ),
    });
    expect(none).toMatchObject({
      value: null,
      failure: 'no-data',
      message: containing('matching /^DELETE/'),
    });
  });

  it('reports samples 0 and no data for everything else when the file holds no samples', async () => {
    const p = provider(join(FIXTURES, 'made/header-only.jtl'), { cart: 'measure=samples;label=GET /cart' });
    const fetched = await p.fetch(['samples', 'error_rate', 'response_time_p95', 'cart'], CONTEXT);
    expect(fetched[0]).toEqual({ sli: 'samples', provider: 'jmeter', value: 0 });
    for (const value of fetched.slice(1)) {
      expect(value).toMatchObject({
        value: null,
        failure: 'no-data',
        message: containing('holds no samples'),
      });
    }
    expect(await p.timeSpan()).toBeNull();
  });

  // Real output of Debian's JMeter 2.13 (fixtures/jmeter/made/README.md), checked against the
  // summary line JMeter printed for the run; its Avg is integer division.
  it.each([
    ['jmeter-2.13-noheader.jtl', { avg: 7, min: 1, max: 59, latency: 'unknown' }],
    ['jmeter-2.13-header.jtl', { avg: 8, min: 1, max: 53, latency: 53 }],
  ])('agrees with JMeter 2.13 on its own results file %s', async (file, summary) => {
    const p = provider(join(FIXTURES, 'made', file), {
      home: 'measure=samples;label=GET /, home',
      missing: 'measure=error_rate;label=GET /missing',
      latency: 'measure=max;field=latency',
    });
    const v = await values(p, [
      'samples',
      'error_rate',
      'response_time_avg',
      'response_time_min',
      'response_time_max',
      'home',
      'missing',
      'latency',
    ]);
    expect([
      v.samples,
      v.error_rate,
      Math.trunc(v.response_time_avg as number),
      v.response_time_min,
      v.response_time_max,
    ]).toEqual([20, 50, summary.avg, summary.min, summary.max]);
    expect([v.home, v.missing]).toEqual([10, 100]);
    if (summary.latency === 'unknown')
      expect(v.latency).toMatchObject({ failure: 'error', message: containing('no header line') });
    else expect(v.latency).toBe(summary.latency);
  });

  it('explains that latency cannot be measured from a file without a header line', async () => {
    const path = join(FIXTURES, 'perfplugin_JENKINS-16627_CSV_instead_of_XML.jtl');
    const [lat, avg] = await provider(path, { lat: 'measure=p90;field=latency' }).fetch(
      ['lat', 'response_time_avg'],
      CONTEXT,
    );
    expect(lat).toMatchObject({
      value: null,
      failure: 'error',
      message: matching(
        /has no header line, so where its Latency column is cannot be known; save results with a header line/,
      ),
    });
    expect(avg?.value).toBeCloseTo((1425 + 59 + 2204) / 3, 9);
  });

  it('measures latency from a header line with other columns (taurus_kpi1.jtl)', async () => {
    const p = provider(join(FIXTURES, 'taurus_kpi1.jtl'), {
      lat: 'measure=max;field=latency;label=good',
      bad_rate: 'measure=error_rate;label=bad',
    });
    expect(await values(p, ['lat', 'bad_rate', 'error_rate'])).toEqual({
      lat: 32,
      bad_rate: 100,
      error_rate: (100 * 9) / 21,
    });
  });

  it('explains a Connect column missing from the header line', async () => {
    const path = join(dir, 'no-connect.jtl');
    await writeFile(path, 'timeStamp,elapsed,label,success,Latency\n1000,5,a,true,3\n');
    const [connect] = await provider(path, { c: 'measure=avg;field=connect' }).fetch(['c'], CONTEXT);
    expect(connect).toMatchObject({
      failure: 'error',
      message: matching(/no-connect\.jtl has no Connect column/),
    });
  });

  it('warns through the logger about a cut-off last line', async () => {
    const logger = createMemoryLogger();
    const [samples] = await provider(join(FIXTURES, 'defra-rcr_result.jtl'), undefined, logger).fetch(
      ['samples'],
      CONTEXT,
    );
    expect(samples?.value).toBe(1125);
    expect(logger.lines).toEqual([{ level: 'warn', message: containing('skipped the last line') }]);
  });

  it.each([['a missing file', join(FIXTURES, 'nope.jtl'), /nope\.jtl does not exist/]])(
    'throws InputError for %s',
    async (_name, path, message) => {
      const fetching = provider(path).fetch(['samples'], CONTEXT);
      await expect(fetching).rejects.toThrow(InputError);
      await expect(fetching).rejects.toThrow(message);
    },
  );

  it('gives the XML and the CSV results of one JMeter run the same indicators', async () => {
    const fromXml = await values(provider(join(FIXTURES, 'made/jmeter-2.13-xml.jtl')));
    const fromCsv = await values(provider(join(FIXTURES, 'made/jmeter-2.13-xml-twin.csv')));
    expect(fromXml).toEqual(fromCsv);
    // JMeter's summary: 30 samples, 20 errors.
    expect([fromXml.samples, fromXml.error_rate]).toEqual([30, closeTo(66.666666, 5)]);
  });

  it('names the XML attribute and save option a missing latency needs', async () => {
    const path = join(dir, 'no-lt.jtl');
    await writeFile(path, '<testResults>\n<sample t="1" ts="1" s="true" lb="a"/>\n</testResults>\n');
    const [latency] = await provider(path, { l: 'measure=avg;field=latency' }).fetch(['l'], CONTEXT);
    expect(latency).toMatchObject({
      failure: 'error',
      message: matching(
        /no-lt\.jtl has no Latency \(its samples have no lt attribute\); save results with jmeter\.save\.saveservice\.latency=true/,
      ),
    });
  });

  it('answers an indicator it does not define with an error value', async () => {
    expect(await provider(HAND).fetch(['nope'], CONTEXT)).toEqual([
      {
        sli: 'nope',
        provider: 'jmeter',
        value: null,
        failure: 'error',
        message: containing('"nope"'),
      },
    ]);
  });
});
