/**
 * The history store's interface (DESIGN.md section 4, "History store (contract)"). Every
 * implementation (`file:` JSON Lines now, `postgres://` later) passes the same contract suite in
 * `test-support/history-store-contract.ts`, and skips on read the evaluations that
 * `findEvaluationShapeProblem` (evaluation-shape.ts) finds unusable.
 */

import type { Clock, Logger } from '../environment.js';
import type { Redactor } from '../redaction/redaction.js';
import type { ProcessRunner } from '../tools/process.js';

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
  /**
   * Set to true, by readers, on the evaluation currently pinned as its service's baseline
   * (`history pin`); never stored on the record itself.
   */
  readonly pinned?: boolean;
}

/** The project, stage and service a baseline, a pin or a query belongs to. */
export interface HistoryTarget {
  readonly project: string;
  readonly stage: string;
  readonly service: string;
}

/**
 * Which records `query` returns. Every field narrows; an empty query returns every record (not
 * the bookkeeping: invalidations and pins are applied, never returned).
 */
export interface HistoryQuery {
  /** Only this kind; all kinds when absent. */
  kind?: string;
  project?: string;
  stage?: string;
  service?: string;
  /** Only records whose `result` is one of these (records without a result never match). */
  results?: readonly string[];
  /** Only records whose time (`recordTime`) is this ISO instant or later. */
  since?: string;
  /** At most this many, the newest ones (after leaving out invalidated records). */
  limit?: number;
  /** Also return invalidated records, marked `invalidated: true`. */
  includeInvalidated?: boolean;
}

/** What `import` did. */
export interface ImportTally {
  /** Records appended. */
  added: number;
  /** Records left out because a record with their id was already stored. */
  present: number;
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
  /**
   * Marks a record invalidated (it is never removed) and returns it as `get` would now.
   * UsageError (exit 2) for an unknown id; invalidating twice is invalidating once.
   */
  invalidate(id: string, reason?: string): Promise<HistoryRecord>;
  /**
   * Makes the evaluation `id` the baseline of its project, stage and service, in place of the
   * last N (a later pin replaces it), and returns it marked `pinned: true`. UsageError (exit 2)
   * for an unknown id, a record that is no evaluation, or an invalidated one.
   */
  pin(id: string, reason?: string): Promise<HistoryRecord>;
  /** Ends the pin of a service; returns the evaluation that was pinned, undefined when none was. */
  unpin(target: HistoryTarget, reason?: string): Promise<HistoryRecord | undefined>;
  /** The evaluation pinned for this service, marked `pinned: true`; undefined when none is (or it was invalidated). */
  pinned(target: HistoryTarget): Promise<HistoryRecord | undefined>;
  /**
   * Every stored record in the order it was appended, bookkeeping (invalidations, pins) included
   * and nothing marked: what `history export` writes and `import` takes back.
   */
  entries(): AsyncIterable<HistoryRecord>;
  /**
   * Appends, in order, the records whose id is not stored yet, so importing the same records
   * twice adds nothing. Records keep their ids and fields (bookkeeping too).
   */
  import(records: AsyncIterable<HistoryRecord> | Iterable<HistoryRecord>): Promise<ImportTally>;
  /**
   * Makes sure the store can be used before anything else runs (a database is reached and its
   * schema created or migrated); ExternalSystemError (exit 3) when it cannot be reached,
   * ConfigError (exit 2) when it can but refuses (wrong password, not a history). Every other
   * method works without it.
   */
  ready(): Promise<void>;
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
  /**
   * Every record appended passes through it (DESIGN.md section 9: no token in history); stores
   * also register the credentials of their URL with it.
   */
  redactor?: Redactor;
  /**
   * The job's environment. The `git:` store runs git with it (PATH, HOME, credential helpers,
   * SSH agent, proxies) and cannot work without it; the `postgres:` store reads libpq's
   * variables from it (PGPASSWORD, PGSSLMODE, PGHOST, ...).
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Runs git for the `git:` store; runProcess from tools/process.ts when absent. */
  runProcess?: ProcessRunner;
  /** Aborted when the job is stopped: a git the store runs is killed. */
  signal?: AbortSignal;
}
