/**
 * One streaming pass over a JMeter CSV results file, aggregated per sampler label. Strict: a
 * row that cannot be read is an error with its line, because a gate must not silently drop
 * data; the one exception is a cut-off last line, which JMeter leaves when it is killed.
 * That exception is narrow on purpose: an unbalanced quote anywhere else swallows every line
 * after it into one field, and skipping that "last row" would let the gate pass on a fraction
 * of the samples.
 */
import type { Logger } from '../../environment.js';
import { silentLogger } from '../../environment.js';
import { InputError } from '../../errors.js';
import type { CsvRow } from './csv-row.js';
import { CsvSyntaxError } from './csv-row.js';
import { scanCsvFile } from './csv-scanner.js';
import type { ColumnLayout } from './jtl-columns.js';
import {
  headerlessLayout,
  isHeader,
  layoutFromHeader,
  parseSuccess,
  readNumber,
  TimeReader,
} from './jtl-columns.js';
import { asInputError, checkJtlFile } from './jtl-file.js';
import type { AggregateOptions, JtlAggregate } from './jtl-result.js';
import { addSample, summarizeLabels } from './jtl-result.js';
import { aggregateXmlJtl } from './jtl-xml-aggregate.js';
import type { ExtraTimeField, LabelAggregate } from './label-aggregate.js';
import { createLabelAggregate } from './label-aggregate.js';
import { LabelTable } from './label-table.js';

export type { AggregateOptions, JtlAggregate } from './jtl-result.js';

/**
 * Reads the JTL file at `path` once and aggregates it per label; throws InputError when it
 * cannot. CSV or XML, whichever the content is (JMeter names both `.jtl`).
 */
export async function aggregateJtl(path: string, options: AggregateOptions = {}): Promise<JtlAggregate> {
  if ((await checkJtlFile(path)) === 'xml') return aggregateXmlJtl(path, options);
  const aggregator = new JtlAggregator(path, new Set(options.fields), options.logger ?? silentLogger);
  try {
    await scanCsvFile(path, aggregator.onRow, { chunkSize: options.chunkSize });
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new InputError(`${path}:${error.line}: ${error.message}`, {
        hint: 'the file is not valid CSV there; it may be damaged or not JMeter results',
      });
    }
    throw asInputError(path, error);
  }
  return aggregator.result();
}

const NUMBER_HINT =
  'JMeter writes elapsed, Latency and Connect as whole milliseconds; the file may be damaged';
const QUOTE_HINT =
  'the file is damaged: re-run the test, or fix that line (end the field with a quote, ' +
  'and write a quote inside a field twice: "")';
const TIME_HINT =
  'timeStamp must be epoch milliseconds (JMeter\'s default) or a date-time like "2019/12/05 12:37:24", ' +
  '"2019-12-05 12:37:24.123" or ISO 8601 (jmeter.save.saveservice.timestamp_format)';

class JtlAggregator {
  private layout: ColumnLayout | undefined;
  private readonly labels: LabelTable<LabelAggregate>;
  private readonly fields: Set<ExtraTimeField>;
  private readonly times = new TimeReader();

  constructor(
    private readonly file: string,
    wanted: ReadonlySet<ExtraTimeField>,
    private readonly logger: Logger,
  ) {
    this.fields = new Set(wanted);
    this.labels = new LabelTable((label) => createLabelAggregate(label, this.fields));
  }

  readonly onRow = (row: CsvRow): void => {
    if (row.count === 1 && row.starts[0] === row.ends[0]) return; // a blank line
    if (row.openQuote && row.innerLineBreaks > 0) this.refuseOpenQuote(row);
    const layout = this.layout ?? this.readLayout(row);
    if (layout === undefined) return;
    if (row.count !== layout.fieldCount || row.openQuote) {
      this.skipCutOffRow(row, layout);
      return;
    }
    const timeStamp = this.time(row, layout.timeStamp);
    const elapsed = this.number(row, layout.elapsed, 'elapsed');
    const success = parseSuccess(row.buf, row.starts[layout.success]!, row.ends[layout.success]!);
    if (success < 0)
      this.fail(row, layout.success, 'success', 'true or false', 'JMeter writes true or false');
    const aggregate = this.labelOf(row, layout.label);
    addSample(aggregate, timeStamp, elapsed, success === 1);
    if (aggregate.latency !== undefined) aggregate.latency.add(this.number(row, layout.latency, 'Latency'));
    if (aggregate.connect !== undefined) aggregate.connect.add(this.number(row, layout.connect, 'Connect'));
  };

