/**
 * The order of the stages in a pipeline: GitLab runs its `stages:` in order and Jenkins runs its
 * stages one after the other, so a stage must come after every stage it waits for. Shipyard
 * order is kept wherever `triggeredOn` allows it.
 */

import { ConfigError } from '../errors.js';

/** `to` waits for `from`, because of `event` (`dev.delivery.finished`). */
export interface StageEdge {
  from: string;
  to: string;
  event: string;
}

/** The stages, each after the ones it waits for; a ConfigError (exit 2) naming a loop. */
export function orderStages(stages: readonly string[], edges: readonly StageEdge[], file: string): string[] {
  const order: string[] = [];
  const left = [...stages];
  while (left.length > 0) {
    const next = left.find((stage) =>
      edges.every((e) => e.to !== stage || e.from === stage || order.includes(e.from)),
    );
    if (next === undefined) throw loopError(left, edges, file);
    order.push(next);
    left.splice(left.indexOf(next), 1);
  }
  return order;
}

function loopError(left: readonly string[], edges: readonly StageEdge[], file: string): ConfigError {
  const inLoop = edges.filter((e) => left.includes(e.from) && left.includes(e.to) && e.from !== e.to);
  const described = inLoop.map((e) => `${e.to} waits for ${e.event}`).join(', ');
  return new ConfigError(
    `${file}: the triggeredOn of stages ${left.join(', ')} wait for each other: ${described}`,
    {
      hint: 'a pipeline runs each stage after the ones that trigger it; remove one triggeredOn of the loop',
    },
  );
}
