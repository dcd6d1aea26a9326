/**
 * The files on a history branch (docs/history-stores.md):
 *
 *   history.jsonl            the newest records, JSON Lines, one record per line
 *   segments/000001.jsonl    older records: history.jsonl as it was when it passed 1 MiB
 *   segments/pins.json       the pins in force at the end of the newest segment
 *
 * Read in that order (segments by number, then history.jsonl), the lines are every record in
 * append order. A segment is never rewritten, so an append writes a file of at most about 1 MiB
 * whatever the history's length, and a reader fetches only the files it reads: the newest for a
 * baseline, pins.json for a pin made long ago.
 */

import { ConfigError } from '../../errors.js';

export const ACTIVE_FILE = 'history.jsonl';
export const SEGMENTS_DIR = 'segments';
export const PINS_FILE = 'pins.json';

/** One sealed segment. */
export interface Segment {
  /** 1 for the oldest. */
  readonly number: number;
  /** The blob's object id. */
  readonly oid: string;
  /** Its path on the branch, for messages: `segments/000001.jsonl`. */
  readonly path: string;
}

/** The newest commit of the branch and the object ids of its files. */
export interface BranchTip {
  readonly commit: string;
  /** history.jsonl's blob; undefined on a branch without one (empty). */
  readonly active: string | undefined;
  /** The tree of segments/; undefined while nothing was sealed. */
  readonly segmentsTree: string | undefined;
}

/** The contents of segments/. */
export interface SegmentListing {
  /** Oldest first. */
  readonly segments: readonly Segment[];
  readonly pins: string | undefined;
}

/** One entry of a tree, as `git ls-tree` lists it and `git mktree` takes it. */
export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  name: string;
}

/** Parses `git ls-tree -z` output. */
export function parseTree(listing: string): TreeEntry[] {
  return listing
    .split('\0')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const tab = entry.indexOf('\t');
      const [mode = '', type = '', oid = ''] = entry.slice(0, tab).split(' ');
      return { mode, type, oid, name: entry.slice(tab + 1) };
    });
}

/**
 * The tip from its root tree; ConfigError (exit 2) for a branch that holds anything else, so
 * that `git:main` can never commit a tree without the project's files onto the main branch.
 */
export function readTip(commit: string, rootListing: string, where: string): BranchTip {
  let active: string | undefined;
  let segmentsTree: string | undefined;
  for (const entry of parseTree(rootListing)) {
    if (entry.name === ACTIVE_FILE && entry.type === 'blob') active = entry.oid;
    else if (entry.name === SEGMENTS_DIR && entry.type === 'tree') segmentsTree = entry.oid;
    else
      throw new ConfigError(
        `${where} is not a ci-connect history branch: it holds ${entry.name}, and a history branch holds only ${ACTIVE_FILE} and ${SEGMENTS_DIR}/`,
        {
          hint: 'name a branch of its own for the history (it is created on the first evaluation), e.g. --history git:ci-connect-history',
        },
      );
  }
  return { commit, active, segmentsTree };
}

/** The segments in segments/, oldest first; other files there are left alone. */
export function readSegments(listing: string): SegmentListing {
  const segments: Segment[] = [];
  let pins: string | undefined;
  for (const entry of parseTree(listing)) {
    if (entry.type !== 'blob') continue;
    if (entry.name === PINS_FILE) pins = entry.oid;
    const number = /^(\d+)\.jsonl$/.exec(entry.name)?.[1];
    if (number !== undefined && Number(number) > 0)
      segments.push({ number: Number(number), oid: entry.oid, path: `${SEGMENTS_DIR}/${entry.name}` });
  }
  return { segments: segments.sort((a, b) => a.number - b.number), pins };
}

/** The file name of segment `number`: six digits, more when needed. */
export function segmentName(number: number): string {
  return `${String(number).padStart(6, '0')}.jsonl`;
}

/** `git mktree -z` input for the given entries. */
export function treeInput(entries: readonly TreeEntry[]): string {
  return entries.map((entry) => `${entry.mode} ${entry.type} ${entry.oid}\t${entry.name}\0`).join('');
}

/** A file's entry. */
export function blobEntry(name: string, oid: string): TreeEntry {
  return { mode: '100644', type: 'blob', oid, name };
}
