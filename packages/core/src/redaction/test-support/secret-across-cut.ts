/**
 * A secret placed across the cut of a long output line, at every position: for the wrappers that
 * report a child process's last line (helm, JMeter, a task's command), which must redact before
 * they cut. Cut first, the line would keep the secret's first characters before the mark, and a
 * redaction afterwards cannot tell 1 to 3 of them from ordinary text.
 */

import { createRedactor, type Redactor } from '../redaction.js';

/** Token-shaped; mixes case and digits so that no 2 characters of it in a row occur in prose. */
export const CUT_SECRET = 'Q9zK4wP7mV2rT8yB';

/** A redactor that knows CUT_SECRET, as the run's redactor would. */
export function cutSecretRedactor(): Redactor {
  return createRedactor([CUT_SECRET]);
}

/**
 * Lines of `prefix` padding, CUT_SECRET and a tail, where a cut after `max` characters falls
 * inside the secret, keeping 1, 2, ... all but one of its characters; `kept` says how many.
 */
export function linesCuttingSecret(max: number, prefix = ''): { line: string; kept: number }[] {
  return Array.from({ length: CUT_SECRET.length - 1 }, (_, i) => {
    const kept = i + 1;
    return { line: `${prefix}${'x'.repeat(max - prefix.length - kept)}${CUT_SECRET} tail`, kept };
  });
}

/** Every run of 2 or more of CUT_SECRET's characters found in `text`. */
export function secretFragmentsIn(text: string): string[] {
  const found: string[] = [];
  for (let at = 0; at + 2 <= CUT_SECRET.length; at++) {
    const pair = CUT_SECRET.slice(at, at + 2);
    if (text.includes(pair)) found.push(pair);
  }
  return found;
}
