/**
 * The next remediation action for a problem, chosen exactly as Keptn's remediation-service did
 * (`GetNextAction` in keptn/keptn remediation-service/handler/get_action_event_handler.go, 1.4.5):
 * the first remediation whose `problemType` equals the problem's root cause, else the first that
 * equals its title, else the first `default` one; then the action at `index` of its actionsOnOpen.
 * Matching is exact (case and spaces count). Pure: the index comes from the caller (history).
 */

import type { ActionChoice, Problem, Remediation, RemediationFile } from './types.js';

/** Keptn's get-action: the action at `index` for the problem, or why there is none (with Keptn's message). */
export function chooseAction(
  file: RemediationFile,
  problem: Pick<Problem, 'title' | 'rootCause'>,
  index: number,
): ActionChoice {
  const rootCause = problem.rootCause ?? '';
  const title = problem.title;
  const subject = describeProblem(rootCause, title);
  const remediation =
    firstOfType(file, rootCause) ?? firstOfType(file, title) ?? firstOfType(file, 'default');
  if (remediation === undefined)
    return { kind: 'none', reason: 'no-remediation', message: `unable to find action for ${subject}` };
  const action = Number.isInteger(index) && index >= 0 ? remediation.actions[index] : undefined;
  if (action === undefined)
    return {
      kind: 'none',
      reason: 'exhausted',
      message: `there is no action with index ${index} for ${subject}`,
    };
  return { kind: 'action', problemType: remediation.problemType, index, action };
}

/**
 * Keptn names the problem by what it has, not by what matched: a root cause whenever there is one
 * (even when the title or `default` matched), else the title, else "problem type default".
 */
function describeProblem(rootCause: string, title: string): string {
  if (rootCause !== '') return `root cause ${rootCause}`;
  if (title !== '') return `problem title ${title}`;
  return 'problem type default';
}

/** An empty root cause or title matches nothing: the loader refuses an empty problemType. */
function firstOfType(file: RemediationFile, problemType: string): Remediation | undefined {
  if (problemType === '') return undefined;
  return file.remediations.find((remediation) => remediation.problemType === problemType);
}
