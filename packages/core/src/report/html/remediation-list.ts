/**
 * The service's remediation steps (`ci-connect remediate`, issue 13), newest first: when, the
 * problem, the step (an action and its gate, or how the remediation ended) and its message. A
 * step whose gate is a column of the report links to it.
 */

import { STATE_CLASS } from './heatmap.js';
import { formatWhen, RESULT_SYMBOL, type ReportModel, type ReportedRemediationStep } from './report-model.js';
import { markup, type Html } from './safe-html.js';

/** The remediation table; nothing when no step is recorded. */
export function renderRemediationList(model: ReportModel, steps: readonly ReportedRemediationStep[]): Html {
  if (steps.length === 0) return markup``;
  const columns = new Map(model.columns.map((c) => [c.evaluation.id, c.index]));
  return markup`<section aria-labelledby="h-remediation">
<h2 id="h-remediation">Remediation</h2>
<div class="scroll-plain"><table class="list">
<thead><tr><th scope="col">When (UTC)</th><th scope="col">Problem</th><th scope="col">Step</th><th scope="col">Result</th></tr></thead>
<tbody>
${steps.map((step) => stepRow(step, columns))}</tbody>
</table></div>
</section>
`;
}

function stepRow(step: ReportedRemediationStep, columns: ReadonlyMap<string, number>): Html {
  const id = step.problem.displayId ?? step.problem.key;
  const problem = markup`${id === undefined ? '' : `${id} `}${step.problem.title}`;
  const action = step.action;
  const what =
    step.step === 'action' && action !== null
      ? `action ${step.actionIndex + 1}: ${action.name === '' || action.name === action.action ? action.action : `${action.name} (${action.action})`}`
      : step.step;
  const column = step.evaluationId === null ? undefined : columns.get(step.evaluationId);
  const gate = column === undefined ? '' : markup` <a href="#e${column}">gate</a>`;
  const message = step.message === '' ? '' : markup`<span class="msg">${step.message}</span>`;
  return markup`<tr><td>${formatWhen(step.finishedAt)}</td><td>${problem}</td><td>${what}${gate}</td><td class="${STATE_CLASS[step.result]}">${RESULT_SYMBOL[step.result]} ${step.result}${message}</td></tr>
`;
}
