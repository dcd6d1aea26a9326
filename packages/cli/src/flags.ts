import * as Flags from '@oclif/core/flags';
import { refuseControlCharacters } from '@ci-connect/core';

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
    description: 'history store URL: file:<path>, or postgres://user@host/db (password in PGPASSWORD)',
    env: 'CI_CONNECT_HISTORY',
    helpGroup: 'PROJECT',
  }),
};

/** What every `history` command takes: the config directory (for ci-connect.yaml) and the store. */
export const historyLocationFlags = { 'config-dir': projectFlags['config-dir'], ...historyFlag };

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

/** What the flag check needs from oclif's parse output and flag definitions. */
export interface ParsedFlagText {
  flags: Readonly<Record<string, unknown>>;
  /** Flags the user typed (oclif's raw tokens); the others came from an env var or a default. */
  raw: readonly { type: string; flag?: string }[];
  definitions: Readonly<Record<string, { env?: string | undefined }>>;
}

/**
 * Refuses control characters in every text flag of every command, whether typed or read from
 * its CI_CONNECT_* env var (DESIGN.md section 9): flag values are printed and recorded, and a
 * newline in `--version` would forge a line of the result. Runs once, in BaseCommand.parse.
 */
export function refuseControlCharactersInFlags(parsed: ParsedFlagText, env: NodeJS.ProcessEnv): void {
  const typed = new Set(parsed.raw.flatMap((token) => (token.type === 'flag' ? [token.flag] : [])));
  for (const [name, value] of Object.entries(parsed.flags)) {
    const texts = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    if (texts.length === 0) continue;
    const envVar = parsed.definitions[name]?.env;
    const fromEnv = !typed.has(name) && envVar !== undefined && env[envVar] !== undefined;
    const source = fromEnv ? `${envVar} (for --${name})` : `--${name}`;
    for (const text of texts) refuseControlCharacters(text, source);
  }
}
