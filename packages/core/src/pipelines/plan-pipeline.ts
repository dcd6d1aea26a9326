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

import { ConfigError, UsageError } from '../errors.js';
import { DEFAULT_SEQUENCE } from '../shipyard/sequence-plan.js';
import type { SequenceTrigger, Shipyard, ShipyardSequence, ShipyardTask } from '../shipyard/types.js';
import { jobIdOf, requireServiceName } from './job-names.js';
import { orderStages, type StageEdge } from './stage-order.js';
import type { PipelineJob, PipelinePlan, SkippedSequence } from './types.js';

export interface PipelinePlanRequest {
  shipyard: Shipyard;
  /** At least one; each gets its own jobs. */
  services: readonly string[];
  history: string;
  shipyardFile: string;
  configDir?: string;
  project?: string;
  /** The sequences that start the pipeline (`--sequence`); default as the module comment says. */
  entrySequences?: readonly string[];
  /** Whether a task deploys through Helm (ci-connect.yaml `tasks:`): such stages are promoted. */
  deploysWithHelm: (task: ShipyardTask) => boolean;
}

/** Where a sequence stands: a job that starts the pipeline, a job that waits, or no job. */
type Role =
  | { kind: 'root' }
  | { kind: 'triggered'; sources: readonly SequenceTrigger[] }
  | { kind: 'none'; reason: string };

interface Candidate {
  stage: string;
  sequence: ShipyardSequence;
  role: Role;
}

/** Plans the pipeline; a ConfigError (exit 2) when `triggeredOn` makes the stages a loop. */
export function planPipeline(request: PipelinePlanRequest): PipelinePlan {
  if (request.services.length === 0) throw new UsageError('no service to generate jobs for');
  request.services.forEach(requireServiceName);
  const candidates = request.shipyard.stages.flatMap((stage) =>
    stage.sequences.map((sequence) => ({ stage: stage.name, sequence, role: roleOf(stage.name, sequence) })),
  );
  const entries = entrySequences(candidates, request.entrySequences);
  const { included, skipped } = reach(candidates, entries);
  const gateStages = request.shipyard.stages
    .filter((s) => s.sequences.length === 0 && (request.entrySequences?.includes('evaluation') ?? true))
    .map((s) => s.name);
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
    services: [...request.services],
    stageOrder: stageOrder.filter((s) => jobs.some((j) => j.stage === s)),
    jobs,
    skipped,
  };
}

function roleOf(stage: string, sequence: ShipyardSequence): Role {
  const cross = sequence.triggeredOn.filter(
    (t) => t.stage !== stage && t.matches.some((m) => m.result !== 'fail'),
  );
  if (cross.length > 0) return { kind: 'triggered', sources: cross };
  if (sequence.triggeredOn.length > 0)
    return {
      kind: 'none',
      reason: sequence.triggeredOn.map((t) => noJobReason(stage, sequence, t)).join('; '),
    };
  if (sequence.name === 'remediation')
    return {
      kind: 'none',
      reason: 'remediation starts on a problem, not in a pipeline: run ci-connect remediate',
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

function entrySequences(
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
function reach(
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
function triggeringSources(c: Candidate, included: readonly Candidate[]): SequenceTrigger[] {
  if (c.role.kind !== 'triggered') return [];
  return c.role.sources.filter((t) =>
    included.some((i) => i.stage === t.stage && i.sequence.name === t.sequence),
  );
}

function gateJob(stage: string, service: string): PipelineJob {
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

function sequenceJob(
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

function requireUniqueIds(jobs: readonly PipelineJob[]): void {
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
