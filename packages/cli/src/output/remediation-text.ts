/** How a remediation and a dry run's plan read in the terminal. */

import {
  describeAction,
  type RemediationPlan,
  type RemediationProblemRef,
  type RemediationRecord,
  type RemediationRunResult,
} from '@ci-connect/core';
import type { Palette } from './palette.js';
import { printable } from './printable.js';

/** `P-211117376 "Response time degradation"`: the problem's display id (else its key) and title. */
export function problemLabel(problem: Pick<RemediationProblemRef, 'displayId' | 'key' | 'title'>): string {
  const id = problem.displayId ?? problem.key;
  return `${id === undefined ? '' : `${id} `}"${problem.title}"`;
}

/** One line per step, then the outcome and the exit code. */
export function renderRemediation(result: RemediationRunResult, palette: Palette): string {
  const { problem } = result;
  const lines = [
    printable(
      `remediation of ${problemLabel(problem)}${problem.rootCause === undefined ? '' : ` (root cause ${problem.rootCause})`}`,
    ),
    ...result.steps.map(renderStep),
  ];
  const verdict = `${result.outcome.toUpperCase()} (exit ${result.exitCode})`;
  lines.push(palette.bold(verdict));
  return `${lines.join('\n')}\n`;
}

/** `  1. "Scale up" (scaling)  fail  <message>` for an action; the outcome's message for an end step. */
export function renderStep(step: RemediationRecord): string {
  if (step.step !== 'action') return `  ${step.step}: ${printable(step.message)}`;
  const name = step.action === null ? '' : describeAction(step.action);
  const gate = step.evaluationId === null ? '' : `  evaluation ${step.evaluationId}`;
  return `  ${step.actionIndex + 1}. ${name}  ${step.result}  ${printable(step.message)}${gate}`;
}

/** What a dry run would do next. */
export function renderRemediationPlan(plan: RemediationPlan): string {
  const lines = [
    `dry run: remediation of ${printable(problemLabel(plan.problem))} (${plan.problem.status}) for ${plan.project}/${plan.stage}/${plan.service}; nothing is changed`,
    `  remediation file: ${plan.remediationFile}`,
    `  history: ${plan.history} (${plan.nextIndex} action${plan.nextIndex === 1 ? '' : 's'} recorded for the problem)`,
  ];
  if (plan.gateFirst !== null) {
    const { actionIndex, action } = plan.gateFirst;
    lines.push(
      `  first: the quality gate after action ${actionIndex + 1}, "${printable(action.name)}" (${printable(action.action)}), which the run that ran it did not get to; pass or warning resolves the problem without another action`,
    );
  }
  if (plan.next.action === null)
    lines.push(`  no action would run: ${plan.next.message}; it would escalate (exit 1)`);
  else {
    const { action, runs, commands } = plan.next;
    lines.push(
      `  next: action ${plan.nextIndex + 1}, "${action.name}" (${action.action})${action.value === undefined ? '' : ` with value ${JSON.stringify(action.value)}`}: ${runs}`,
      ...commands.map((argv) => `       $ ${argv.join(' ')}`),
      `  then wait ${Math.round(plan.waitMs / 1000)} s and run the quality gate${plan.dynatrace ? ' (the Dynatrace problem is re-read first)' : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
