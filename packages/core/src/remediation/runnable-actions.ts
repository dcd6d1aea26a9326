/**
 * Which remediation actions ci-connect can run (Keptn's uniform idea, issue 13): an action named
 * in ci-connect.yaml's `tasks:` runs that entry's command (or helm, when the entry says `helm`);
 * `scaling` without an entry runs helm (the replica count from the action's value). Any other
 * action has no runner: `remediate` refuses it with exit 2 before it runs anything, and
 * `validate` reports it as an error at the action's line and column.
 */

import type { ProjectConfig } from '../config/project-config.js';

/** Actions with a runner of their own, used when `tasks:` has no entry for them. */
export const BUILT_IN_ACTIONS: readonly string[] = ['scaling'];

/**
 * The action names that have a runner: every `tasks:` entry that is a command or `helm` (the
 * other built-in runners, jmeter, evaluate, approve, record, run no action), and the built-in
 * actions that no entry maps elsewhere.
 */
export function runnableActionNames(config: Pick<ProjectConfig, 'tasks'>): string[] {
  const entries = Object.entries(config.tasks)
    .filter(([, setting]) => typeof setting !== 'string' || setting === 'helm')
    .map(([name]) => name);
  const builtIn = BUILT_IN_ACTIONS.filter((name) => config.tasks[name] === undefined);
  return [...new Set([...builtIn, ...entries])];
}

/** How to give an action a runner: the nearest runnable name when it looks like a typo, else a `tasks:` command. */
export function noActionRunnerHint(
  action: string,
  runnable: readonly string[],
  close: string | undefined,
): string {
  const fix =
    `tell ci-connect.yaml how to run it, e.g. tasks: {${action}: {command: ["./scripts/${action}.sh"]}}, ` +
    "which finds the action's value in CI_CONNECT_ACTION_VALUE (or tasks: {" +
    `${action}: helm} to scale)`;
  return close === undefined
    ? `${fix}; the actions with a runner are: ${runnable.join(', ') || 'none'}`
    : `did you mean "${close}"? else ${fix}`;
}
