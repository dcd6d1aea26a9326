/**
 * `--dry-run` plans: every command of a step, reads first, without running anything.
 */

import { decideHelmStep, planReads } from './decide.js';
import type { HelmDecision, HelmKnownState } from './decide.js';
import { resolveHelmNames } from './naming.js';
import type { HelmAction, HelmTarget } from './types.js';

/** A `--dry-run` plan: the commands in order, reads first, and what they will do. */
export interface HelmPlan {
  commands: string[][];
  description: string;
  /** Undefined when the changes depend on reads whose answers were not given. */
  decision?: HelmDecision;
}

/**
 * Plans a step without running anything. Given what the reads returned (HelmRunner.planStep
 * runs them), the plan is exact; without, it lists the reads and says what they decide.
 */
export function planHelm(
  action: HelmAction,
  target: HelmTarget,
  known: HelmKnownState = {},
  helm = 'helm',
): HelmPlan {
  const reads = planReads(action, target, helm);
  const pending = pendingDescription(action, target, known);
  if (pending !== undefined) return { commands: reads, description: pending };
  const decision = decideHelmStep(action, target, known, helm);
  if (decision.kind !== 'run') return { commands: reads, description: decision.message, decision };
  return {
    commands: [...reads, ...decision.commands],
    description: `${action} (${target.strategy}) of ${decision.release} in ${resolveHelmNames(target).namespace}`,
    decision,
  };
}

function pendingDescription(
  action: HelmAction,
  target: HelmTarget,
  known: HelmKnownState,
): string | undefined {
  if (target.strategy === 'blue_green_service' && known.blueGreen === undefined) {
    const release = resolveHelmNames(target).release;
    const after = `after reading the colours of ${release}`;
    switch (action) {
      case 'deployment':
        return `upgrade ${release}-blue or ${release}-green (whichever is not released) and switch ${release} to it, ${after}`;
      case 'release':
        return `mark the colour ${release} serves as released, ${after}`;
      case 'rollback':
        return `switch ${release} back to its released colour, ${after}`;
    }
  }
  if (target.strategy === 'direct' && action === 'rollback' && known.history === undefined)
    return `roll ${resolveHelmNames(target).release} back to its last successful revision, after reading its history`;
  return undefined;
}
