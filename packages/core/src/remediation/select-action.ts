/**
 * TEMPORARY (R2's stand-in for R1's select-action.ts, replaced at merge): Keptn's get-action
 * choice as keptn-spec.md section 4 describes it, against the fixed signature only.
 */

import type { ActionChoice, Problem, RemediationFile } from './types.js';

/** The action at `index` for the problem: root cause, then title, then `default`. */
export function chooseAction(
  file: RemediationFile,
  problem: Pick<Problem, 'title' | 'rootCause'>,
  index: number,
): ActionChoice {
  const byType = (type: string | undefined) =>
    type === undefined ? undefined : file.remediations.find((r) => r.problemType === type);
  const entry = byType(problem.rootCause) ?? byType(problem.title) ?? byType('default');
  const what =
    problem.rootCause !== undefined ? `root cause ${problem.rootCause}` : `problem title ${problem.title}`;
  if (entry === undefined)
    return { kind: 'none', reason: 'no-remediation', message: `unable to find action for ${what}` };
  const action = entry.actions[index];
  if (action === undefined)
    return {
      kind: 'none',
      reason: 'exhausted',
      message: `there is no action with index ${index} for problem type ${entry.problemType}`,
    };
  return { kind: 'action', problemType: entry.problemType, index, action };
}
