/**
 * The `git:` history store: JSON Lines on a branch of the job's own repository, for CI without a
 * database (DESIGN.md section 4). Reads fetch the branch once per store; each append is a commit
 * pushed before it resolves, retried on top of whatever other jobs pushed meanwhile. Appends made
 * while a push is under way go out together in the next commit. Readers that want the newest
 * few records read history.jsonl first and older segments only as far as they must.
 */

import { systemClock, type Clock, type Logger } from '../../environment.js';
import { InternalError } from '../../errors.js';
import { type NewestFirstScan, serviceKey, targetOf } from '../bookkeeping.js';
import type { HistoryRecord, HistoryStore, HistoryTarget, ImportTally } from '../history-store.js';
import { serialiseRecord } from '../parse-record.js';
import { LogHistoryStore } from '../store-bookkeeping.js';
import { BranchReader } from './branch-reader.js';
import { filesOldestFirst, findPin, scanNewestFirst as scanBranchNewestFirst } from './branch-scan.js';
import { BranchWriter, type PrepareLines } from './branch-writer.js';
import type { GitContext } from './git-command.js';
import type { GitHistoryUrl } from './git-history-url.js';
import { HistoryRepository } from './history-repository.js';

/** What a GitHistoryStore works with. */
export interface GitHistoryStoreOptions {
  url: GitHistoryUrl;
  /** The job's working directory, in its repository. */
  baseDir: string;
  /** undefined when the caller gave no environment: every operation then fails (a bug). */
  context: GitContext | undefined;
  logger: Logger;
  clock?: Clock;
  tempDir?: string;
  /** How long a fetch or push may take; 120 s by default. */
  networkTimeoutMs?: number;
  /** Bytes after which history.jsonl becomes a segment; default 1 MiB. */
  segmentBytes?: number;
  /** Pushes tried when other jobs keep moving the branch; default 10. */
  attempts?: number;
}

const SEGMENT_BYTES = 1024 * 1024;
const ATTEMPTS = 10;

interface Branch {
  repository: HistoryRepository;
  reader: BranchReader;
  writer: BranchWriter;
}

/** A history kept on a branch of a git remote. */
export class GitHistoryStore extends LogHistoryStore implements HistoryStore {
  readonly location: string;
  readonly clock: Clock;
  private branch: Promise<Branch> | undefined;
  /** Writes run one at a time; appends queued behind one go out as one commit. */
  private writes: Promise<unknown> = Promise.resolve();
  private queued: { line: string; resolve: () => void; reject: (error: Error) => void }[] = [];
  constructor(private readonly options: GitHistoryStoreOptions) {
    super();
    this.location = options.url.shown;
    this.clock = options.clock ?? systemClock;
  }

  async newestPin(service: HistoryTarget): Promise<string | undefined> {
    return (await findPin(await this.reader(), service))?.target;
  }

  async append(record: HistoryRecord): Promise<void> {
    const line = serialiseRecord(record);
    await new Promise<void>((resolve, reject) => {
      this.queued.push({ line, resolve, reject });
      if (this.queued.length === 1) void this.exclusive(() => this.flushQueued());
    });
  }

  async pinned(service: HistoryTarget): Promise<HistoryRecord | undefined> {
    const pin = await findPin(await this.reader(), service);
    if (pin === undefined) return undefined;
    if (pin.segment !== undefined) {
      if (pin.invalidated === true) return undefined;
      const file = await (await this.reader()).file(pin.segment.oid, pin.segment.path);
      const record = file.records.findLast((candidate) => candidate.id === pin.target);
      const target = record === undefined ? undefined : targetOf(record);
      if (record !== undefined && target !== undefined && serviceKey(target) === serviceKey(service))
        return record.invalidated === true ? undefined : { ...record, pinned: true };
    }
    const record = await this.get(pin.target);
    return record?.pinned === true ? record : undefined;
  }

  async *entries(): AsyncIterable<HistoryRecord> {
    for await (const file of filesOldestFirst(await this.reader())) yield* file.records;
  }

