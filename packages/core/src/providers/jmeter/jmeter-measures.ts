/** Computes a jmeter.yaml query's value from the per-label aggregate of a results file. */
import { InternalError } from '../../errors.js';
import type { SliFailure } from '../../gate/types.js';
import type { ExactDistribution } from './exact-distribution.js';
import type { JmeterField, JmeterQuery, LabelFilter } from './jmeter-query.js';
import type { JtlAggregate } from './jtl-aggregate.js';
import type { LabelAggregate } from './label-aggregate.js';
import { mergeLabelAggregates } from './label-aggregate.js';

/** A value, or why there is none. */
export type MeasureResult = { value: number } | { value: null; failure: SliFailure; message: string };

const SHOWN_LABELS = 5;
const COLUMN_NAMES: Record<JmeterField, string> = {
  elapsed: 'elapsed',
  latency: 'Latency',
  connect: 'Connect',
};

/** Merges the labels a filter selects, remembering each merge for the other queries of one fetch. */
export class LabelSelector {
  private readonly merged = new Map<string, LabelAggregate | undefined>();

  constructor(private readonly aggregate: JtlAggregate) {}

  /** The merged aggregate of the selected labels, or undefined when no label matches. */
  select(filter: LabelFilter): LabelAggregate | undefined {
    const key =
      filter.kind === 'all' ? '' : filter.kind === 'exact' ? `=${filter.label}` : `~${filter.pattern.source}`;
    if (this.merged.has(key)) return this.merged.get(key);
    const labels = [...this.aggregate.labels.values()];
    const parts =
      filter.kind === 'all'
        ? labels
        : filter.kind === 'exact'
          ? labels.filter((l) => l.label === filter.label)
          : labels.filter((l) => filter.pattern.test(l.label));
    // One label needs no copy: measures only read aggregates.
    const result = parts.length <= 1 ? parts[0] : mergeLabelAggregates(key, parts);
    this.merged.set(key, result);
    return result;
  }
}

/** The value of `query` over the aggregate; never throws for missing data. */
export function computeMeasure(
  aggregate: JtlAggregate,
  query: JmeterQuery,
  selector: LabelSelector,
): MeasureResult {
  if (aggregate.samples === 0) {
    if (query.measure.kind === 'samples' && query.labels.kind === 'all') return { value: 0 };
    const only = aggregate.format === 'xml' ? 'an empty <testResults>' : 'a header line only';
    return noData(`${aggregate.file} holds no samples (${only}): did the test run any sampler?`);
  }
  if (query.field !== 'elapsed' && !aggregate.columns[query.field])
    return missingColumn(aggregate, query.field);
  const selected = selector.select(query.labels);
  if (selected === undefined) return noMatch(aggregate, query.labels);
  const measure = query.measure;
  switch (measure.kind) {
    case 'samples':
      return { value: selected.samples };
    case 'errors':
      return { value: selected.failed };
    case 'error_rate':
      return { value: (100 * selected.failed) / selected.samples };
    case 'throughput': {
      const seconds = (selected.lastEnd - selected.firstStart) / 1000;
      if (seconds <= 0)
        return noData(`the samples of ${aggregate.file} span no time, so throughput is undefined`);
      return { value: selected.samples / seconds };
    }
    case 'avg':
      return { value: distributionOf(selected, query.field).mean() };
    case 'min':
      return { value: distributionOf(selected, query.field).min };
    case 'max':
      return { value: distributionOf(selected, query.field).max };
    case 'percentile':
      return { value: distributionOf(selected, query.field).quantile(measure.percent / 100) };
  }
}

function distributionOf(selected: LabelAggregate, field: JmeterField): ExactDistribution {
  const distribution = selected[field];
  if (distribution === undefined) {
    throw new InternalError(`${field} was not aggregated; the provider must ask for it`);
  }
  return distribution;
}

function noData(message: string): MeasureResult {
  return { value: null, failure: 'no-data', message };
}

function noMatch(aggregate: JtlAggregate, filter: LabelFilter): MeasureResult {
  const names = [...aggregate.labels.keys()];
  const shown = names.slice(0, SHOWN_LABELS).map((n) => JSON.stringify(n));
  const more = names.length > SHOWN_LABELS ? ` and ${names.length - SHOWN_LABELS} more` : '';
  const wanted =
    filter.kind === 'exact'
      ? `label ${JSON.stringify(filter.label)}`
      : filter.kind === 'regex'
        ? `a label matching ${String(filter.pattern)}`
        : 'any label';
  return noData(`no sample in ${aggregate.file} has ${wanted}; its labels are ${shown.join(', ')}${more}`);
}

function missingColumn(aggregate: JtlAggregate, field: JmeterField): MeasureResult {
  const column = COLUMN_NAMES[field];
  if (aggregate.format === 'xml') {
    const attribute = field === 'latency' ? 'lt' : 'ct';
    const option = field === 'latency' ? 'latency' : 'connect_time';
    return {
      value: null,
      failure: 'error',
      message:
        `${aggregate.file} has no ${column} (its samples have no ${attribute} attribute); ` +
        `save results with jmeter.save.saveservice.${option}=true`,
    };
  }
  const message = aggregate.hasHeader
    ? `${aggregate.file} has no ${column} column (see its header line)`
    : `${aggregate.file} has no header line, so where its ${column} column is cannot be known`;
  return {
    value: null,
    failure: 'error',
    message: `${message}; save results with a header line and ${column} (jmeter.save.saveservice.print_field_names=true)`,
  };
}
