/** ci-connect.yaml `providers.jmeter`: accepted, with no settings yet (the results file is `--jtl`). */

import type { ProviderSettingsDefinition } from '../../config/provider-settings.js';

export const jmeterSettings: ProviderSettingsDefinition<Record<string, never>> = {
  key: 'jmeter',
  schema: {
    type: ['object', 'null'],
    description: 'JMeter results files (--jtl). No settings yet.',
    properties: {},
    additionalProperties: false,
  },
  envDefaults: {},
  read: () => ({}),
  secretEnvNames: () => ({ secrets: [], urls: [], basicPairs: [] }),
};
