/**
 * The task's own property of a `.finished` event (`data.<task>`), in the shapes Keptn's
 * services sent (keptn-spec.md section 5; go-utils v0_2_0 `DeploymentFinishedEventData`,
 * `TestFinishedEventData`, `EvaluationFinishedEventData`).
 */

import type { EvaluationRecord, ObjectiveResult, TargetResult } from '../../gate/types.js';
import type { TaskEventDetails } from './types.js';

/** `data.<task>` of a finished task, from what it reported. */
export function finishedTaskProperty(details: TaskEventDetails): Record<string, unknown> {
  switch (details.kind) {
    case 'deployment':
      return {
        deploymentstrategy: details.deploymentStrategy,
        deploymentNames: [...details.deploymentNames],
        deploymentURIsLocal: [...details.deploymentURIsLocal],
        deploymentURIsPublic: [...(details.deploymentURIsPublic ?? [])],
        ...gitCommit(details.gitCommit),
      };
    case 'test':
      return { start: details.start, end: details.end, ...gitCommit(details.gitCommit) };
    case 'evaluation':
      return evaluationProperty(details.evaluation, details.sloFileContent, details.gitCommit);
    case 'approval':
      return {
        pass: details.pass,
        warning: details.warning,
        ...(details.approvedBy === undefined ? {} : { approvedBy: details.approvedBy }),
      };
    case 'release':
      return gitCommit(details.gitCommit);
    case 'custom':
      return { ...details.data };
  }
}

/**
 * Keptn's `evaluation` property from our record. Differences, on purpose: an SLI without a value
 * has `value: null` (Keptn sent 0, which reads as a measurement) and a relative target without a
 * baseline `targetValue: null`; Go clients decode both as 0, as before. `comparedEvents` holds
 * the ids of the compared evaluations, which are the ids of their `evaluation.finished` events.
 */
export function evaluationProperty(
  evaluation: EvaluationRecord,
  sloFileContent?: string,
  commit?: string,
): Record<string, unknown> {
  return {
    timeStart: evaluation.start,
    timeEnd: evaluation.end,
    result: evaluation.result,
    score: evaluation.score,
    ...(sloFileContent === undefined
      ? {}
      : { sloFileContent: Buffer.from(sloFileContent, 'utf8').toString('base64') }),
    indicatorResults: evaluation.objectives.map(indicatorResult),
    comparedEvents: [...evaluation.comparedEvaluations],
    ...gitCommit(commit),
  };
}

function indicatorResult(objective: ObjectiveResult): Record<string, unknown> {
  return {
    score: objective.score,
    value: {
      metric: objective.sli,
      value: objective.value,
      comparedValue: objective.comparedValue,
      success: objective.value !== null,
      message: objective.message,
    },
    displayName: objective.displayName,
    passTargets: objective.passTargets.map(keptnTarget),
    warningTargets: objective.warningTargets.map(keptnTarget),
    keySli: objective.keySli,
    status: objective.status,
  };
}

/** Keptn's SLITarget (criteria, targetValue, violated): ci-connect's `alternative` is not part of it. */
function keptnTarget(target: TargetResult): Record<string, unknown> {
  return { criteria: target.criteria, targetValue: target.targetValue, violated: target.violated };
}

function gitCommit(commit: string | undefined): { gitCommit?: string } {
  return commit === undefined ? {} : { gitCommit: commit };
}
