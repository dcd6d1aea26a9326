/** The jobs of the sequences that have one, per service (see plan-pipeline.ts). */

import { ConfigError } from '../errors.js';
import type { SequenceTrigger, ShipyardSequence } from '../shipyard/types.js';
import { jobIdOf } from './job-names.js';
import { triggeringSources, type Candidate } from './sequence-roles.js';
import type { PipelineJob, PipelinePlanRequest } from './types.js';

export function gateJob(stage: string, service: string): PipelineJob {
  return {
    id: jobIdOf(stage, 'evaluation', service),
    stage,
    sequence: 'evaluation',
    service,
    command: 'evaluate',
    needs: [],
    triggeredBy: [],
    manualApproval: false,
    followUps: [],
  };
}

export function sequenceJob(
  request: PipelinePlanRequest,
  c: Candidate,
  included: readonly Candidate[],
  service: string,
): PipelineJob {
  const sources = triggeringSources(c, included);
  const promoteFrom = promotionSource(request, c, sources, included);
  const stageNames = request.shipyard.stages.map((s) => s.name);
  const previous = stageNames[stageNames.indexOf(c.stage) - 1];
  return {
    id: jobIdOf(c.stage, c.sequence.name, service),
    stage: c.stage,
    sequence: c.sequence.name,
    service,
    command: promoteFrom === undefined ? 'trigger-deployment' : 'promote',
    needs: sources.map((t) => jobIdOf(t.stage, t.sequence, service)),
    triggeredBy: sources.map((t) => t.event),
    ...(promoteFrom === undefined || promoteFrom === previous ? {} : { from: promoteFrom }),
    manualApproval: c.sequence.tasks.some(
      (t) => t.approval !== undefined && (t.approval.pass === 'manual' || t.approval.warning === 'manual'),
    ),
    followUps: request.shipyard.stages
      .find((s) => s.name === c.stage)!
      .sequences.filter(
        (s) =>
          s !== c.sequence &&
          s.triggeredOn.some((t) => t.stage === c.stage && t.sequence === c.sequence.name),
      )
      .map((s) => s.name),
  };
}

/**
 * The stage to promote from: a job that deploys with Helm after one that did deploys exactly
 * what that one recorded (`promote`); otherwise it runs its sequence from the checkout.
 */
function promotionSource(
  request: PipelinePlanRequest,
  c: Candidate,
  sources: readonly SequenceTrigger[],
  included: readonly Candidate[],
): string | undefined {
  const deploys = (sequence: ShipyardSequence) =>
    sequence.tasks.some(
      (t) =>
        t.name !== 'release' &&
        t.name !== 'rollback' &&
        t.deploymentStrategy !== 'user_managed' &&
        request.deploysWithHelm(t),
    );
  if (!deploys(c.sequence)) return undefined;
  const source = sources.find((t) =>
    included.some((i) => i.stage === t.stage && i.sequence.name === t.sequence && deploys(i.sequence)),
  );
  return source?.stage;
}

export function requireUniqueIds(jobs: readonly PipelineJob[]): void {
  const seen = new Map<string, PipelineJob>();
  for (const job of jobs) {
    const first = seen.get(job.id);
    if (first !== undefined)
      throw new ConfigError(
        `two jobs would both be named ${job.id}: ${first.stage}.${first.sequence} of ${first.service} and ${job.stage}.${job.sequence} of ${job.service}`,
        { hint: 'rename one of the services (a "." in a service name becomes "_" in job names)' },
      );
    seen.set(job.id, job);
  }
}
