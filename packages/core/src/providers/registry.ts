import { UsageError } from '../errors.js';
import type { QueryChecker, SliFile } from '../config/sli-file.js';
import type { SliValue } from '../gate/types.js';
import { dynatraceDefinition } from './dynatrace/index.js';
import { prometheusDefinition } from './prometheus/index.js';
import {
  JMETER_DEFAULT_INDICATORS,
  JmeterProvider,
  JmeterQuerySyntaxError,
  parseJmeterQuery,
} from './jmeter/index.js';
import type { IndicatorDefinition, SliProvider } from './provider.js';
import type { SliProviderDefinition } from './provider-definition.js';
import { sliQueriesOf } from './sli-queries.js';

const jmeter: SliProviderDefinition = {
  name: 'jmeter',
  builtInIndicators: Object.keys(JMETER_DEFAULT_INDICATORS),
  checkQuery: (query) => {
    try {
      parseJmeterQuery(query);
      return undefined;
    } catch (error) {
      if (error instanceof JmeterQuerySyntaxError) return { message: error.message, hint: error.hint };
      throw error;
    }
  },
  create({ sliFile, jtlFile, logger }) {
    if (jtlFile === undefined) {
      // Its built-ins rank last: they are there to say "pass --jtl", not to compete with others.
      return new UnconfiguredProvider(
        'jmeter',
        definitionsOf('jmeter', JMETER_DEFAULT_INDICATORS, sliFile, 'unconfigured'),
        {
          message: 'the SLO uses JMeter indicators, but no JMeter results file was given',
          hint: 'pass --jtl path/to/results.jtl (env CI_CONNECT_JTL)',
        },
      );
    }
    return new JmeterProvider({ jtlPath: jtlFile, ...sliQueriesOf(sliFile), logger });
  },
};

/** Every SLI provider configured by a file, by name (STYLE.md: an explicit registry). */
export const SLI_PROVIDERS: ReadonlyMap<string, SliProviderDefinition> = new Map(
  [jmeter, prometheusDefinition, dynatraceDefinition].map((d) => [d.name, d]),
);

/** The built-in indicator names per provider, for `validate`'s cross-check. */
export function builtInIndicators(): Record<string, string[]> {
  return Object.fromEntries([...SLI_PROVIDERS].map(([name, d]) => [name, [...d.builtInIndicators]]));
}

function definitionsOf(
  provider: string,
  defaults: Readonly<Record<string, string>>,
  sliFile: SliFile | undefined,
  defaultOrigin: IndicatorDefinition['origin'],
): IndicatorDefinition[] {
  const fromFile = sliQueriesOf(sliFile).sliFile?.indicators ?? {};
  return [
    ...Object.entries(defaults)
      .filter(([name]) => !(name in fromFile))
      .map(([name, query]): IndicatorDefinition => ({ name, query, origin: defaultOrigin })),
    ...Object.entries(fromFile).map(([name, query]): IndicatorDefinition => ({
      name,
      query,
      origin: 'file',
      file: sliFile?.file ?? provider,
    })),
  ];
}

/**
 * A provider that cannot run as configured (no results file, no client yet). It still names its
 * indicators, so an SLO that needs one gets a usage error that says what to pass.
 */
class UnconfiguredProvider implements SliProvider {
  constructor(
    readonly name: string,
    readonly indicators: readonly IndicatorDefinition[],
    private readonly reason: { message: string; hint: string },
  ) {}

  fetch(names: readonly string[]): Promise<SliValue[]> {
    return Promise.reject(
      new UsageError(`${this.reason.message} (${names.join(', ')})`, { hint: this.reason.hint }),
    );
  }
}

/** What `validateConfigDir` needs to know of the providers: names, built-ins and query checks. */
export function providerValidationOptions(): {
  providers: string[];
  builtInIndicators: Record<string, string[]>;
  queryCheckers: Record<string, QueryChecker>;
} {
  const definitions = [...SLI_PROVIDERS.values()];
  return {
    providers: definitions.map((d) => d.name),
    builtInIndicators: builtInIndicators(),
    queryCheckers: Object.fromEntries(
      definitions.flatMap((d) => (d.checkQuery === undefined ? [] : [[d.name, d.checkQuery]])),
    ),
  };
}
