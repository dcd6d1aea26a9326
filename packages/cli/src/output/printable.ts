/** Text from outside (a notification payload, Dynatrace) made safe for one line of the terminal. */

// A problem's title and messages come from a notification payload or Dynatrace: a control
// character in one must not forge a line of the output (as flags are refused, DESIGN.md section 9).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** `text` with control characters shown escaped (`\n`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) =>
    c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
