/**
 * The access-token scopes a project needs from Dynatrace, from what its `sli/dynatrace.yaml`
 * files query: `metrics.read` for metric queries, `slo.read` for `SLO;`, `problems.read` for
 * `PV2;`, `securityProblems.read` for `SECPV2;`, `DTAQLAccess` for `USQL;`; and `events.ingest` for `send-event`, which any pipeline step may run.
 */

import { loadSliFile } from '../../config/sli-file.js';
import { DynatraceQuerySyntaxError, parseDynatraceQuery } from './dynatrace-query.js';
import type { DynatraceQuery } from './dynatrace-query.js';

/** One scope and why the project needs it. */
export interface ScopeNeed {
  scope: string;
  /** e.g. "SLO; queries in base/carts/sli/dynatrace.yaml". */
  reason: string;
  /** A missing required scope breaks a gate; a missing optional one only send-event. */
  required: boolean;
}

const QUERY_SCOPES: Readonly<Record<DynatraceQuery['kind'], { scope: string; what: string }>> = {
  metrics: { scope: 'metrics.read', what: 'metric queries' },
  slo: { scope: 'slo.read', what: 'SLO; queries' },
  problems: { scope: 'problems.read', what: 'PV2; queries' },
  'security-problems': { scope: 'securityProblems.read', what: 'SECPV2; queries' },
  usql: { scope: 'DTAQLAccess', what: 'USQL; queries' },
  // Grail takes platform tokens only; their storage:* scopes cannot be looked up like API token scopes.
  dql: { scope: 'storage:buckets:read', what: 'DQL; queries' },
};

export const EVENTS_SCOPE: ScopeNeed = {
  scope: 'events.ingest',
  reason: 'send-event',
  required: false,
};

/**
 * The scopes the SLI files' queries need, then events.ingest. Files or queries that cannot be
 * read are left out: the config check reports them.
 */
export async function findNeededScopes(sliFiles: readonly string[]): Promise<ScopeNeed[]> {
  const filesByKind = new Map<DynatraceQuery['kind'], Set<string>>();
  for (const file of sliFiles) {
    const { sli } = await loadSliFile(file);
    for (const { query } of Object.values(sli?.indicators ?? {})) {
      const kind = queryKind(query);
      if (kind !== undefined) filesByKind.set(kind, (filesByKind.get(kind) ?? new Set()).add(file));
    }
  }
  const needs: ScopeNeed[] = [];
  for (const kind of ['metrics', 'slo', 'problems', 'security-problems', 'usql'] as const) {
    const files = filesByKind.get(kind);
    if (files === undefined) continue;
    const { scope, what } = QUERY_SCOPES[kind];
    needs.push({ scope, reason: `${what} in ${[...files].join(', ')}`, required: true });
  }
  return [...needs, EVENTS_SCOPE];
}

function queryKind(query: string): DynatraceQuery['kind'] | undefined {
  try {
    return parseDynatraceQuery(query).kind;
  } catch (error) {
    if (error instanceof DynatraceQuerySyntaxError) return undefined;
    throw error;
  }
}
