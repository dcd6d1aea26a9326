/**
 * `triggeredOn` across CI jobs (DESIGN.md section 6): Keptn started hardening's delivery when
 * dev's delivery finished; in CI each stage is its own job, so the job checks history instead.
 * A sequence triggered by `dev.delivery.finished` runs only for a version whose dev delivery is
 * recorded with a matching result; `--force` runs it anyway, and the record says so.
 */

import { UsageError } from '../errors.js';
import type { HistoryRecord, HistoryStore } from '../history/history-store.js';
import type { Logger } from '../environment.js';
import type { SequenceResult, SequenceTrigger } from '../shipyard/types.js';
import type { SequenceRunRecord } from './types.js';

export interface TriggerCheck {
  /** `<stage>.<sequence>.finished`, `manual` (nothing to wait for) or `forced`. */
  triggeredBy: string;
  triggeredByRun?: string;
  /** The triggering run's result: what a leading approval approves. */
  triggeringResult?: SequenceResult;
  forced: boolean;
}

export interface TriggerCheckRequest {
  project: string;
  stage: string;
  service: string;
  version: string;
  sequence: string;
  triggeredOn: readonly SequenceTrigger[];
  force: boolean;
}

/** Finds the recorded run that allows this one; throws UsageError (exit 2) when there is none. */
export async function checkTriggeredOn(
  request: TriggerCheckRequest,
  history: HistoryStore,
  logger: Logger,
): Promise<TriggerCheck> {
  if (request.triggeredOn.length === 0) return { triggeredBy: 'manual', forced: false };
  const seen: SequenceRunRecord[] = [];
  for (const trigger of request.triggeredOn) {
    const runs = (
      await history.query({
        kind: 'sequence-run',
        project: request.project,
        stage: trigger.stage,
        service: request.service,
      })
    ).filter((r): r is SequenceRunRecord => isRunOf(r, trigger, request.version));
    seen.push(...runs);
    // Newest first: the latest finished run of that version decides.
    const latest = runs.find((r) => r.status === 'succeeded');
    const lastTask = latest?.tasks.at(-1)?.task;
    if (
      latest !== undefined &&
      trigger.matches.some((m) => m.result === latest.result && (m.task === undefined || m.task === lastTask))
    )
      return {
        triggeredBy: trigger.event,
        triggeredByRun: latest.id,
        triggeringResult: latest.result,
        forced: false,
      };
  }
  const wanted = request.triggeredOn.map(describeTrigger).join(' or ');
  const found =
    seen.length === 0
      ? `no ${request.triggeredOn.map((t) => `${t.stage}.${t.sequence}`).join(' or ')} run of ${request.service} ${request.version} is recorded`
      : `the latest recorded: ${seen
          .slice(0, 3)
          .map(
            (r) =>
              `${r.stage}.${r.sequence} ${r.status === 'succeeded' ? r.result : r.status} at ${r.finishedAt}`,
          )
          .join('; ')}`;
  if (request.force) {
    logger.warn(
      `--force: ${request.stage}.${request.sequence} runs although it needs ${wanted} (${found}); recorded as forced`,
    );
    return { triggeredBy: 'forced', forced: true };
  }
  throw new UsageError(
    `${request.stage}.${request.sequence} runs after ${wanted}, and ${request.service} ${request.version} has none: ${found}`,
    {
      hint: `run ${request.triggeredOn[0]?.stage ?? 'the earlier stage'} for ${request.version} first (check --version and --history), or pass --force to run anyway (it is recorded)`,
    },
  );
}

function isRunOf(record: HistoryRecord, trigger: SequenceTrigger, version: string): boolean {
  const run = record as Partial<SequenceRunRecord>;
  return (
    record.kind === 'sequence-run' &&
    run.sequence === trigger.sequence &&
    run.version === version &&
    Array.isArray(run.tasks) &&
    typeof run.result === 'string'
  );
}

function describeTrigger(trigger: SequenceTrigger): string {
  const results = trigger.matches.map((m) =>
    m.task === undefined ? m.result : `${m.task}.result ${m.result}`,
  );
  return `${trigger.event} with ${results.join(' or ')}`;
}
