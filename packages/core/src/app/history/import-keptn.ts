/**
 * The two parts of a Keptn import that need the store: invalidations of evaluations imported
 * earlier, and the warning when imported evaluations are older than what the store already holds
 * (a store's newest is its last appended, so they would become the next baseline).
 */

import type { InvalidationRecord } from '../../history/bookkeeping.js';
import type { HistoryRecord, HistoryStore, HistoryTarget } from '../../history/history-store.js';
import { resolveKeptnInvalidations, type ImportPlan } from '../../history/import-plan.js';
import { isEvaluationRecord } from '../../history/evaluation-shape.js';
import type { Host } from '../host.js';

/** The input's invalidations as records, matched against its evaluations and the store's. */
export async function resolveInvalidations(
  plan: ImportPlan,
  store: HistoryStore,
  host: Host,
): Promise<{ records: InvalidationRecord[]; unmatched: string[] }> {
  if (plan.keptnInvalidations.length === 0) return { records: [], unmatched: [] };
  const stored: HistoryRecord[] = [];
  for (const target of distinctTargets(plan.keptnInvalidations))
    stored.push(...(await store.query({ kind: 'evaluation', ...target, includeInvalidated: true })));
  const { records, unmatched } = resolveKeptnInvalidations(
    plan.keptnInvalidations,
    [...plan.keptnEvaluations, ...stored],
    host.clock.now(),
  );
  for (const invalidation of unmatched)
    host.logger.warn(
      `the Keptn invalidation ${invalidation.eventId} names no evaluation of ` +
        `${invalidation.project}/${invalidation.stage}/${invalidation.service} (triggeredid ${invalidation.triggeredId}), ` +
        'in this input or the history: it was not imported; import the evaluations with it',
    );
  return { records, unmatched: unmatched.map((i) => i.triggeredId) };
}

/**
 * Warns, per service, when the store holds an evaluation newer than every one imported (Keptn's
 * or another store's records alike): appended after it, they would become the next baseline.
 */
export async function warnAboutOrder(
  records: readonly HistoryRecord[],
  store: HistoryStore,
  host: Host,
): Promise<void> {
  const imported = records.filter(isEvaluationRecord);
  const ids = new Set(imported.map((r) => r.id));
  for (const target of distinctTargets(imported)) {
    const newestImported = imported.filter((r) => sameTarget(r, target)).at(-1);
    const [newestStored] = await store.query({ kind: 'evaluation', ...target, limit: 1 });
    const storedAt = (newestStored as { evaluatedAt?: string } | undefined)?.evaluatedAt;
    if (newestStored === undefined || ids.has(newestStored.id) || storedAt === undefined) continue;
    if (newestImported === undefined || Date.parse(storedAt) <= Date.parse(newestImported.evaluatedAt))
      continue;
    host.logger.warn(
      `${target.project}/${target.stage}/${target.service}: the history already holds evaluations newer than the ` +
        `imported ones (${storedAt}); they are appended after them, so the next baseline would be the imported ` +
        `${newestImported.evaluatedAt}: pin the evaluation to compare with (history pin), or import older history before the first evaluate`,
    );
  }
}

function distinctTargets(items: readonly HistoryTarget[]): HistoryTarget[] {
  const seen = new Map<string, HistoryTarget>();
  for (const { project, stage, service } of items)
    seen.set(JSON.stringify([project, stage, service]), { project, stage, service });
  return [...seen.values()];
}

function sameTarget(record: HistoryRecord, target: HistoryTarget): boolean {
  return (
    record.project === target.project && record.stage === target.stage && record.service === target.service
  );
}