  async import(records: AsyncIterable<HistoryRecord> | Iterable<HistoryRecord>): Promise<ImportTally> {
    const incoming: { id: string; line: string }[] = [];
    for await (const record of records) incoming.push({ id: record.id, line: serialiseRecord(record) });
    let tally: ImportTally = { added: 0, present: incoming.length };
    // Asked again on every attempt: a record another job pushed meanwhile is present now.
    const prepare: PrepareLines = async () => {
      const stored = new Set<string>();
      for await (const record of this.entries()) stored.add(record.id);
      const lines: string[] = [];
      for (const { id, line } of incoming) {
        if (stored.has(id)) continue;
        stored.add(id);
        lines.push(line);
      }
      tally = { added: lines.length, present: incoming.length - lines.length };
      return lines;
    };
    const { writer } = await this.open();
    await this.exclusive(() => writer.write(prepare, (count) => `ci-connect: import ${plural(count)}`));
    return tally;
  }

  /**
   * What `ci-connect doctor` asks: the branch can be fetched, and a push would be accepted
   * (`git push --dry-run`). Changes nothing; throws what a gate would meet.
   */
  async check(): Promise<string> {
    const { reader, writer, repository } = await this.open();
    const tip = await reader.tip();
    await writer.dryRun();
    const { branch, remote } = repository.place;
    if (tip === undefined)
      return `${this.location} (${remote}): no branch ${branch} yet, the first evaluation creates it; a push would be accepted (dry run)`;
    const segments = (await reader.segments(tip)).segments.length;
    return `${this.location} (${remote}): branch ${branch} with history.jsonl and ${segments === 1 ? '1 segment' : `${segments} segments`}; a push would be accepted (dry run)`;
  }

  async ready(): Promise<void> {
    await (await this.open()).reader.tip();
  }

  async close(): Promise<void> {
    await this.writes;
    const branch = await this.branch?.catch(() => undefined);
    await branch?.repository.dispose();
  }

  private async reader(): Promise<BranchReader> {
    return (await this.open()).reader;
  }

  /** The private repository, reader and writer, made on first use. */
  private open(): Promise<Branch> {
    this.branch ??= this.openBranch();
    return this.branch;
  }

  private async openBranch(): Promise<Branch> {
    const { context, logger } = this.options;
    if (context === undefined)
      throw new InternalError(`the history store ${this.location} was opened without the job's environment`);
    const repository = await HistoryRepository.open({ ...this.options, context });
    const reader = new BranchReader(repository, logger);
    const writer = new BranchWriter(repository, reader, {
      segmentBytes: this.options.segmentBytes ?? SEGMENT_BYTES,
      attempts: this.options.attempts ?? ATTEMPTS,
      logger,
    });
    return { repository, reader, writer };
  }

  /** Runs `work` after every write before it; the chain goes on whatever `work` does. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writes.then(work);
    this.writes = run.catch(() => undefined);
    return run;
  }

  /** Writes every append queued so far as one commit, and settles each of them. */
  private async flushQueued(): Promise<void> {
    const batch = this.queued;
    this.queued = [];
    try {
      const { writer } = await this.open();
      const lines = batch.map((entry) => entry.line);
      await writer.write(
        () => Promise.resolve(lines),
        (count) => `ci-connect: append ${plural(count)}`,
      );
      for (const entry of batch) entry.resolve();
    } catch (error) {
      const failure = error instanceof Error ? error : new InternalError(String(error));
      for (const entry of batch) entry.reject(failure);
    }
  }

  protected async scanNewestFirst(visit: Parameters<NewestFirstScan>[0]): Promise<void> {
    await scanBranchNewestFirst(await this.reader(), visit);
  }

  protected async readAll(): Promise<HistoryRecord[]> {
    const records: HistoryRecord[] = [];
    for await (const file of filesOldestFirst(await this.reader())) records.push(...file.records);
    return records;
  }
}

function plural(count: number): string {
  return count === 1 ? '1 record' : `${count} records`;
}
