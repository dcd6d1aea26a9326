import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import type { TimeWindow } from '../providers/provider.js';

/** The window flags as given: `--start`, `--end`, `--timeframe`. */
export interface WindowFlags {
  start?: string;
  end?: string;
  timeframe?: string;
}

const MINUTE = 60_000;
const DEFAULT_TIMEFRAME = 5 * MINUTE;

/**
 * Resolves the evaluation window as Keptn did (go-utils timeutils): `--start` with `--end`, or
 * `--timeframe` with or without `--start`; by default the last 5 minutes. The window must be at
 * least one minute long.
 */
export function resolveTimeWindow(flags: WindowFlags, now: Date): TimeWindow {
  const { start, end, timeframe } = flags;
  if (end !== undefined && timeframe !== undefined) {
    throw new UsageError('--end and --timeframe cannot be used together', {
      hint: 'give --start and --end, or --timeframe with an optional --start',
    });
  }
  if (end !== undefined && start === undefined) {
    throw new UsageError('--end needs --start', {
      hint: 'add --start, or use --timeframe 15m for the last 15 minutes',
    });
  }
  let window: TimeWindow;
  if (start !== undefined && end !== undefined) {
    window = { start: parseInstant(start, '--start'), end: parseInstant(end, '--end') };
  } else {
    const length = timeframe === undefined ? DEFAULT_TIMEFRAME : parseDuration(timeframe, '--timeframe');
    window =
      start === undefined
        ? { start: new Date(now.getTime() - length), end: now }
        : {
            start: parseInstant(start, '--start'),
            end: new Date(parseInstant(start, '--start').getTime() + length),
          };
  }
  if (window.end.getTime() < window.start.getTime()) {
    // Only --start with --end can come out reversed; "shorter than one minute" would mislead.
    throw new UsageError(`--start ${window.start.toISOString()} is after --end ${window.end.toISOString()}`, {
      hint: 'swap the two values: --start is the earlier time, --end the later one (the window must be at least 1 minute)',
    });
  }
  if (window.end.getTime() - window.start.getTime() < MINUTE) {
    throw new UsageError(
      `the evaluation window ${window.start.toISOString()} .. ${window.end.toISOString()} is shorter than one minute`,
      { hint: 'monitoring data needs a window of at least 1 minute: widen --start/--end or --timeframe' },
    );
  }
  return window;
}

/** ISO 8601 (a time without zone is UTC, as in Keptn) or epoch seconds/milliseconds. */
export function parseInstant(text: string, flag: string): Date {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const n = Number(trimmed);
    // Epoch seconds have at most 10 digits until the year 2286.
    return checkRange(new Date(trimmed.length <= 10 ? n * 1000 : n), text, flag);
  }
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(trimmed) ? trimmed : `${trimmed}Z`;
  const date = new Date(withZone);
  if (!/^\d{4}-\d\d-\d\d/.test(trimmed) || Number.isNaN(date.getTime())) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not a time`, {
      hint: 'write ISO 8601 such as 2026-11-22T10:00:00Z, or epoch seconds',
    });
  }
  return checkRange(date, text, flag);
}

/** JavaScript dates end in the year 275760; anything beyond is a typo, not a window. */
function checkRange(date: Date, text: string, flag: string): Date {
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is out of range`, {
      hint: 'write ISO 8601 such as 2026-11-22T10:00:00Z, or epoch seconds',
    });
  }
  return date;
}
