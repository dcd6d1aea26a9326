/**
 * The `file:` history store: JSON Lines, one record per line, exactly the `--json` objects.
 * Writers append whole lines under a lock; readers take no lock and skip what they cannot read,
 * so a writer killed mid-line never breaks reading (DESIGN.md section 4).
 */

import { randomUUID } from 'node:crypto';
import { mkdir, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { systemClock, type Clock, type Logger } from '../../environment.js';
import { InternalError, UsageError } from '../../errors.js';
import type { HistoryQuery, HistoryRecord, HistoryStore } from '../history-store.js';
import {
  createInvalidation,
  isInvalidation,
  markInvalidated,
  matchesQuery,
  selectNewest,
} from '../invalidation.js';
import { acquireFileLock, defaultFileLockOptions, type FileLockOptions } from '../../files/file-lock.js';
import { HistoryTally, parseTextLine, refuseForeignFile, warnSkipped } from './history-content.js';
import { appendLine, readLinesOf, readTextLines, type TextLine } from '../../files/json-lines.js';
import { isHistoryRecord } from './parse-record.js';
import { toHistoryFileError } from './system-errors.js';

/** Where the file is and what the store may use. */
export interface FileHistoryStoreOptions {
  /** Absolute path of the JSON Lines file. */
  path: string;
  logger: Logger;
  clock?: Clock;
  lock?: Partial<FileLockOptions>;
}

interface ScanResult {
  /** Records the filter kept, in append order. */
  matches: HistoryRecord[];
  /** Ids named by invalidation records. */
  invalidated: Set<string>;
}

/** A history kept in one JSON Lines file. */
export class FileHistoryStore implements HistoryStore {
  readonly location: string;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly lockOptions: FileLockOptions;
  /** Skipped lines already warned about: a file is append-only, so only new ones are news. */
  private warnedSkipped = 0;

  constructor(options: FileHistoryStoreOptions) {
    this.location = options.path;
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.lockOptions = {
      staleMs: options.lock?.staleMs ?? defaultFileLockOptions.staleMs,
      timeoutMs: options.lock?.timeoutMs ?? defaultFileLockOptions.timeoutMs,
    };
  }

  async append(record: HistoryRecord): Promise<void> {
    if (!isHistoryRecord(record)) {
      throw new InternalError('a history record needs a schemaVersion, an id and a kind');
    }
    // JSON.stringify escapes every newline inside strings, so this is exactly one line.
    const line = `${JSON.stringify(record)}\n`;
    try {
      await mkdir(dirname(this.location), { recursive: true });
      const lock = await acquireFileLock(this.location, this.lockOptions, this.logger);
      try {
        await appendLine(this.location, line, (handle) => this.refuseForeignContent(handle));
      } finally {
        await lock.release();
      }
    } catch (error) {
      throw toHistoryFileError(error, this.location, 'write');
    }
  }

  async query(query: HistoryQuery): Promise<HistoryRecord[]> {
    const { matches, invalidated } = await this.scan((record) => matchesQuery(record, query));
    return selectNewest(matches, invalidated, query);
  }

  async get(id: string): Promise<HistoryRecord | undefined> {
    const { matches, invalidated } = await this.scan((record) => record.id === id);
    const record = matches.at(-1);
    return record === undefined ? undefined : markInvalidated(record, invalidated);
  }

  async invalidate(id: string, reason?: string): Promise<HistoryRecord> {
    const target = await this.get(id);
    if (target === undefined) {
      throw new UsageError(`no record with id ${id} in the history ${this.location}`, {
        hint: 'list the ids with `ci-connect history list`, or name the history with --history',
      });
    }
    if (target.invalidated === true) return target;
    await this.append(createInvalidation(randomUUID(), target, this.clock.now(), reason));
    return { ...target, invalidated: true };
  }

  async close(): Promise<void> {
    // Nothing stays open between calls.
  }

  /** Reads the whole file once, keeping records `keep` accepts and noting invalidations. */
  private async scan(keep: (record: HistoryRecord) => boolean): Promise<ScanResult> {
    const result: ScanResult = { matches: [], invalidated: new Set() };
    const tally = new HistoryTally();
    try {
      for await (const line of readTextLines(this.location)) {
        const record = this.recordOf(line, tally);
        if (record === undefined) continue;
        if (isInvalidation(record)) result.invalidated.add(record.target);
        else if (keep(record)) result.matches.push(record);
      }
      refuseForeignFile(tally, this.location, 'read');
    } catch (error) {
      throw toHistoryFileError(error, this.location, 'read');
    }
    this.reportSkipped(tally);
    return result;
  }

  private recordOf(line: TextLine, tally: HistoryTally): HistoryRecord | undefined {
    const parsed = parseTextLine(line);
    tally.count(line, parsed);
    if (parsed.status === 'record') return parsed.record;
    if (parsed.status === 'skipped' && !line.terminated) {
      // The last line without "\n" is usually a write in progress, not damage: it is complete
      // by the next read, or the next append moves on to a new line and it is counted then.
      this.logger.debug(`${this.location}:${line.number}: ignored the unfinished last line`);
    }
    return undefined;
  }

  /** One warning per pass, and only when lines were skipped that no earlier warning counted. */
  private reportSkipped(tally: HistoryTally): void {
    if (tally.skipped <= this.warnedSkipped) return;
    this.warnedSkipped = tally.skipped;
    warnSkipped(tally, this.location, this.logger);
  }

  /**
   * Called with the file open for appending, under the lock: refuses to append to a file with
   * content and no history record in it. Stops at the first record, usually line 1.
   */
  private async refuseForeignContent(handle: FileHandle): Promise<void> {
    const tally = new HistoryTally();
    for await (const line of readLinesOf(handle)) {
      tally.count(line, parseTextLine(line));
      if (tally.records > 0) return;
    }
    refuseForeignFile(tally, this.location, 'write');
  }
}
