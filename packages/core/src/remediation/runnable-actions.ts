/**
 * Which remediation actions ci-connect can run (Keptn's uniform idea, issue 13): an action named
 * in ci-connect.yaml's `tasks:` runs through that entry; `scaling` without one runs helm (the
 * replica count from the action's value). Any other action has no runner: `remediate` refuses it
 * with exit 2 before it runs anything, and `validate` says so at the action's line and column.
 */

import type { ProjectConfig } from '../config/project-config.js';

/** Actions with a runner of their own, used when `tasks:` has no entry for them. */
export const BUILT_IN_ACTIONS: readonly string[] = ['scaling'];

/** The action names that have a runner: the built-in ones and every `tasks:` entry of ci-connect.yaml. */
export function runnableActionNames(config: Pick<ProjectConfig, 'tasks'>): string[] {
  return [...new Set([...BUILT_IN_ACTIONS, ...Object.keys(config.tasks)])];
}

/** How to give an action a runner: the nearest runnable name when it looks like a typo, else a `tasks:` command. */
export function noActionRunnerHint(
  action: string,
  runnable: readonly string[],
  close: string | undefined,
): string {
  const fix =
    `tell ci-connect.yaml how to run it, e.g. tasks: {${action}: {command: ["./scripts/${action}.sh"]}}, ` +
    "which finds the action's value in CI_CONNECT_ACTION_VALUE";
  return close === undefined
    ? `${fix}; the actions with a runner are: ${runnable.join(', ')}`
    : `did you mean "${close}"? else ${fix}`;
}
