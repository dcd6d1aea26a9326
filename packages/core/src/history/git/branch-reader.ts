/**
 * What the store knows of the branch: its tip, fetched once per store (shallow and without file
 * contents, so the first read costs the same for ten records or a hundred thousand), and the
 * files read so far. A write that lands makes its commit the tip without fetching again.
 */

import type { Logger } from '../../environment.js';
import { ConfigError } from '../../errors.js';
import { warnSkipped } from '../history-content.js';
import { parseBranchFile, type BranchFile } from './branch-file.js';
import { ACTIVE_FILE, readSegments, readTip, type BranchTip, type SegmentListing } from './branch-layout.js';
import { classifyGitFailure, describeOutput, gitFailureError } from './git-failures.js';
import { REMOTE, type HistoryRepository } from './history-repository.js';
import { parsePins, type PinState } from './pin-summary.js';

/** No file ci-connect writes comes near this; a bigger one is not a history. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Parsed files kept: the newest few, which every baseline reads again. */
const CACHED_FILES = 32;
/** Object ids per fetch of file contents. */
const FETCH_BATCH = 200;

/** Reads the branch through the private repository. */
export class BranchReader {
  private tipRead: Promise<BranchTip | undefined> | undefined;
  private readonly files = new Map<string, Promise<BranchFile>>();
  private readonly listings = new Map<string, Promise<SegmentListing>>();
  /** Blobs known to be in the private repository. */
  private readonly present = new Set<string>();
  /** Files whose skipped lines were reported. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly repository: HistoryRepository,
    private readonly logger: Logger,
  ) {}

  /** The branch's newest commit; undefined while the branch does not exist. Fetched once. */
  tip(): Promise<BranchTip | undefined> {
    this.tipRead ??= this.fetchTip().catch((error: unknown) => {
      this.tipRead = undefined;
      throw error;
    });
    return this.tipRead;
  }

  /** Forgets the tip: the next read fetches it again (another writer moved the branch). */
  refresh(): void {
    this.tipRead = undefined;
  }

  /** Makes a commit this store pushed the tip, with the texts of the files it wrote. */
  adopt(tip: BranchTip, written: ReadonlyMap<string, string>): void {
    for (const [oid, text] of written) {
      this.present.add(oid);
      if (oid === tip.active) this.remember(oid, Promise.resolve(this.parse(text, ACTIVE_FILE)));
    }
    this.tipRead = Promise.resolve(tip);
  }

  /** The sealed segments of the tip, oldest first. */
  async segments(tip: BranchTip): Promise<SegmentListing> {
    const tree = tip.segmentsTree;
    if (tree === undefined) return { segments: [], pins: undefined };
    let listing = this.listings.get(tree);
    if (listing === undefined) {
      listing = this.repository.output(['ls-tree', '-z', tree]).then(readSegments);
      this.listings.set(tree, listing);
    }
    return listing;
  }

  /** A file of the branch, parsed; skipped lines are reported once per file. */
  async file(oid: string, path: string): Promise<BranchFile> {
    let file = this.files.get(oid);
    if (file === undefined) {
      file = this.text(oid, path).then((text) => this.parse(text, path));
      this.remember(oid, file);
    }
    const parsed = await file;
    if (parsed.tally.isForeign)
      throw new ConfigError(
        `${this.repository.place.location}: ${parsed.place} is not a ci-connect history (no line of it is a history record)`,
        { hint: 'name a branch of its own for the history, e.g. --history git:ci-connect-history' },
      );
    if (parsed.tally.skipped > 0 && !this.warned.has(oid)) {
      this.warned.add(oid);
      warnSkipped(parsed.tally, parsed.place, this.logger);
    }
    return parsed;
  }

  /** The pins pins.json holds; undefined when there is none or it cannot be read. */
  async pins(oid: string | undefined): Promise<PinState | undefined> {
    if (oid === undefined) return undefined;
    return parsePins(await this.text(oid, 'segments/pins.json'));
  }

  /** The text of a blob, fetched from the remote when the private repository lacks it. */
  async text(oid: string, path: string): Promise<string> {
    const output = await this.repository.run(['cat-file', 'blob', oid], {
      outputBytes: MAX_FILE_BYTES + 1,
      // A blob not fetched yet is fetched by cat-file itself (the repository is a partial clone).
      timeoutMs: this.repository.networkTimeoutMs,
    });
    if (output.exitCode !== 0) {
      if (this.present.has(oid))
        throw new ConfigError(`cannot read ${this.place(path)}: ${describeOutput(output)}`);
      throw gitFailureError(output, 'fetch', this.repository.place);
    }
    if (Buffer.byteLength(output.stdout) > MAX_FILE_BYTES)
      throw new ConfigError(`${this.place(path)} is larger than 64 MiB: not a file ci-connect wrote`, {
        hint: 'name a branch of its own for the history, e.g. --history git:ci-connect-history',
      });
    this.present.add(oid);
    return output.stdout;
  }

  /** Fetches, in as few round trips as possible, the blobs among `oids` not here yet. */
  async prefetch(oids: readonly string[]): Promise<void> {
    const missing = oids.filter((oid) => !this.present.has(oid) && !this.files.has(oid));
    for (let start = 0; start < missing.length; start += FETCH_BATCH) {
      const batch = missing.slice(start, start + FETCH_BATCH);
      const output = await this.repository.run(
        ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--filter=blob:none', REMOTE, ...batch],
        { timeoutMs: this.repository.networkTimeoutMs },
      );
      // Not fatal: each file is then fetched on its own as it is read.
      if (output.exitCode !== 0) {
        this.logger.debug(`fetching ${batch.length} history files at once failed: ${describeOutput(output)}`);
        return;
      }
      for (const oid of batch) this.present.add(oid);
    }
  }

  /** `ci-connect-history:history.jsonl`: how git names a file of a branch. */
  place(path: string): string {
    return `${this.repository.place.branch}:${path}`;
  }

  private parse(text: string, path: string): BranchFile {
    return parseBranchFile(text, this.place(path));
  }

  private remember(oid: string, file: Promise<BranchFile>): void {
    this.files.delete(oid);
    this.files.set(oid, file);
    // Map keeps insertion order: the first key is the least recently read.
    while (this.files.size > CACHED_FILES) this.files.delete(this.files.keys().next().value ?? '');
    file.catch(() => this.files.delete(oid));
  }

  private async fetchTip(): Promise<BranchTip | undefined> {
    const { branch } = this.repository.place;
    const ref = `refs/ci-connect/history/${branch}`;
    const output = await this.repository.run(
      [
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        '--no-recurse-submodules',
        '--filter=blob:none',
        '--depth=1',
        REMOTE,
        `+refs/heads/${branch}:${ref}`,
      ],
      { timeoutMs: this.repository.networkTimeoutMs },
    );
    if (output.exitCode !== 0) {
      if (classifyGitFailure(output) === 'no-branch') return undefined;
      throw gitFailureError(output, 'fetch', this.repository.place);
    }
    const commit = (await this.repository.output(['rev-parse', '--verify', `${ref}^{commit}`])).trim();
    const root = await this.repository.output(['ls-tree', '-z', commit]);
    return readTip(commit, root, `the branch ${branch} of ${this.repository.place.remote}`);
  }
}
