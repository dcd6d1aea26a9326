/**
 * The `jmeter` SLI provider: indicators computed from a JMeter CSV results file (`--jtl`).
 * The file is read once per evaluation, however many indicators are asked for.
 */
import type { Logger } from '../../environment.js';
import { ConfigError } from '../../errors.js';
import type { SliValue } from '../../gate/types.js';
import type { IndicatorDefinition, SliContext, SliProvider, TimeWindow } from '../provider.js';
import { computeMeasure, LabelSelector } from './jmeter-measures.js';
import type { JmeterQuery } from './jmeter-query.js';
import { JmeterQuerySyntaxError, parseJmeterQuery } from './jmeter-query.js';
import type { JtlAggregate } from './jtl-aggregate.js';
import { aggregateJtl } from './jtl-aggregate.js';
import type { ExtraTimeField } from './label-aggregate.js';

/** The indicators every JMeter results file answers (contract, DESIGN.md section 4). */
export const JMETER_DEFAULT_INDICATORS: Readonly<Record<string, string>> = {
  samples: 'measure=samples',
  throughput: 'measure=throughput',
  error_rate: 'measure=error_rate',
  response_time_avg: 'measure=avg',
  response_time_min: 'measure=min',
  response_time_max: 'measure=max',
  response_time_p50: 'measure=p50',
  response_time_p90: 'measure=p90',
  response_time_p95: 'measure=p95',
  response_time_p99: 'measure=p99',
};

export interface JmeterProviderOptions {
  /** The results file JMeter wrote (`-l`), CSV with or without a header line. */
  jtlPath: string;
  /** The indicators of `sli/jmeter.yaml`; one with a default's name replaces that default. */
  sliFile?: { file: string; indicators: Record<string, string> };
  logger: Logger;
  /** Bytes per read (tests use tiny values). */
  chunkSize?: number;
}

/** SLI values from a JMeter CSV results file. */
export class JmeterProvider implements SliProvider {
  readonly name = 'jmeter';
  readonly indicators: readonly IndicatorDefinition[];
  private readonly queries = new Map<string, JmeterQuery>();
  private cache: { fields: ReadonlySet<ExtraTimeField>; aggregate: Promise<JtlAggregate> } | undefined;

  constructor(private readonly options: JmeterProviderOptions) {
    const file = options.sliFile;
    const indicators: IndicatorDefinition[] = [];
    for (const [name, query] of Object.entries(JMETER_DEFAULT_INDICATORS)) {
      if (file !== undefined && Object.hasOwn(file.indicators, name)) continue;
      indicators.push({ name, query, origin: 'default' });
    }
    for (const [name, query] of Object.entries(file?.indicators ?? {})) {
      indicators.push({ name, query, origin: 'file', file: file?.file });
    }
    for (const indicator of indicators) this.queries.set(indicator.name, parseIndicator(indicator));
    this.indicators = indicators;
  }

  /** Values for the named indicators, in order; throws InputError when the file cannot be read. */
  async fetch(names: readonly string[], _context?: SliContext): Promise<SliValue[]> {
    const aggregate = await this.aggregate(names);
    const selector = new LabelSelector(aggregate);
    return names.map((sli): SliValue => {
      const query = this.queries.get(sli);
      if (query === undefined) {
        const message = `the jmeter provider has no indicator ${JSON.stringify(sli)}`;
        return { sli, provider: this.name, value: null, failure: 'error', message };
      }
      return { sli, provider: this.name, ...computeMeasure(aggregate, query, selector) };
    });
  }

  /**
   * The file's time span (earliest timeStamp to latest timeStamp + elapsed), the default
   * evaluation window; null when it holds no samples. Pass the indicators the evaluation will
   * fetch, so that the same single read serves `fetch` too.
   */
  async timeSpan(names: readonly string[] = [...this.queries.keys()]): Promise<TimeWindow | null> {
    return (await this.aggregate(names)).span;
  }

  /** The aggregate, read once; read again only if an indicator needs a column the first read skipped. */
  private aggregate(names: readonly string[]): Promise<JtlAggregate> {
    const fields = new Set<ExtraTimeField>(this.cache?.fields);
    for (const name of names) {
      const field = this.queries.get(name)?.field;
      if (field === 'latency' || field === 'connect') fields.add(field);
    }
    if (this.cache === undefined || fields.size > this.cache.fields.size) {
      const aggregate = aggregateJtl(this.options.jtlPath, {
        fields: [...fields],
        logger: this.options.logger,
        chunkSize: this.options.chunkSize,
      });
      this.cache = { fields, aggregate };
    }
    return this.cache.aggregate;
  }
}

function parseIndicator(indicator: IndicatorDefinition): JmeterQuery {
  try {
    return parseJmeterQuery(indicator.query);
  } catch (error) {
    if (!(error instanceof JmeterQuerySyntaxError)) throw error;
    const where = indicator.file ?? 'jmeter defaults';
    throw new ConfigError(`${where}: indicator ${indicator.name}: ${error.message}`, { hint: error.hint });
  }
}
