/**
 * What a pass over a history file found, line by line: records, lines skipped, and whether the
 * file is a history at all. Shared by the stores that keep JSON Lines (a `file:` file, the files
 * of a `git:` branch). A few unreadable lines are what a crash leaves and are skipped with
 * one summary warning; a non-empty file in which no line is a ci-connect record is some other
 * file (a typo in --history, a planted path) and is neither read as history nor appended to.
 */

import type { Logger } from '../environment.js';
import { ConfigError } from '../errors.js';
import { formatBytes } from '../files/regular-file.js';
import type { TextLine } from '../files/json-lines.js';
import { parseRecordLine, type ParsedLine } from './parse-record.js';

/** Parses one line; a line over the length bound is skipped unread. */
export function parseTextLine(line: TextLine): ParsedLine {
  if (line.overlongBytes === undefined) return parseRecordLine(line.text);
  return {
    status: 'skipped',
    reason: `skipped a line of ${formatBytes(line.overlongBytes)}, far longer than any history record`,
    recognised: false,
  };
}

/** Counts what the lines of one pass were. */
export class HistoryTally {
  /** Lines that are ci-connect records, whether this version can use them or not. */
  records = 0;
  /** Complete lines skipped. */
  skipped = 0;
  /** The first of them, for the warning. */
  firstSkipped: { line: TextLine; reason: string } | undefined;
  /** The first line that is no ci-connect record at all, nor a write in progress. */
  firstForeign: TextLine | undefined;

  /** Notes one line and what it parsed to. */
  count(line: TextLine, parsed: ParsedLine): void {
    if (parsed.status === 'blank') return;
    if (parsed.status === 'record' || parsed.recognised) this.records++;
    if (parsed.status !== 'skipped') return;
    // A last line without "\n" that starts like a record but does not parse is a write in
    // progress or a crash's fragment: the next append moves past it, and it is counted then.
    // One that parses is whole, and not a record: a JSON file that is no history.
    if (!line.terminated && line.text.trimStart().startsWith('{') && !parsesAsJson(line.text)) return;
    if (!parsed.recognised) this.firstForeign ??= line;
    if (!line.terminated) return;
    this.skipped++;
    this.firstSkipped ??= { line, reason: parsed.reason };
  }

  /** True when the file has content and none of it is history. */
  get isForeign(): boolean {
    return this.records === 0 && this.firstForeign !== undefined;
  }
}

/** Throws when the tally shows a file that is not a history. */
export function refuseForeignFile(tally: HistoryTally, path: string, operation: 'read' | 'write'): void {
  if (!tally.isForeign) return;
  throw new ConfigError(
    `cannot ${operation} the history file ${path}: it is not a ci-connect history ` +
      `(${lineName(tally.firstForeign)} is not a history record, and no line is)`,
    {
      hint:
        'point --history (or CI_CONNECT_HISTORY) at a history file, or at a new path: ' +
        'ci-connect creates it, and never appends to other files',
    },
  );
}

/**
 * Warns once about the lines a pass skipped: one warning for the whole file, naming the first
 * line, so that a history of a newer ci-connect or a damaged file does not flood stderr.
 */
export function warnSkipped(tally: HistoryTally, path: string, logger: Logger): void {
  const first = tally.firstSkipped;
  if (first === undefined) return;
  if (tally.skipped === 1) {
    logger.warn(`${linePlace(path, first.line)}: ${first.reason}`);
    return;
  }
  const which = first.line.fromEnd === true ? 'newest' : 'first';
  logger.warn(
    `${path}: skipped ${tally.skipped} lines that are not ci-connect records this version can read ` +
      `(${which} at ${lineName(first.line)}: ${first.reason}); the other records were read`,
  );
}

/** "line 12", or "line 3 from the end" for a line read backwards. */
function lineName(line: TextLine | undefined): string {
  if (line === undefined) return 'a line';
  return line.fromEnd === true ? `line ${line.number} from the end` : `line ${line.number}`;
}

/** "path:12" as editors take it, or "path (line 3 from the end)". */
export function linePlace(path: string, line: TextLine): string {
  return line.fromEnd === true ? `${path} (${lineName(line)})` : `${path}:${line.number}`;
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
