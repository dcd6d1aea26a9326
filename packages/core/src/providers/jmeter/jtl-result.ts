/** What one pass over a results file yields, whichever its format, and the options of that pass. */
import type { Logger } from '../../environment.js';
import type { TimeWindow } from '../provider.js';
import type { ExtraTimeField, LabelAggregate } from './label-aggregate.js';

/** The whole of a results file, per label. */
export interface JtlAggregate {
  /** The path as given. */
  file: string;
  /** JMeter's CSV or XML results format, as found in the file's content. */
  format: 'csv' | 'xml';
  /** CSV only: whether the file starts with a header line. */
  hasHeader: boolean;
  /** Whether the file has Latency / Connect values whose position is known. */
  columns: Record<ExtraTimeField, boolean>;
  /** Per label, in order of first appearance. */
  labels: Map<string, LabelAggregate>;
  samples: number;
  /** From the earliest timeStamp to the latest timeStamp + elapsed; null without samples. */
  span: TimeWindow | null;
}

export interface AggregateOptions {
  /** Time columns to aggregate besides elapsed (each costs a histogram per label). */
  fields?: readonly ExtraTimeField[];
  /** Receives the warning about a skipped, cut-off last line. */
  logger?: Logger;
  /** Bytes per read; see scanCsvFile. */
  chunkSize?: number;
}

/** Counts one sample into its label's aggregate. */
export function addSample(
  aggregate: LabelAggregate,
  timeStamp: number,
  elapsed: number,
  success: boolean,
): void {
  aggregate.samples++;
  if (!success) aggregate.failed++;
  aggregate.elapsed.add(elapsed);
  if (timeStamp < aggregate.firstStart) aggregate.firstStart = timeStamp;
  if (timeStamp + elapsed > aggregate.lastEnd) aggregate.lastEnd = timeStamp + elapsed;
}

/** The file's totals from its per-label aggregates. */
export function summarizeLabels(
  base: Pick<JtlAggregate, 'file' | 'format' | 'hasHeader' | 'columns'>,
  entries: Iterable<[string, LabelAggregate]>,
): JtlAggregate {
  const labels = new Map(entries);
  let samples = 0;
  let start = Infinity;
  let end = -Infinity;
  for (const aggregate of labels.values()) {
    samples += aggregate.samples;
    start = Math.min(start, aggregate.firstStart);
    end = Math.max(end, aggregate.lastEnd);
  }
  return {
    ...base,
    labels,
    samples,
    span: samples === 0 ? null : { start: new Date(start), end: new Date(end) },
  };
}
