/** The `dynatrace` SLI provider's public API and its registry entry. */
export { dynatraceDefinition } from './dynatrace-definition.js';
export { DynatraceProvider } from './dynatrace-provider.js';
export type { DynatraceProviderOptions } from './dynatrace-provider.js';
