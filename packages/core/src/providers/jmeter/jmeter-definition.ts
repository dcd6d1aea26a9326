/** The `jmeter` entry of the SLI provider registry (providers/registry.ts). */
import type { SliProviderDefinition } from '../provider-definition.js';
import { sliQueriesOf } from '../sli-queries.js';
import { UnconfiguredProvider, definitionsOf } from '../unconfigured-provider.js';
import { JMETER_DEFAULT_INDICATORS, JmeterProvider } from './jmeter-provider.js';
import { JmeterQuerySyntaxError, parseJmeterQuery } from './jmeter-query.js';
import { jmeterSettings } from './jmeter-settings.js';

/** A JMeter results file (`--jtl`): built-in indicators (contract), `sli/jmeter.yaml` adds more. */
export const jmeterDefinition: SliProviderDefinition = {
  name: 'jmeter',
  settings: jmeterSettings,
  // A results file is complete when JMeter ends.
  settles: false,
  // A results file is given per run (--jtl), and the jmeter binary is the test runner's check.
  doctorCheck: null,
  docs: 'jmeter.md#jmeter-results-the-jmeter-provider',
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
  create({ sliFile, jtlFile, resultsFileHint, logger }) {
    if (jtlFile === undefined) {
      // Its built-ins rank last: they are there to say "pass --jtl", not to compete with others.
      return new UnconfiguredProvider(
        'jmeter',
        definitionsOf('jmeter', JMETER_DEFAULT_INDICATORS, sliFile, 'unconfigured'),
        {
          message: 'the SLO uses JMeter indicators, but no JMeter results file was given',
          hint:
            `${resultsFileHint ?? 'pass --jtl path/to/results.jtl (env CI_CONNECT_JTL)'}; Keptn's default names ` +
            '(response_time_p95, error_rate, throughput, ...) are also built into prometheus and dynatrace, ' +
            'answered from Prometheus when PROMETHEUS_URL is set and from Dynatrace when DT_URL is set',
        },
      );
    }
    return new JmeterProvider({ jtlPath: jtlFile, ...sliQueriesOf(sliFile), logger });
  },
};
