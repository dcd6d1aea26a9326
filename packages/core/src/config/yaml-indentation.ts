/**
 * YAML indentation errors in the user's words: the parser says "All mapping items must start at
 * the same column" or "Implicit keys need to be on a single line"; a user needs to hear that the
 * indentation is wrong, on which line, and to see that line with a caret under where it starts.
 */

import type { LineCounter, YAMLError } from 'yaml';
import type { Diagnostic } from './diagnostics.js';

/** yaml's codes for a line that starts at the wrong column (or with a tab). */
const MISALIGNED = new Set(['BAD_INDENT', 'TAB_AS_INDENT']);
/** yaml's codes for a key indented under a key that already has a value on its line. */
const NESTED_UNDER_VALUE = new Set(['BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY']);

/** A file's text and where its lines start. */
export interface YamlText {
  file: string;
  text: string;
  lineCounter: LineCounter;
}

/** The diagnostic for an indentation error, at the offending line; undefined for other errors. */
export function describeIndentationError(e: YAMLError, source: YamlText): Diagnostic | undefined {
  const position = source.lineCounter.linePos(e.pos[0]);
  // BAD_INDENT also stands for an unclosed flow collection ("Flow sequence in block collection
  // must be sufficiently indented and end with a ]"): a bracket error, left to the plain message.
  if (MISALIGNED.has(e.code) && !/^flow /i.test(e.message)) {
    const tab = e.code === 'TAB_AS_INDENT';
    const column = tab ? position.col : indentOf(lineText(source, position.line) ?? '') + 1;
    return indentationDiagnostic(source, position.line, column, {
      message: tab
        ? 'YAML syntax error: tabs are not allowed for indentation'
        : `YAML indentation error: ${lowerFirst(e.message)}`,
      hint: tab
        ? 'indent with spaces'
        : 'indent this line with as many spaces as the other items of its mapping or list',
    });
  }
  if (!NESTED_UNDER_VALUE.has(e.code)) return undefined;
  // yaml points at the value of the key above; the line at fault is the next one, indented deeper.
  const next = nextContentLine(source, position.line);
  const above = lineText(source, position.line) ?? '';
  if (next === undefined || next.indent <= indentOf(above)) return undefined;
  return indentationDiagnostic(source, next.line, next.indent + 1, {
    message:
      'YAML indentation error: this key is indented deeper than the key above it, as if inside its value',
    hint: `indent it as the key above (column ${keyColumn(above)}), or move the value of the key above to lines of its own`,
  });
}

function indentationDiagnostic(
  source: YamlText,
  line: number,
  column: number,
  { message, hint }: { message: string; hint: string },
): Diagnostic {
  const excerpt = excerptAt(lineText(source, line) ?? '', line, column);
  return { severity: 'error', file: source.file, line, column, path: '', message, hint, excerpt };
}

/** `   3 |  warning: "75%"` and a caret under `column` (1-based) on the line below. */
export function excerptAt(text: string, line: number, column: number): string {
  const shown = visible(text.length > 160 ? `${text.slice(0, 160)}…` : text);
  const gutter = String(line).padStart(4);
  return `${gutter} | ${shown}\n${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, column - 1))}^`;
}

/** A tab as →, and control characters (which a terminal would act on) as �: one character each. */
function visible(text: string): string {
  return (
    text
      .replace(/\t/g, '\u2192')
      // eslint-disable-next-line no-control-regex -- the same set as control-characters.ts
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '\uFFFD')
  );
}

function lineText(source: YamlText, line: number): string | undefined {
  const starts = source.lineCounter.lineStarts;
  const start = starts[line - 1];
  if (start === undefined) return undefined;
  const end = starts[line] ?? source.text.length;
  return source.text.slice(start, end).replace(/\r?\n$/, '');
}

/** The first line after `line` that is not blank or a comment, with its indentation. */
function nextContentLine(source: YamlText, line: number): { line: number; indent: number } | undefined {
  for (let n = line + 1; n <= source.lineCounter.lineStarts.length; n++) {
    const text = lineText(source, n) ?? '';
    if (/^\s*(#.*)?$/.test(text)) continue;
    return { line: n, indent: indentOf(text) };
  }
  return undefined;
}

function indentOf(text: string): number {
  return /^ */.exec(text)?.[0].length ?? 0;
}

/** The column (1-based) where the key of a line starts, after a list's `- `. */
function keyColumn(text: string): number {
  return (/^[ ]*(- +)*/.exec(text)?.[0].length ?? 0) + 1;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
