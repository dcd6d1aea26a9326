import * as Flags from '@oclif/core/flags';

/**
 * Flags shared by the commands. Each reads an env var too (DESIGN.md section 4), so a CI
 * template can set them once for every job; a flag on the command line wins.
 */
export const projectFlags = {
  'config-dir': Flags.string({
    description: 'config directory holding ci-connect.yaml, shipyard.yaml, base/ and stages/',
    env: 'CI_CONNECT_CONFIG_DIR',
    default: '.ci-connect',
    helpGroup: 'PROJECT',
  }),
  project: Flags.string({
    description: 'project name (default: ci-connect.yaml `project`)',
    env: 'CI_CONNECT_PROJECT',
    helpGroup: 'PROJECT',
  }),
  stage: Flags.string({
    description: 'stage name (default: ci-connect.yaml `defaults.stage`)',
    env: 'CI_CONNECT_STAGE',
    helpGroup: 'PROJECT',
  }),
  service: Flags.string({
    description: 'service name (default: the only service in the config directory)',
    env: 'CI_CONNECT_SERVICE',
    helpGroup: 'PROJECT',
  }),
};

export const historyFlag = {
  history: Flags.string({
    description: 'history store URL, e.g. file:.ci-connect/history.jsonl',
    env: 'CI_CONNECT_HISTORY',
    helpGroup: 'PROJECT',
  }),
};

export const gateFlags = {
  'on-warning': Flags.option({
    options: ['pass', 'warn', 'fail'] as const,
    description: 'exit code for a warning: pass (0), warn (4) or fail (1)',
    env: 'CI_CONNECT_ON_WARNING',
  })(),
  label: Flags.string({
    description: 'label recorded with the result, key=value (repeatable; env CI_CONNECT_LABELS=k=v,k2=v2)',
    multiple: true,
  }),
};

export const caFileFlag = {
  'ca-file': Flags.string({
    description:
      'a CA certificate (PEM) to trust for HTTPS APIs (monitoring, Dynatrace), besides the system ones',
    env: 'CI_CONNECT_CA_FILE',
  }),
};
