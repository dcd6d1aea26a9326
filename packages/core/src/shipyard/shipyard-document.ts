/**
 * Writes a shipyard model back as a spec.keptn.sh/0.2 YAML document, the shape Keptn's own
 * files have: `triggeredOn` only when there is a trigger, a selector only when the trigger is
 * not Keptn's default (pass or warning), `properties` only when there are any.
 */

import { Document } from 'yaml';
import type { SequenceTrigger, ShipyardSequence, ShipyardStage, ShipyardTask } from './types.js';

/** The plain data of a 0.2 shipyard for `stages`, ready for `new Document(...)`. */
export function shipyardData(apiVersion: string, name: string, stages: readonly ShipyardStage[]): unknown {
  return {
    apiVersion,
    kind: 'Shipyard',
    metadata: { name },
    spec: { stages: stages.map(stageData) },
  };
}

/** A document for `stages` (yaml's default layout: two spaces, block style). */
export function shipyardDocument(
  apiVersion: string,
  name: string,
  stages: readonly ShipyardStage[],
): Document {
  return new Document(shipyardData(apiVersion, name, stages));
}

function stageData(stage: ShipyardStage): Record<string, unknown> {
  if (stage.sequences.length === 0) return { name: stage.name };
  return { name: stage.name, sequences: stage.sequences.map(sequenceData) };
}

function sequenceData(sequence: ShipyardSequence): Record<string, unknown> {
  return {
    name: sequence.name,
    ...(sequence.triggeredOn.length === 0 ? {} : { triggeredOn: sequence.triggeredOn.map(triggerData) }),
    tasks: sequence.tasks.map(taskData),
  };
}

function triggerData(trigger: SequenceTrigger): Record<string, unknown> {
  const results = trigger.matches.map((m) => (m.task === undefined ? m.result : undefined));
  const isDefault = results.length === 2 && results.includes('pass') && results.includes('warning');
  if (isDefault) return { event: trigger.event };
  const match = Object.fromEntries(
    trigger.matches.map((m) => [m.task === undefined ? 'result' : `${m.task}.result`, m.result]),
  );
  return { event: trigger.event, selector: { match } };
}

function taskData(task: ShipyardTask): Record<string, unknown> {
  const properties = Object.keys(task.properties).length === 0 ? {} : { properties: task.properties };
  const after =
    task.triggeredAfterMs === undefined ? {} : { triggeredAfter: formatWait(task.triggeredAfterMs) };
  return { name: task.name, ...after, ...properties };
}

/** A Go duration as Keptn wrote them (`10m`, `90s`, `1h`). */
function formatWait(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}
