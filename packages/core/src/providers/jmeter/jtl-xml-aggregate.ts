/**
 * One streaming pass over a JMeter XML results file, aggregated per sampler label, with the
 * same indicators as a CSV file. Only the top-level samples count, as in JMeter's own
 * listeners (Aggregate Report, Summary Report, the summariser) and in the CSV that JMeter 2.x-4.x
 * writes for the same run: a nested sample (a redirect's hops, embedded resources, the children
 * of a Transaction Controller that generates a parent sample) is part of its parent's time.
 */
import type { Logger } from '../../environment.js';
import { silentLogger } from '../../environment.js';
import { InputError } from '../../errors.js';
import { asInputError } from './jtl-file.js';
import { readNumber, readSuccess, TimeReader } from './jtl-columns.js';
import type { AggregateOptions, JtlAggregate } from './jtl-result.js';
import { addSample, summarizeLabels } from './jtl-result.js';
import type { ExtraTimeField, LabelAggregate } from './label-aggregate.js';
import { createLabelAggregate } from './label-aggregate.js';
import { LabelTable } from './label-table.js';
import { ATTR, XmlSyntaxError, type XmlSample } from './xml-sample.js';
import { scanXmlFile } from './xml-scanner.js';

/** Reads the XML results file at `path` once; throws InputError when it cannot. */
export async function aggregateXmlJtl(path: string, options: AggregateOptions = {}): Promise<JtlAggregate> {
  const logger = options.logger ?? silentLogger;
  const aggregator = new XmlAggregator(path, new Set(options.fields));
  try {
    const end = await scanXmlFile(path, aggregator.onSample, { chunkSize: options.chunkSize });
    if (!end.complete) warnCutOff(path, end, logger);
  } catch (error) {
    if (error instanceof XmlSyntaxError) {
      throw new InputError(`${path}:${error.line}: ${error.message}`, {
        hint: 'the file is not well-formed XML there; it may be damaged or not JMeter results',
      });
    }
    throw asInputError(path, error);
  }
  return aggregator.result();
}

function warnCutOff(
  path: string,
  end: { cutLine: number | undefined; cutSample: boolean },
  logger: Logger,
): void {
  const where = end.cutLine === undefined ? path : `${path}:${end.cutLine}`;
  const skipped = end.cutSample ? 'the last sample is cut off inside its tag and was skipped; ' : '';
  logger.warn(
    `${where}: the results end without </testResults>: ${skipped}the samples before count, ` +
      'as when JMeter is stopped while writing',
  );
}

const NUMBER_HINT = 'JMeter writes t, lt and ct as whole milliseconds; the file may be damaged';
const ORDER_HINT =
  'each results file must come from one JMeter run with one set of save options; do not append runs or edit it by hand';

/** The attribute of each extra time field, and its save option. */
const FIELD_ATTRIBUTES: Record<ExtraTimeField, { index: number; name: string }> = {
  latency: { index: ATTR.lt, name: 'lt' },
  connect: { index: ATTR.ct, name: 'ct' },
};

class XmlAggregator {
  private readonly labels: LabelTable<LabelAggregate>;
  private readonly fields: Set<ExtraTimeField>;
  /** Whether the first sample had lt / ct; undefined before it. */
  private present: Record<ExtraTimeField, boolean> | undefined;
  private readonly times = new TimeReader();

  constructor(
    private readonly file: string,
    wanted: ReadonlySet<ExtraTimeField>,
  ) {
    this.fields = new Set(wanted);
    this.labels = new LabelTable((label) => createLabelAggregate(label, this.fields));
  }

  readonly onSample = (sample: XmlSample): void => {
    for (const [attribute, column] of [
      [ATTR.ts, 'ts'],
      [ATTR.t, 't'],
      [ATTR.lb, 'lb'],
      [ATTR.s, 's'],
    ] as const) {
      if (!sample.has(attribute)) this.missing(sample, column);
    }
    if (this.present === undefined) this.readPresence(sample);
    const timeStamp = this.time(sample);
    const elapsed = this.number(sample, ATTR.t, 't');
    const success = readSuccess(sample, ATTR.s, sample.escaped[ATTR.s] === 0);
    if (success < 0) this.fail(sample, ATTR.s, 's', 'true or false');
    const aggregate = this.labelOf(sample);
    addSample(aggregate, timeStamp, elapsed, success === 1);
    for (const field of ['latency', 'connect'] as const) {
      const distribution = aggregate[field];
      if (distribution === undefined) continue;
      const { index, name } = FIELD_ATTRIBUTES[field];
      if (!sample.has(index)) this.missing(sample, name);
      distribution.add(this.number(sample, index, name));
    }
  };

  result(): JtlAggregate {
    return summarizeLabels(
      {
        file: this.file,
        format: 'xml',
        hasHeader: false,
        columns: this.present ?? { latency: false, connect: false },
      },
      this.labels.entries(),
    );
  }

  /** The first sample says which optional attributes the file has, as a CSV header does. */
  private readPresence(sample: XmlSample): void {
    this.present = { latency: sample.has(ATTR.lt), connect: sample.has(ATTR.ct) };
    if (!this.present.latency) this.fields.delete('latency');
    if (!this.present.connect) this.fields.delete('connect');
  }

  private labelOf(sample: XmlSample): LabelAggregate {
    const i = ATTR.lb;
    return sample.escaped[i] === 1
      ? this.labels.lookupName(sample.text(i))
      : this.labels.lookupBytes(sample.buf, sample.starts[i]!, sample.ends[i]!);
  }

  private number(sample: XmlSample, i: number, name: string): number {
    const value = readNumber(sample, i, sample.escaped[i] === 0);
    if (Number.isNaN(value)) this.fail(sample, i, name, 'a number');
    return value;
  }

  private time(sample: XmlSample): number {
    const value = this.times.read(sample, ATTR.ts, sample.escaped[ATTR.ts] === 0);
    if (Number.isNaN(value)) this.fail(sample, ATTR.ts, 'ts', 'epoch milliseconds');
    return value;
  }

  private missing(sample: XmlSample, name: string): never {
    const first = this.present === undefined;
    throw new InputError(
      `${this.file}:${sample.lineOf()}: <${sample.name}> has no ${name} attribute` +
        (first ? '' : ' where the first sample has one'),
      {
        hint: first
          ? "save results with JMeter's default fields (jmeter.save.saveservice.time, timestamp, label, success = true)"
          : ORDER_HINT,
      },
    );
  }

  private fail(sample: XmlSample, i: number, name: string, expected: string): never {
    const text = sample.text(i);
    const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
    throw new InputError(`${this.file}:${sample.lineOf()}: ${name} is ${shown}, not ${expected}`, {
      hint: NUMBER_HINT,
    });
  }
}
