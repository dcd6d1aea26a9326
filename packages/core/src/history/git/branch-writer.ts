/**
 * Appends lines to the branch: one commit on its tip, written with plumbing (hash-object,
 * mktree, commit-tree) in the private repository, then pushed. When another job pushed first the
 * push is refused; the tip is fetched again and the same lines are applied on it (rebasing an
 * append is appending again), a bounded number of times with jittered backoff.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../environment.js';
import { ExternalSystemError } from '../../errors.js';
import { parseBranchFile } from './branch-file.js';
import {
  ACTIVE_FILE,
  blobEntry,
  parseTree,
  PINS_FILE,
  SEGMENTS_DIR,
  segmentName,
  treeInput,
  type BranchTip,
  type SegmentListing,
  type TreeEntry,
} from './branch-layout.js';
import type { BranchReader } from './branch-reader.js';
import { classifyGitFailure, gitFailureError } from './git-failures.js';
import { REMOTE, type HistoryRepository } from './history-repository.js';
import { serialisePins } from './pin-summary.js';
import { pinsAfterSeal } from './sealed-pins.js';

/** How the writer works; the store's defaults suit CI. */
export interface BranchWriterOptions {
  /** history.jsonl is sealed into a segment once it holds this many bytes. */
  segmentBytes: number;
  /** Pushes tried before giving up on a branch other jobs keep moving. */
  attempts: number;
  logger: Logger;
}

/** The lines to add (JSON, no line break), given the branch as it is now; asked again on every attempt. */
export type PrepareLines = (tip: BranchTip | undefined) => Promise<readonly string[]>;

/** A file to write: its text, and its object id when it is already a blob. */
interface PlannedFile {
  text: string;
  oid: string | undefined;
}

/** Writes commits on the history branch. */
export class BranchWriter {
  constructor(
    private readonly repository: HistoryRepository,
    private readonly reader: BranchReader,
    private readonly options: BranchWriterOptions,
  ) {}

  /** Commits and pushes the lines `prepare` gives; resolves with their number once pushed. */
  async write(prepare: PrepareLines, message: (count: number) => string): Promise<number> {
    const { attempts, logger } = this.options;
    for (let attempt = 1; ; attempt++) {
      const tip = await this.reader.tip();
      const lines = await prepare(tip);
      if (lines.length === 0) return 0;
      const next = await this.commit(tip, lines, message(lines.length));
      if (await this.push(next.commit)) {
        this.reader.adopt(next.tip, next.written);
        return lines.length;
      }
      const { location, branch } = this.repository.place;
      if (attempt >= attempts)
        throw new ExternalSystemError(
          `gave up writing to the history ${location} after ${attempts} attempts: each time another job had pushed to the branch ${branch} first`,
          {
            hint: 'run the job again; if many jobs write one history at the same moment, give them a branch each (git:<branch> per pipeline) or a database (postgres://)',
          },
        );
      logger.debug(
        `${location}: another job pushed to ${branch} first; fetching it again (attempt ${attempt + 1} of ${attempts})`,
      );
      this.reader.refresh();
      await sleep(retryDelayMs(attempt));
    }
  }

  /**
   * Everything an append does but the update itself: a commit on the tip, and `git push
   * --dry-run`, which logs in to the remote for a push (where GitHub and GitLab refuse a token
   * that may only read). Throws what a real push would.
   */
  async dryRun(): Promise<void> {
    const tip = await this.reader.tip();
    const tree = tip === undefined ? await this.mktree([]) : `${tip.commit}^{tree}`;
    const parent = tip === undefined ? [] : ['-p', tip.commit];
    const commit = (
      await this.repository.output([
        'commit-tree',
        '--no-gpg-sign',
        ...parent,
        '-m',
        'ci-connect: doctor',
        tree,
      ])
    ).trim();
    if (!(await this.push(commit, ['--dry-run']))) this.reader.refresh();
  }

  /** A commit on `tip` (an orphan commit when the branch does not exist yet) adding `lines`. */
  private async commit(
    tip: BranchTip | undefined,
    lines: readonly string[],
    message: string,
  ): Promise<{ commit: string; tip: BranchTip; written: Map<string, string> }> {
    const listing = tip === undefined ? undefined : await this.reader.segments(tip);
    const { active, sealed } = await this.plan(tip, listing, lines);
    const activeOid = await this.blob(active);
    let segmentsTree = tip?.segmentsTree;
    if (sealed.length > 0) segmentsTree = await this.sealSegments(tip, listing, sealed);
    const root = [blobEntry(ACTIVE_FILE, activeOid)];
    if (segmentsTree !== undefined)
      root.push({ mode: '040000', type: 'tree', oid: segmentsTree, name: SEGMENTS_DIR });
    const tree = await this.mktree(root);
    const parent = tip === undefined ? [] : ['-p', tip.commit];
    const commit = (
      await this.repository.output(['commit-tree', '--no-gpg-sign', ...parent, '-m', message, tree])
    ).trim();
    return {
      commit,
      tip: { commit, active: activeOid, segmentsTree },
      written: new Map([[activeOid, active.text]]),
    };
  }

