import type { ProviderSettingsDefinition } from '../config/provider-settings.js';
import type { QueryChecker } from '../config/sli-file.js';
import type { TargetChecker } from '../config/target-units.js';
import { dynatraceDefinition } from './dynatrace/index.js';
import { jmeterDefinition } from './jmeter/index.js';
import { prometheusDefinition } from './prometheus/index.js';
import type { SliProviderDefinition } from './provider-definition.js';

/**
 * Every SLI provider configured by a file, by name (STYLE.md: an explicit registry). Adding one
 * is its folder, whose index.ts exports its definition, and one entry here: its settings,
 * doctor check and docs come with the definition (registries.test.ts checks them).
 */
export const SLI_PROVIDERS: ReadonlyMap<string, SliProviderDefinition> = new Map(
  [jmeterDefinition, prometheusDefinition, dynatraceDefinition].map((d) => [d.name, d]),
);

/** Each provider's ci-connect.yaml settings, for whoever loads that file (config/ imports no provider). */
export const PROVIDER_SETTINGS: readonly ProviderSettingsDefinition[] = [...SLI_PROVIDERS.values()].map(
  (d) => d.settings,
);

/** The built-in indicator names per provider, for `validate`'s cross-check. */
export function builtInIndicators(): Record<string, string[]> {
  return Object.fromEntries([...SLI_PROVIDERS].map(([name, d]) => [name, [...d.builtInIndicators]]));
}

/** What `validateConfigDir` needs to know of the providers: names, settings, built-ins and query checks. */
export function providerValidationOptions(): {
  providers: string[];
  providerSettings: readonly ProviderSettingsDefinition[];
  builtInIndicators: Record<string, string[]>;
  queryCheckers: Record<string, QueryChecker>;
  targetCheckers: Record<string, TargetChecker>;
} {
  const definitions = [...SLI_PROVIDERS.values()];
  return {
    providers: definitions.map((d) => d.name),
    providerSettings: PROVIDER_SETTINGS,
    builtInIndicators: builtInIndicators(),
    queryCheckers: Object.fromEntries(
      definitions.flatMap((d) => (d.checkQuery === undefined ? [] : [[d.name, d.checkQuery]])),
    ),
    targetCheckers: Object.fromEntries(
      definitions.flatMap((d) => (d.checkTarget === undefined ? [] : [[d.name, d.checkTarget]])),
    ),
  };
}
