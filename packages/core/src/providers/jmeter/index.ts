/** The `jmeter` SLI provider's public API and its registry entry. */
export { jmeterDefinition } from './jmeter-definition.js';
export { JmeterProvider } from './jmeter-provider.js';
export type { JmeterProviderOptions } from './jmeter-provider.js';
