/**
 * The pins of a history file, cached beside it (`<history>.pins.json`) so that finding a
 * service's pinned baseline reads only what was appended since the last look, not the whole
 * history: a pin can be as old as the history itself, so reading backwards would not stop early.
 * The log stays the truth. The cache remembers how far it read (and the bytes just before that
 * point, the file's device and inode), and is thrown away and rebuilt whenever the file is not
 * the one it read; writing it is best effort (a read-only directory only costs speed).
 */

import { randomUUID } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Logger } from '../../environment.js';
import { errorCode } from '../../errors.js';
import { isInvalidation, isPinRecord, serviceKey } from '../bookkeeping.js';
import type { HistoryRecord, HistoryTarget } from '../history-store.js';
import { readLinesOf } from '../../files/json-lines.js';
import { openRegularFile, readRegularFile } from '../../files/regular-file.js';
import { parseTextLine } from '../history-content.js';

/** Bytes before the read position kept to recognise the same file. */
const MARK_BYTES = 64;
/** New history read without news that makes saving the cache worth a write. */
const SAVE_AFTER_BYTES = 1024 * 1024;
/** A cache larger than this is no cache of ours. */
const MAX_CACHE_BYTES = 16 * 1024 * 1024;

interface PinCache {
  version: 1;
  dev: number;
  ino: number;
  /** Bytes of the history read: always the end of a complete line. */
  readBytes: number;
  /** The last bytes before `readBytes`, base64. */
  mark: string;
  /** Service key → id of the pinned evaluation; absent or null when none. */
  pins: Record<string, string | null>;
  /** Ids named by invalidation records. */
  invalidated: string[];
  /** The pinned evaluations, by id, as stored. */
  records: Record<string, HistoryRecord>;
}

/** A service's pin, as the cache knows it. */
export interface PinLookup {
  /** The pinned evaluation's id; undefined when the service has no pin. */
  id: string | undefined;
  /** True when that evaluation was invalidated after it was pinned. */
  invalidated: boolean;
  /** The evaluation, when the cache holds it. */
  record: HistoryRecord | undefined;
}

/** The cache of one history file. */
export class PinIndex {
  private readonly cachePath: string;

  constructor(
    private readonly historyPath: string,
    private readonly logger: Logger,
  ) {
    this.cachePath = `${historyPath}.pins.json`;
  }

  /** The pin of `service`, after reading what was appended since the cache was written. */
  async lookup(service: HistoryTarget): Promise<PinLookup> {
    const cache = await this.refresh();
    const id = cache?.pins[serviceKey(service)] ?? undefined;
    if (cache === undefined || id === undefined)
      return { id: undefined, invalidated: false, record: undefined };
    // Own properties only: an imported id may be "constructor".
    const record = Object.hasOwn(cache.records, id) ? cache.records[id] : undefined;
    return { id, invalidated: cache.invalidated.includes(id), record };
  }

  /** Keeps a pinned evaluation the cache lacked, so the next lookup need not search for it. */
  async remember(record: HistoryRecord): Promise<void> {
    const cache = await this.refresh();
    if (cache === undefined || !Object.values(cache.pins).includes(record.id)) return;
    const { pinned: _readersOnly, invalidated: _replayed, ...stored } = record;
    await this.save({ ...cache, records: { ...cache.records, [record.id]: stored } });
  }

  /** The cache brought up to the file's end; undefined when there is no history file. */
  private async refresh(): Promise<PinCache | undefined> {
    let handle: FileHandle;
    try {
      handle = await openRegularFile(this.historyPath, { noFollow: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const stats = await handle.stat();
      const cached = await this.load();
      const cache =
        cached !== undefined && (await this.describesFile(cached, handle, stats))
          ? cached
          : emptyCache(stats.dev, stats.ino);
      const before = cache.readBytes;
      const changed = await readOn(handle, cache);
      // Saved when it learnt something, or read far: not on every gate's one appended record.
      if (
        changed ||
        (cache.readBytes !== before && (before === 0 || cache.readBytes - before >= SAVE_AFTER_BYTES))
      ) {
        cache.mark = (await bytesBefore(handle, cache.readBytes)).toString('base64');
        await this.save(cache);
      }
      return cache;
    } finally {
      await handle.close();
    }
  }

  private async describesFile(
    cache: PinCache,
    handle: FileHandle,
    stats: { dev: number; ino: number; size: number },
  ): Promise<boolean> {
    if (cache.dev !== stats.dev || cache.ino !== stats.ino || cache.readBytes > stats.size) return false;
    return (await bytesBefore(handle, cache.readBytes)).toString('base64') === cache.mark;
  }

  private async load(): Promise<PinCache | undefined> {
    try {
      const text = await readRegularFile(this.cachePath, { maxBytes: MAX_CACHE_BYTES, noFollow: true });
      const value = JSON.parse(text.toString('utf8')) as Partial<PinCache>;
      return value.version === 1 && typeof value.readBytes === 'number' ? (value as PinCache) : undefined;
    } catch {
      return undefined; // missing, damaged or refused: rebuilt from the history
    }
  }

  /** Writes the cache whole (a temporary file renamed over it), or not at all. */
  private async save(cache: PinCache): Promise<void> {
    const temporary = `${this.cachePath}.${randomUUID()}.tmp`;
    try {
      await writeFile(temporary, JSON.stringify(cache), { flag: 'wx' });
      await rename(temporary, this.cachePath);
    } catch (error) {
      await rm(temporary, { force: true });
      this.logger.debug(`could not write the pin cache ${this.cachePath}: ${(error as Error).message}`);
    }
  }
}

/**
 * Applies the complete lines after `cache.readBytes`, moving it to the end of the last one;
 * true when a pin, unpin or invalidation was among them.
 */
async function readOn(handle: FileHandle, cache: PinCache): Promise<boolean> {
  let changed = false;
  const invalidated = new Set(cache.invalidated);
  for await (const line of readLinesOf(handle, { from: cache.readBytes })) {
    if (!line.terminated) break; // a write in progress: the next reader takes it
    cache.readBytes += line.bytes + 1;
    // Only bookkeeping has a "target" field (an evaluation's is "targetValue"); a key inside a
    // string value would be escaped (\"target\"), so this skips parsing no bookkeeping line.
    if (!line.text.includes('"target":')) continue;
    const parsed = parseTextLine(line);
    if (parsed.status !== 'record') continue;
    const record = parsed.record;
    if (isInvalidation(record)) invalidated.add(record.target);
    else if (isPinRecord(record))
      cache.pins[serviceKey(record)] = record.kind === 'pin' ? record.target : null;
    else continue;
    changed = true;
  }
  cache.invalidated = [...invalidated];
  // Keep only the records still pinned.
  const pinned = new Set(Object.values(cache.pins));
  cache.records = Object.fromEntries(Object.entries(cache.records).filter(([id]) => pinned.has(id)));
  return changed;
}

async function bytesBefore(handle: FileHandle, position: number): Promise<Buffer> {
  const start = Math.max(0, position - MARK_BYTES);
  const buffer = Buffer.alloc(position - start);
  if (buffer.length > 0) await handle.read(buffer, 0, buffer.length, start);
  return buffer;
}

function emptyCache(dev: number, ino: number): PinCache {
  return { version: 1, dev, ino, readBytes: 0, mark: '', pins: {}, invalidated: [], records: {} };
}
