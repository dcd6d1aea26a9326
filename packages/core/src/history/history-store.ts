/**
 * The history store's interface (DESIGN.md section 4, "History store (contract)"). Every
 * implementation (`file:` JSON Lines now, `postgres://` later) passes the same contract suite in
 * `test-support/history-store-contract.ts`, and skips on read the evaluations that
 * `findEvaluationShapeProblem` (evaluation-shape.ts) finds unusable.
 */

import type { Clock, Logger } from '../environment.js';
import type { Redactor } from '../redaction/redaction.js';

/**
 * What every stored record has. Kinds other than `evaluation` (sequence runs, deployments,
 * approvals, ...) add their own fields; the store keeps and returns them unchanged.
 */
export interface HistoryRecord {
  readonly schemaVersion: number;
  readonly id: string;
  readonly kind: string;
  /** Records without project, stage and service are only found by `get`. */
  readonly project?: string;
  readonly stage?: string;
  readonly service?: string;
  /** Set to true on records that were invalidated (`history invalidate`). */
  readonly invalidated?: boolean;
}

/** Which records `query` returns: those of one project, stage and service. */
export interface HistoryQuery {
  /** Only this kind; all kinds when absent. */
  kind?: string;
  project: string;
  stage: string;
  service: string;
  /** At most this many, the newest ones (after leaving out invalidated records). */
  limit?: number;
  /** Also return invalidated records, marked `invalidated: true`. */
  includeInvalidated?: boolean;
}

/** Where ci-connect records evaluations and, later, other events of a pipeline. */
export interface HistoryStore {
  /** Where the records live, for messages: a path, or a URL without credentials. */
  readonly location: string;
  /** Records one record; when this resolves the record is durable. */
  append(record: HistoryRecord): Promise<void>;
  /** Matching records, newest (last appended) first. */
  query(query: HistoryQuery): Promise<HistoryRecord[]>;
  /** The record with this id, marked `invalidated: true` if it was invalidated; undefined if none. */
  get(id: string): Promise<HistoryRecord | undefined>;
  /** Marks a record invalidated (it is never removed) and returns it as `get` would now. */
  invalidate(id: string, reason?: string): Promise<HistoryRecord>;
  /** Releases connections or handles; the store is not used afterwards. */
  close(): Promise<void>;
}

/** What every store factory is given. */
export interface OpenHistoryStoreOptions {
  /** Relative `file:` paths are resolved against this directory. */
  baseDir: string;
  logger: Logger;
  /** Timestamps of invalidations; the system clock when absent. */
  clock?: Clock;
  /** Every record appended passes through it (DESIGN.md section 9: no token in history). */
  redactor?: Redactor;
}