  /**
   * history.jsonl with the lines appended, sealing it into a segment (and starting it afresh)
   * whenever it has reached the segment size: before an append, and within a long import.
   */
  private async plan(
    tip: BranchTip | undefined,
    listing: SegmentListing | undefined,
    lines: readonly string[],
  ): Promise<{ active: PlannedFile; sealed: { number: number; file: PlannedFile }[] }> {
    const current = tip?.active === undefined ? undefined : await this.reader.file(tip.active, ACTIVE_FILE);
    const active: PlannedFile = { text: current?.text ?? '', oid: tip?.active };
    // A last line without "\n" (an edit by hand) must not swallow the first new record.
    if (active.text !== '' && !active.text.endsWith('\n'))
      Object.assign(active, { text: `${active.text}\n`, oid: undefined });
    let bytes = Buffer.byteLength(active.text);
    let number = (listing?.segments.at(-1)?.number ?? 0) + 1;
    const sealed: { number: number; file: PlannedFile }[] = [];
    const parts: string[] = [active.text];
    for (const line of lines) {
      if (bytes >= this.options.segmentBytes) {
        sealed.push({ number: number++, file: { text: parts.join(''), oid: active.oid } });
        parts.length = 0;
        bytes = 0;
      }
      parts.push(`${line}\n`);
      bytes += Buffer.byteLength(line) + 1;
      active.oid = undefined;
    }
    return { active: { text: parts.join(''), oid: undefined }, sealed };
  }

  /** The new segments/ tree: the segments there, the new ones, and pins.json brought up to date. */
  private async sealSegments(
    tip: BranchTip | undefined,
    listing: SegmentListing | undefined,
    sealed: readonly { number: number; file: PlannedFile }[],
  ): Promise<string> {
    const entries = new Map<string, TreeEntry>();
    if (tip?.segmentsTree !== undefined)
      for (const entry of parseTree(await this.repository.output(['ls-tree', '-z', tip.segmentsTree])))
        entries.set(entry.name, entry);
    for (const { number, file } of sealed)
      entries.set(segmentName(number), blobEntry(segmentName(number), await this.blob(file)));
    const records = sealed.map(({ number, file }) => ({
      number,
      records: parseBranchFile(file.text, '').records,
    }));
    const pins = await pinsAfterSeal(this.reader, listing, records);
    entries.set(
      PINS_FILE,
      blobEntry(PINS_FILE, await this.blob({ text: serialisePins(pins), oid: undefined })),
    );
    return this.mktree([...entries.values()]);
  }

  private async blob(file: PlannedFile): Promise<string> {
    if (file.oid !== undefined) return file.oid;
    return (await this.repository.output(['hash-object', '-w', '--stdin'], { input: file.text })).trim();
  }

  private async mktree(entries: readonly TreeEntry[]): Promise<string> {
    return (
      await this.repository.output(['mktree', '-z', '--missing'], { input: treeInput(entries) })
    ).trim();
  }

  /** True once pushed; false when another job moved the branch first. */
  private async push(commit: string, options: readonly string[] = []): Promise<boolean> {
    const output = await this.repository.run(
      [
        'push',
        '--porcelain',
        '--no-verify',
        ...options,
        REMOTE,
        `${commit}:refs/heads/${this.repository.place.branch}`,
      ],
      { timeoutMs: this.repository.networkTimeoutMs },
    );
    if (output.exitCode === 0) return true;
    if (classifyGitFailure(output) === 'race') return false;
    // A push that timed out may have landed (the remote updated the branch, its answer was lost):
    // reported as a failure, the job would be run again and record the same result twice.
    if (output.timedOut && options.length === 0 && (await this.remoteTipIs(commit))) {
      this.options.logger.debug(
        `${this.repository.place.location}: the push timed out, but the remote's ${this.repository.place.branch} is the commit it pushed`,
      );
      return true;
    }
    throw gitFailureError(output, 'push', this.repository.place);
  }

  /** True when the remote's branch is `commit` now; false when it is not, or cannot be asked. */
  private async remoteTipIs(commit: string): Promise<boolean> {
    const output = await this.repository.run(
      ['ls-remote', REMOTE, `refs/heads/${this.repository.place.branch}`],
      { timeoutMs: this.repository.networkTimeoutMs },
    );
    return output.exitCode === 0 && output.stdout.split('\t')[0]?.trim() === commit;
  }
}

/** 100 ms doubling to at most 2 s, each between half and all of that: writers that collided spread out. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(2000, 100 * 2 ** (attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}
