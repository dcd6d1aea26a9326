/**
 * Which inputs each command uses. The CLI refuses a flag its command does not take; an input
 * the command does not use would be dropped without a word (`force: true` on evaluate), so the
 * step says so in a warning.
 */

import * as actions from '@actions/core';
import type { ActionCommand } from './inputs.js';

const SHARED = ['command', 'service', 'stage', 'version', 'project', 'config_dir', 'ca_file'];
const RECORDED = [
  'history',
  'on_warning',
  'labels',
  'report_dir',
  'dynatrace_event',
  'settle',
  'github_token',
];
const STAGE_RUN = [
  ...RECORDED,
  'image',
  'sequence',
  'url',
  'approved_by',
  'force',
  'dry_run',
  'results_dir',
  'test_timeout',
];

/** The inputs each command reads (action.yml declares their union). */
export const COMMAND_INPUTS: Readonly<Record<ActionCommand, readonly string[]>> = {
  evaluate: [...SHARED, ...RECORDED, 'start', 'end', 'timeframe', 'slo', 'values', 'jtl'],
  'trigger-deployment': [...SHARED, ...STAGE_RUN],
  promote: [...SHARED, ...STAGE_RUN, 'from_stage'],
  'send-event': [...SHARED, 'event_type', 'title', 'entity_selector', 'properties'],
};

// action.yml's defaults: the runner passes them for inputs the workflow does not give.
const DEFAULTS: Readonly<Record<string, string>> = { command: 'evaluate', force: 'false', dry_run: 'false' };

/** The warning for inputs the workflow gave that `command` does not use; undefined when there are none. */
export function ignoredInputsWarning(command: ActionCommand): string | undefined {
  const used = new Set(COMMAND_INPUTS[command]);
  const all = new Set(Object.values(COMMAND_INPUTS).flat());
  const ignored = [...all].filter((name) => {
    if (used.has(name)) return false;
    const value = actions.getInput(name);
    return value !== '' && value !== DEFAULTS[name];
  });
  if (ignored.length === 0) return undefined;
  const users = (Object.keys(COMMAND_INPUTS) as ActionCommand[]).filter((c) =>
    ignored.some((name) => COMMAND_INPUTS[c].includes(name)),
  );
  const [noun, pronoun] = ignored.length === 1 ? ['the input', 'it is'] : ['the inputs', 'they are'];
  return `${command} does not use ${noun} ${ignored.join(', ')}: ${pronoun} ignored (${pronoun} for ${users.join(', ')})`;
}
