/** The `jmeter` SLI provider's public API and its registry entry. */
export { jmeterDefinition } from './jmeter-definition.js';
export { JMETER_DEFAULT_INDICATORS, JmeterProvider } from './jmeter-provider.js';
export type { JmeterProviderOptions } from './jmeter-provider.js';
export { JmeterQuerySyntaxError, parseJmeterQuery } from './jmeter-query.js';
export type { JmeterField, JmeterMeasure, JmeterQuery, LabelFilter } from './jmeter-query.js';
export { aggregateJtl } from './jtl-aggregate.js';
export type { AggregateOptions, JtlAggregate } from './jtl-aggregate.js';
export { mergeLabelAggregates } from './label-aggregate.js';
export type { ExtraTimeField, LabelAggregate } from './label-aggregate.js';
export { ExactDistribution } from './exact-distribution.js';
