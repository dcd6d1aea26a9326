/**
 * What a stage run will do, worked out from the shipyard alone (no execution): the tasks of a
 * stage's sequence in order, what must have finished before it may start (`triggeredOn`, enforced
 * across CI jobs), and which sequences its end starts, as Keptn's shipyard-controller matched
 * them (keptn-spec.md 3.1).
 */

import { UsageError } from '../errors.js';
import { knownNamesHint } from './names.js';
import { IMPLICIT_EVALUATION } from './shipyard-rules.js';
import type {
  SequenceResult,
  SequenceTrigger,
  Shipyard,
  ShipyardSequence,
  ShipyardStage,
  ShipyardTask,
} from './types.js';

/** Keptn's default sequence for a stage run, and ci-connect's. */
export const DEFAULT_SEQUENCE = 'delivery';

export interface SequencePlan {
  stage: string;
  sequence: string;
  /** In the order they run; the run stops at the first failed task. */
  tasks: readonly ShipyardTask[];
  /** The sequences whose end may start this one; empty: it may always be started directly. */
  triggeredOn: readonly SequenceTrigger[];
  /** True for the `evaluation` sequence Keptn gave every stage that did not define one. */
  implicit: boolean;
}

export interface PlanRequest {
  /** Default: the first stage. */
  stage?: string;
  /** Default: delivery. */
  sequence?: string;
}

/** A sequence that finished, with its result and the last task it ran. */
export interface FinishedSequence {
  stage: string;
  sequence: string;
  result: SequenceResult;
  /** Default: the sequence's last task (it ran to the end). */
  lastTask?: string;
}

export interface SequenceRef {
  stage: string;
  sequence: string;
}

/** The stage named `name` (default: the first); a UsageError listing the stages otherwise. */
export function findStage(shipyard: Shipyard, name?: string): ShipyardStage {
  const stage = name === undefined ? shipyard.stages[0] : shipyard.stages.find((s) => s.name === name);
  if (stage !== undefined) return stage;
  const known = shipyard.stages.map((s) => s.name);
  throw new UsageError(`there is no stage ${JSON.stringify(name ?? '')} in ${shipyard.file}`, {
    hint: `${knownNamesHint(name ?? '', 'stages', known)} (--stage, CI_CONNECT_STAGE)`,
  });
}

/** A stage's sequence, including the implicit `evaluation`; a UsageError listing them otherwise. */
export function findSequence(
  shipyard: Shipyard,
  stageName: string | undefined,
  name = DEFAULT_SEQUENCE,
): ShipyardSequence {
  const stage = findStage(shipyard, stageName);
  const sequence = sequencesOf(stage).find((s) => s.name === name);
  if (sequence !== undefined) return sequence;
  const known = sequencesOf(stage).map((s) => s.name);
  throw new UsageError(
    `stage ${JSON.stringify(stage.name)} of ${shipyard.file} has no sequence ${JSON.stringify(name)}`,
    {
      hint: knownNamesHint(name, `sequences of ${stage.name}`, known),
    },
  );
}

/** The ordered tasks of a stage's sequence and what must finish before it. */
export function planSequence(shipyard: Shipyard, request: PlanRequest = {}): SequencePlan {
  const stage = findStage(shipyard, request.stage);
  const sequence = findSequence(shipyard, stage.name, request.sequence ?? DEFAULT_SEQUENCE);
  return {
    stage: stage.name,
    sequence: sequence.name,
    tasks: sequence.tasks,
    triggeredOn: sequence.triggeredOn,
    implicit: sequence === IMPLICIT_EVALUATION,
  };
}

/**
 * The sequences that `finished` starts, in shipyard order: e.g. hardening's delivery on
 * `dev.delivery.finished` with pass, or the rollback on `production.delivery.finished` with fail.
 */
export function sequencesTriggeredBy(shipyard: Shipyard, finished: FinishedSequence): SequenceRef[] {
  const source = findSequence(shipyard, finished.stage, finished.sequence);
  const lastTask = finished.lastTask ?? source.tasks.at(-1)?.name;
  const started: SequenceRef[] = [];
  for (const stage of shipyard.stages) {
    for (const sequence of sequencesOf(stage)) {
      const fires = sequence.triggeredOn.some(
        (t) =>
          t.stage === finished.stage &&
          t.sequence === finished.sequence &&
          t.matches.some(
            (m) => m.result === finished.result && (m.task === undefined || m.task === lastTask),
          ),
      );
      if (fires) started.push({ stage: stage.name, sequence: sequence.name });
    }
  }
  return started;
}

/** The stages whose sequences `finished` starts (e.g. the next stage after a passed delivery). */
export function stagesTriggeredBy(shipyard: Shipyard, finished: FinishedSequence): string[] {
  return [...new Set(sequencesTriggeredBy(shipyard, finished).map((r) => r.stage))];
}

/** A stage's sequences as Keptn saw them: the ones written, plus `evaluation` if not written. */
export function sequencesOf(stage: ShipyardStage): readonly ShipyardSequence[] {
  return stage.sequences.some((s) => s.name === IMPLICIT_EVALUATION.name)
    ? stage.sequences
    : [...stage.sequences, IMPLICIT_EVALUATION];
}
