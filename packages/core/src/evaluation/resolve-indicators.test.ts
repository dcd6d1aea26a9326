import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseCriterion } from '../gate/criteria.js';
import type { Objective } from '../gate/types.js';
import type { IndicatorDefinition, SliProvider } from '../providers/provider.js';
import { planIndicators } from './resolve-indicators.js';

function provider(name: string, definitions: [string, IndicatorDefinition['origin']][]): SliProvider {
  return {
    name,
    indicators: definitions.map(([indicator, origin]) => ({
      name: indicator,
      query: indicator,
      origin,
      file: `${name}.yaml`,
    })),
    fetch: () => Promise.resolve([]),
  };
}

function objective(sli: string, scored = true): Objective {
  return {
    sli,
    displayName: '',
    pass: scored ? [[parseCriterion('<1')]] : [],
    warning: [],
    weight: 1,
    keySli: false,
  };
}

function plan(objectives: Objective[], providers: SliProvider[]): Record<string, string[]> {
  const { byProvider } = planIndicators(objectives, providers);
  return Object.fromEntries([...byProvider].map(([p, names]) => [p.name, names]));
}

describe('planIndicators', () => {
  const jmeter = provider('jmeter', [
    ['response_time_p95', 'default'],
    ['error_rate', 'default'],
  ]);
  const prometheus = provider('prometheus', [['response_time_p95', 'file']]);
  const values = provider('static', [['response_time_p95', 'values']]);

  it('asks each SLI of the provider that defines it', () => {
    expect(plan([objective('response_time_p95'), objective('error_rate')], [jmeter])).toEqual({
      jmeter: ['response_time_p95', 'error_rate'],
    });
  });

  it('prefers an SLI file over a built-in default', () => {
    expect(plan([objective('response_time_p95')], [jmeter, prometheus])).toEqual({
      prometheus: ['response_time_p95'],
    });
  });

  it('prefers a value given with --values over an SLI file', () => {
    expect(plan([objective('response_time_p95')], [jmeter, prometheus, values])).toEqual({
      static: ['response_time_p95'],
    });
  });

  it('ranks the built-ins of a provider that cannot run (no --jtl) below every other definition', () => {
    const unconfigured = provider('jmeter', [['throughput', 'unconfigured']]);
    const prometheusDefaults = provider('prometheus', [['throughput', 'default']]);
    expect(plan([objective('throughput')], [unconfigured, prometheusDefaults])).toEqual({
      prometheus: ['throughput'],
    });
    expect(plan([objective('throughput')], [unconfigured])).toEqual({ jmeter: ['throughput'] });
  });

  it("prefers the built-ins of this run's results file over other built-ins, with a note", () => {
    const results: SliProvider = { ...jmeter, timeSpan: () => Promise.resolve(null) };
    const prometheusDefaults = provider('prometheus', [['response_time_p95', 'default']]);
    const dynatraceDefaults = provider('dynatrace', [['response_time_p95', 'default']]);
    const outcome = planIndicators(
      [objective('response_time_p95')],
      [prometheusDefaults, results, dynatraceDefaults],
    );
    expect([...outcome.byProvider].map(([p, names]) => [p.name, names])).toEqual([
      ['jmeter', ['response_time_p95']],
    ]);
    expect(outcome.notes).toEqual([
      "this run's results file answers response_time_p95 (jmeter built-ins); the built-ins of prometheus " +
        'and dynatrace with the same names are not used. To use them for one, define it in ' +
        'sli/prometheus.yaml or sli/dynatrace.yaml',
    ]);
    // An SLI file still beats a results file's built-in.
    const promFile = provider('prometheus', [['response_time_p95', 'file']]);
    expect(plan([objective('response_time_p95')], [results, promFile])).toEqual({
      prometheus: ['response_time_p95'],
    });
    expect(planIndicators([objective('response_time_p95')], [results, promFile]).notes).toEqual([]);
  });

  it('rejects the same name built into two providers when no results file decides', () => {
    const prometheusDefaults = provider('prometheus', [['throughput', 'default']]);
    const dynatraceDefaults = provider('dynatrace', [['throughput', 'default']]);
    expect(() => planIndicators([objective('throughput')], [prometheusDefaults, dynatraceDefaults])).toThrow(
      'SLI "throughput" is defined by prometheus (built-in) and dynatrace (built-in)',
    );
  });

  it('asks once for an SLI that two objectives use', () => {
    expect(plan([objective('error_rate'), objective('error_rate')], [jmeter])).toEqual({
      jmeter: ['error_rate'],
    });
  });

  it('rejects two SLI files defining one name', () => {
    const dynatrace = provider('dynatrace', [['response_time_p95', 'file']]);
    expect(() => planIndicators([objective('response_time_p95')], [prometheus, dynatrace])).toThrow(
      'SLI "response_time_p95" is defined by prometheus (prometheus.yaml) and dynatrace (dynatrace.yaml)',
    );
  });

  it('rejects a scored objective whose SLI no provider defines', () => {
    expect(() => planIndicators([objective('apdex')], [jmeter])).toThrow(ConfigError);
    expect(() => planIndicators([objective('apdex')], [jmeter])).toThrow('no provider defines "apdex"');
  });

  it('lists an informational objective whose SLI no provider defines, without failing', () => {
    expect(planIndicators([objective('apdex', false)], [jmeter]).undefinedInfo).toEqual(['apdex']);
  });
});
