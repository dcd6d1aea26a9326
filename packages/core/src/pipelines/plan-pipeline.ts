/**
 * The jobs of a CI pipeline, from the shipyard alone (pure: no files, no CI). One job per stage,
 * sequence and service, in an order where each comes after what it needs:
 * - a sequence nothing triggers starts the pipeline when it is an entry sequence (default
 *   `delivery` when a stage has one, else every such sequence but `remediation`);
 * - a sequence `triggeredOn` another stage's sequence (on pass or warning) needs that job; the
 *   CLI still checks the recorded result, so a selector on `pass` alone holds at run time;
 * - a sequence triggered by another of the same stage runs inside that job (trigger-deployment
 *   runs it there, e.g. a rollback on fail), so it has no job of its own;
 * - a stage with no sequence is a quality-gate stage: an `evaluate` job.
 */

import { UsageError } from '../errors.js';
import { requireServiceName } from './job-names.js';
import { gateJob, requireUniqueIds, sequenceJob } from './pipeline-jobs.js';
import { candidatesOf, entrySequences, reach, triggeringSources } from './sequence-roles.js';
import { orderStages, type StageEdge } from './stage-order.js';
import type { PipelinePlan, PipelinePlanRequest, SkippedSequence } from './types.js';

export type { PipelinePlanRequest } from './types.js';

/** Plans the pipeline; a ConfigError (exit 2) when `triggeredOn` makes the stages a loop. */
export function planPipeline(request: PipelinePlanRequest): PipelinePlan {
  if (request.services.length === 0) throw new UsageError('no service to generate jobs for');
  request.services.forEach(requireServiceName);
  const candidates = candidatesOf(request.shipyard);
  const entries = entrySequences(candidates, request.entrySequences);
  const { included, skipped } = reach(candidates, entries);
  const gates = request.shipyard.stages.filter((s) => s.sequences.length === 0).map((s) => s.name);
  const gateStages = request.entrySequences?.includes('evaluation') === false ? [] : gates;
  const skippedGates: SkippedSequence[] = gates
    .filter((stage) => !gateStages.includes(stage))
    .map((stage) => ({
      stage,
      sequence: 'evaluation',
      reason: 'a quality-gate stage: add --sequence evaluation for its evaluate job',
    }));
  const edges: StageEdge[] = included.flatMap((c) =>
    triggeringSources(c, included).map((t) => ({ from: t.stage, to: c.stage, event: t.event })),
  );
  const stageOrder = orderStages(
    request.shipyard.stages.map((s) => s.name),
    edges,
    request.shipyardFile,
  );
  const jobs = stageOrder.flatMap((stage) => [
    ...(gateStages.includes(stage) ? request.services.map((service) => gateJob(stage, service)) : []),
    ...included
      .filter((c) => c.stage === stage)
      .flatMap((c) => request.services.map((service) => sequenceJob(request, c, included, service))),
  ]);
  requireUniqueIds(jobs);
  return {
    shipyardFile: request.shipyardFile,
    ...(request.configDir === undefined ? {} : { configDir: request.configDir }),
    ...(request.project === undefined ? {} : { project: request.project }),
    history: request.history,
    env: {
      secrets: [...new Set(request.env?.secrets ?? [])].sort(),
      variables: [...new Set(request.env?.variables ?? [])].sort(),
    },
    services: [...request.services],
    stageOrder: stageOrder.filter((s) => jobs.some((j) => j.stage === s)),
    jobs,
    skipped: [...skipped, ...skippedGates],
  };
}
