/**
 * Which shipyard sequences get a job, and why the others do not: the entry sequences, then what
 * they trigger across stages on pass or warning, in turn (see plan-pipeline.ts).
 */

import { UsageError } from '../errors.js';
import { DEFAULT_SEQUENCE } from '../shipyard/sequence-plan.js';
import type { SequenceTrigger, Shipyard, ShipyardSequence } from '../shipyard/types.js';
import type { SkippedSequence } from './types.js';

/** Where a sequence stands: a job that starts the pipeline, a job that waits, or no job. */
export type Role =
  | { kind: 'root' }
  | { kind: 'triggered'; sources: readonly SequenceTrigger[] }
  | { kind: 'none'; reason: string };

export interface Candidate {
  stage: string;
  sequence: ShipyardSequence;
  role: Role;
}

/** Every written sequence of the shipyard, with its role. */
export function candidatesOf(shipyard: Shipyard): Candidate[] {
  return shipyard.stages.flatMap((stage) =>
    stage.sequences.map((sequence) => ({ stage: stage.name, sequence, role: roleOf(stage.name, sequence) })),
  );
}

function roleOf(stage: string, sequence: ShipyardSequence): Role {
  // Every Keptn remediation sequence triggers itself (again while the evaluation fails): what
  // starts it first is a problem, which ci-connect remediate handles.
  if (sequence.name === 'remediation')
    return {
      kind: 'none',
      reason: `remediation starts on a problem, not in a pipeline: run ci-connect remediate${
        sequence.triggeredOn.length === 0
          ? ''
          : ` (its triggeredOn ${sequence.triggeredOn.map((t) => t.event).join(', ')} repeats it while the problem lasts)`
      }`,
    };
  const cross = sequence.triggeredOn.filter(
    (t) => t.stage !== stage && t.matches.some((m) => m.result !== 'fail'),
  );
  if (cross.length > 0) return { kind: 'triggered', sources: cross };
  if (sequence.triggeredOn.length > 0)
    return {
      kind: 'none',
      reason: sequence.triggeredOn.map((t) => noJobReason(stage, sequence, t)).join('; '),
    };
  return { kind: 'root' };
}

function noJobReason(stage: string, sequence: ShipyardSequence, trigger: SequenceTrigger): string {
  const results = [...new Set(trigger.matches.map((m) => m.result))].join(' or ');
  if (trigger.stage === stage && trigger.sequence === sequence.name)
    return `starts on its own end (${trigger.event})`;
  if (trigger.stage === stage)
    return `runs in the job of ${stage}.${trigger.sequence} when that ends with ${results}`;
  return `starts only when ${trigger.event} ends with ${results}, which ends the pipeline`;
}

export function entrySequences(
  candidates: readonly Candidate[],
  requested: readonly string[] | undefined,
): string[] {
  const roots = candidates.filter((c) => c.role.kind === 'root').map((c) => c.sequence.name);
  if (requested !== undefined) {
    const unknown = requested.filter((name) => name !== 'evaluation' && !roots.includes(name));
    if (unknown.length > 0)
      throw new UsageError(
        `--sequence ${unknown.join(', ')}: no stage has such a sequence that nothing triggers`,
        {
          hint: `the sequences that can start a pipeline are: ${[...new Set(roots)].join(', ') || 'none'}`,
        },
      );
    return [...requested];
  }
  return roots.includes(DEFAULT_SEQUENCE) ? [DEFAULT_SEQUENCE] : [...new Set(roots)];
}

/** The entry sequences, then whatever they trigger in turn; the rest is skipped with a reason. */
export function reach(
  candidates: readonly Candidate[],
  entries: readonly string[],
): { included: Candidate[]; skipped: SkippedSequence[] } {
  const included = new Set(
    candidates.filter((c) => c.role.kind === 'root' && entries.includes(c.sequence.name)),
  );
  for (let grew = true; grew;) {
    grew = false;
    for (const c of candidates) {
      if (included.has(c) || triggeringSources(c, [...included]).length === 0) continue;
      included.add(c);
      grew = true;
    }
  }
  const skipped = candidates
    .filter((c) => !included.has(c))
    .map((c) => ({ stage: c.stage, sequence: c.sequence.name, reason: skipReason(c) }));
  return { included: candidates.filter((c) => included.has(c)), skipped };
}

function skipReason(c: Candidate): string {
  switch (c.role.kind) {
    case 'none':
      return c.role.reason;
    case 'root':
      return `not an entry sequence: start it with ci-connect trigger-deployment --stage ${c.stage} --sequence ${c.sequence.name}, or generate with --sequence ${c.sequence.name}`;
    case 'triggered':
      return `starts on ${c.role.sources.map((t) => t.event).join(', ')}, and no job of the pipeline runs that`;
  }
}

/** The triggers of `c` whose sequence has a job among `included`. */
export function triggeringSources(c: Candidate, included: readonly Candidate[]): SequenceTrigger[] {
  if (c.role.kind !== 'triggered') return [];
  return c.role.sources.filter((t) =>
    included.some((i) => i.stage === t.stage && i.sequence.name === t.sequence),
  );
}
