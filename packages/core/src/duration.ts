/**
 * Durations as Keptn wrote them, shared by the evaluation window (`--timeframe`) and shipyard
 * task properties: a leaf module, so neither layer imports the other to read one.
 */

import { UsageError } from './errors.js';

const MINUTE = 60_000;
const MAX_DURATION = 10 * 366 * 24 * 60 * MINUTE;
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: MINUTE, h: 60 * MINUTE, d: 24 * 60 * MINUTE };

/** Go-style durations as Keptn used them: "5m", "1h30m", "90s". */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed !== trimmed) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not a duration`, {
      hint: 'write e.g. 5m, 1h30m or 90s',
    });
  }
  const length = parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
  if (length > MAX_DURATION) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is longer than 10 years`, {
      hint: 'write e.g. 5m, 1h30m or 7d',
    });
  }
  return length;
}