  result(): JtlAggregate {
    return summarizeLabels(
      {
        file: this.file,
        format: 'csv',
        hasHeader: this.layout?.hasHeader ?? false,
        columns: { latency: (this.layout?.latency ?? -1) >= 0, connect: (this.layout?.connect ?? -1) >= 0 },
      },
      this.labels.entries(),
    );
  }

  /** Sets the layout from the first row; returns it when that row is data, undefined for a header. */
  private readLayout(row: CsvRow): ColumnLayout | undefined {
    const header = isHeader(row.text(0));
    const layout = header
      ? layoutFromHeader(
          Array.from({ length: row.count }, (_, i) => row.text(i)),
          this.file,
        )
      : headerlessLayout(row.count, this.file);
    this.layout = layout;
    // A column the file lacks cannot be aggregated; the provider reports that per indicator.
    if (layout.latency < 0) this.fields.delete('latency');
    if (layout.connect < 0) this.fields.delete('connect');
    return header ? undefined : layout;
  }

  /**
   * Skips a last line that JMeter left cut off: the file ends inside it, with no line end, and
   * it started on the last line (a line break in it could hide the rows it swallowed).
   */
  private skipCutOffRow(row: CsvRow, layout: ColumnLayout): void {
    const where = `${this.file}:${row.line}`;
    const fields = `${row.count} of ${layout.fieldCount} fields`;
    const partial = row.count < layout.fieldCount || (row.openQuote && row.count === layout.fieldCount);
    if (!row.terminated && partial) {
      if (row.innerLineBreaks > 0) {
        throw new InputError(
          `${where}: the last row ends without a line end after ${fields} but spans ` +
            `${row.innerLineBreaks + 1} lines; a quote in it may have swallowed the rows after it`,
          { hint: QUOTE_HINT },
        );
      }
      this.logger.warn(
        `${where}: skipped the last line: it is cut off (${fields}, no line end), ` +
          'as when JMeter is stopped while writing',
      );
      return;
    }
    const expected = layout.hasHeader ? 'the header line has' : 'line 1 has';
    throw new InputError(`${where}: the row has ${row.count} fields where ${expected} ${layout.fieldCount}`, {
      hint: 'each results file must come from one JMeter run with one set of save options; do not append runs or edit it by hand',
    });
  }

  /** A quoted field left open across line breaks took the rest of the file into itself. */
  private refuseOpenQuote(row: CsvRow): never {
    // The open field runs to the end of the file; a line end there is not a line swallowed.
    const last = row.count - 1;
    const end = row.ends[last]!;
    const finalBreak = end > row.starts[last]! && row.buf[end - 1] === 0x0a ? 1 : 0;
    const lines = row.innerLineBreaks - finalBreak;
    const swallowed =
      lines === 1
        ? ', so the line after it was read as part of that field'
        : lines > 1
          ? `, so the ${lines} lines after it were read as part of that field`
          : '';
    throw new InputError(
      `${this.file}:${row.line}: unbalanced quote: a quoted field that opens in this row is never closed${swallowed}`,
      { hint: QUOTE_HINT },
    );
  }

  private labelOf(row: CsvRow, i: number): LabelAggregate {
    return row.quoted[i] === 1
      ? this.labels.lookupName(row.text(i))
      : this.labels.lookupBytes(row.buf, row.starts[i]!, row.ends[i]!);
  }

  private number(row: CsvRow, i: number, column: string): number {
    const value = readNumber(row, i, row.quoted[i] === 0);
    if (Number.isNaN(value)) this.fail(row, i, column, 'a number', NUMBER_HINT);
    return value;
  }

  private time(row: CsvRow, i: number): number {
    const value = this.times.read(row, i, row.quoted[i] === 0);
    if (Number.isNaN(value)) this.fail(row, i, 'timeStamp', 'a time', TIME_HINT);
    return value;
  }

  private fail(row: CsvRow, i: number, column: string, expected: string, hint: string): never {
    const text = row.text(i);
    const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
    throw new InputError(`${this.file}:${row.line}: ${column} is ${shown}, not ${expected}`, { hint });
  }
}
