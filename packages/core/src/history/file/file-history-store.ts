/**
 * The `file:` history store: JSON Lines, one record per line, exactly the `--json` objects.
 * Writers append whole lines under a lock; readers take no lock and skip what they cannot read,
 * so a writer killed mid-line never breaks reading (DESIGN.md section 4). Readers that want the
 * newest few records (a baseline, a pin, one id) read the file backwards and stop as soon as they
 * have them, so a long history does not slow `evaluate`.
 */

import { mkdir, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { systemClock, type Clock, type Logger } from '../../environment.js';
import type { HistoryRecord, HistoryStore, HistoryTarget, ImportTally } from '../history-store.js';
import { HistoryReplay } from '../bookkeeping.js';
import { LogHistoryStore } from '../store-bookkeeping.js';
import { acquireFileLock, defaultFileLockOptions, type FileLockOptions } from '../../files/file-lock.js';
import {
  HistoryTally,
  linePlace,
  parseTextLine,
  refuseForeignFile,
  warnSkipped,
} from '../history-content.js';
import {
  appendLine,
  readLinesOf,
  readTextLines,
  readTextLinesBackward,
  writeLine,
  type TextLine,
} from '../../files/json-lines.js';
import { openRegularFile } from '../../files/regular-file.js';
import { serialiseRecord } from '../parse-record.js';
import { PinIndex } from './pin-index.js';
import { toHistoryFileError } from './system-errors.js';

/** Where the file is and what the store may use. */
export interface FileHistoryStoreOptions {
  /** Absolute path of the JSON Lines file. */
  path: string;
  logger: Logger;
  clock?: Clock;
  lock?: Partial<FileLockOptions>;
}

/** Records per write while importing: few syscalls, bounded memory. */
const IMPORT_BATCH = 1000;

/** A history kept in one JSON Lines file. */
export class FileHistoryStore extends LogHistoryStore implements HistoryStore {
  readonly location: string;
  private readonly logger: Logger;
  readonly clock: Clock;
  private readonly lockOptions: FileLockOptions;
  private readonly pins: PinIndex;
  /** Skipped lines already warned about: a file is append-only, so only new ones are news. */
  private warnedSkipped = 0;
  constructor(options: FileHistoryStoreOptions) {
    super();
    this.location = options.path;
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.pins = new PinIndex(options.path, options.logger);
    this.lockOptions = {
      staleMs: options.lock?.staleMs ?? defaultFileLockOptions.staleMs,
      timeoutMs: options.lock?.timeoutMs ?? defaultFileLockOptions.timeoutMs,
    };
  }

  async newestPin(service: HistoryTarget): Promise<string | undefined> {
    return (await this.pins.lookup(service)).id;
  }

  async append(record: HistoryRecord): Promise<void> {
    await this.appendLines(`${serialiseRecord(record)}\n`);
  }

  async pinned(service: HistoryTarget): Promise<HistoryRecord | undefined> {
    const pin = await this.pins.lookup(service);
    if (pin.id === undefined || pin.invalidated) return undefined;
    if (pin.record !== undefined) return { ...pin.record, pinned: true };
    // Pinned since the cache last looked: find it once, and let the cache keep it.
    const record = await this.get(pin.id);
    if (record?.pinned !== true) return undefined;
    await this.pins.remember(record);
    return record;
  }

  async *entries(): AsyncIterable<HistoryRecord> {
    const tally = new HistoryTally();
    try {
      for await (const line of readTextLines(this.location)) {
        const record = this.recordOf(line, tally);
        if (record !== undefined) yield record;
      }
      refuseForeignFile(tally, this.location, 'read');
    } catch (error) {
      throw toHistoryFileError(error, this.location, 'read');
    }
    this.reportSkipped(tally);
  }

  async import(records: AsyncIterable<HistoryRecord> | Iterable<HistoryRecord>): Promise<ImportTally> {
    const tally: ImportTally = { added: 0, present: 0 };
    await this.underLock(async (handle) => {
      const stored = new Set<string>();
      for await (const record of this.entriesOf(handle)) stored.add(record.id);
      let batch = '';
      for await (const record of records) {
        if (stored.has(record.id)) {
          tally.present++;
          continue;
        }
        stored.add(record.id);
        batch += `${serialiseRecord(record)}\n`;
        tally.added++;
        if (tally.added % IMPORT_BATCH === 0) {
          await writeLine(handle, batch);
          batch = '';
        }
      }
      if (batch !== '') await writeLine(handle, batch);
    });
    return tally;
  }

  async ready(): Promise<void> {
    // A file needs no connection; what could go wrong (a foreign file, a directory, no space)
    // is found where it happens, in the terms of that operation.
  }

  async close(): Promise<void> {
    // Nothing stays open between calls.
  }

  protected async readAll(): Promise<HistoryRecord[]> {
    const records: HistoryRecord[] = [];
    for await (const record of this.entries()) records.push(record);
    return records;
  }

  /** Reads the file backwards (the newest records are at its end). */
  protected async scanNewestFirst(
    visit: (record: HistoryRecord, replay: HistoryReplay) => boolean,
  ): Promise<void> {
    const replay = new HistoryReplay('newest-first');
    const tally = new HistoryTally();
    try {
      for await (const line of readTextLinesBackward(this.location)) {
        const record = this.recordOf(line, tally);
        if (record === undefined) continue;
        if (!replay.note(record) && visit(record, replay)) break;
      }
      refuseForeignFile(tally, this.location, 'read');
    } catch (error) {
      throw toHistoryFileError(error, this.location, 'read');
    }
    this.reportSkipped(tally);
  }

  private recordOf(line: TextLine, tally: HistoryTally): HistoryRecord | undefined {
    const parsed = parseTextLine(line);
    tally.count(line, parsed);
    if (parsed.status === 'record') return parsed.record;
    if (parsed.status === 'skipped' && !line.terminated) {
      // The last line without "\n" is usually a write in progress, not damage: it is complete
      // by the next read, or the next append moves on to a new line and it is counted then.
      this.logger.debug(`${linePlace(this.location, line)}: ignored the unfinished last line`);
    }
    return undefined;
  }

  /** One warning per pass, and only when lines were skipped that no earlier warning counted. */
  private reportSkipped(tally: HistoryTally): void {
    if (tally.skipped <= this.warnedSkipped) return;
    this.warnedSkipped = tally.skipped;
    warnSkipped(tally, this.location, this.logger);
  }

  private async appendLines(lines: string): Promise<void> {
    try {
      await mkdir(dirname(this.location), { recursive: true });
      const lock = await acquireFileLock(this.location, this.lockOptions, this.logger);
      try {
        await appendLine(this.location, lines, (handle) => this.refuseForeignContent(handle));
      } finally {
        await lock.release();
      }
    } catch (error) {
      throw toHistoryFileError(error, this.location, 'write');
    }
  }

  /** Runs `work` with the file open for appending, under the lock, after the foreign-file check. */
  private async underLock(work: (handle: FileHandle) => Promise<void>): Promise<void> {
    try {
      await mkdir(dirname(this.location), { recursive: true });
      const lock = await acquireFileLock(this.location, this.lockOptions, this.logger);
      try {
        const handle = await openRegularFile(this.location, { append: true, noFollow: true });
        try {
          await this.refuseForeignContent(handle);
          await work(handle);
        } finally {
          await handle.close();
        }
      } finally {
        await lock.release();
      }
    } catch (error) {
      throw toHistoryFileError(error, this.location, 'write');
    }
  }

  /** The records of the open file, oldest first. */
  private async *entriesOf(handle: FileHandle): AsyncIterable<HistoryRecord> {
    const tally = new HistoryTally();
    for await (const line of readLinesOf(handle)) {
      const record = this.recordOf(line, tally);
      if (record !== undefined) yield record;
    }
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
