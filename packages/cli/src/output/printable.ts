/** Text from outside (a notification payload, Dynatrace) made safe for one line of the terminal. */

import { escapeControlCharacters } from '@ci-connect/core';

// A problem's title and messages come from a notification payload or Dynatrace: a control
// character in one must not forge a line of the output (as flags are refused, DESIGN.md section 9).
// The characters are core's, the ones refused in flags (control-characters.ts).

/** `text` with control characters shown escaped (`\n`, `\u202e`). */
export function printable(text: string): string {
  return escapeControlCharacters(text);
}
