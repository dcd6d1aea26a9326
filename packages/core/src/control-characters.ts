/**
 * Control characters in user-given text. A version, label or image is printed in the human
 * output and recorded in history; a newline in one would forge a line (`1.4.2\nResult PASS`), a
 * bidi override would make a line read differently from what it holds. Such text is refused
 * where it enters the process, and shown escaped in the refusal.
 */

import { UsageError } from './errors.js';

// C0 (tab and newline included), DEL, C1, the Unicode line and paragraph separators, and the
// bidi embeddings, overrides and isolates (the "Trojan Source" characters, CVE-2021-42574).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const CONTROL_ALL = new RegExp(CONTROL.source, 'gu');
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_OR_QUOTE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069"\\]/gu;
const NAMED: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '"': '\\"',
  '\\': '\\\\',
};

/** The first control character in `text`, escaped (e.g. `\n`, `\u202e`); undefined when there is none. */
export function findControlCharacter(text: string): string | undefined {
  const found = CONTROL.exec(text);
  return found === null ? undefined : escapeCharacter(found[0]);
}

/**
 * `text` with its control characters shown escaped (`\n`, `\u202e`): text from outside (a
 * notification payload, Dynatrace) made safe for one line of the terminal.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_ALL, escapeCharacter);
}

/** `text` in double quotes with control characters, quotes and backslashes escaped: safe to print. */
export function quoteEscaped(text: string): string {
  return `"${text.replace(CONTROL_OR_QUOTE, escapeCharacter)}"`;
}

/**
 * Throws a UsageError (exit 2) when `value` holds a control character. `source` names where the
 * value came from as the user wrote it, e.g. `--version` or `CI_CONNECT_VERSION (for --version)`.
 */
export function refuseControlCharacters(value: string, source: string): void {
  const found = findControlCharacter(value);
  if (found === undefined) return;
  throw new UsageError(`${source} ${quoteEscaped(value)} contains a control character (${found})`, {
    hint: 'remove line breaks, tabs and other control characters from the value; it is printed and recorded as given',
  });
}

function escapeCharacter(char: string): string {
  return NAMED[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
