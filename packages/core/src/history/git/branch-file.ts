/**
 * One file of the branch read as history: its lines parsed with the same rules as a `file:`
 * history (history-content.ts), so an unreadable line is skipped with one warning and a file
 * that holds no record at all is refused, never appended to.
 */

import { MAX_LINE_BYTES, type TextLine } from '../../files/json-lines.js';
import { HistoryTally, parseTextLine } from '../history-content.js';
import type { HistoryRecord } from '../history-store.js';

/** A file of the branch, parsed. */
export interface BranchFile {
  /** `<branch>:<path>`, as git names a file of a branch, for messages. */
  readonly place: string;
  readonly text: string;
  /** Its records, oldest first. */
  readonly records: readonly HistoryRecord[];
  readonly tally: HistoryTally;
}

/** Parses the text of one file of the branch. */
export function parseBranchFile(text: string, place: string): BranchFile {
  const tally = new HistoryTally();
  const records: HistoryRecord[] = [];
  for (const line of textLines(text)) {
    const parsed = parseTextLine(line);
    tally.count(line, parsed);
    if (parsed.status === 'record') records.push(parsed.record);
  }
  return { place, text, records, tally };
}

/** The lines of a text; a blob is whole, so even a last line without "\n" is complete. */
function textLines(text: string): TextLine[] {
  const parts = text.split('\n');
  if (parts.at(-1) === '') parts.pop();
  return parts.map((part, index): TextLine => {
    const bytes = Buffer.byteLength(part);
    return bytes > MAX_LINE_BYTES
      ? { number: index + 1, bytes, text: '', terminated: true, overlongBytes: bytes }
      : { number: index + 1, bytes, text: part, terminated: true };
  });
}
