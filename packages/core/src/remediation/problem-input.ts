/**
 * TEMPORARY (R2's stand-in for R1's problem-input.ts, replaced at merge): the fixed signatures,
 * with only the Dynatrace webhook's and Keptn's main fields read.
 */

import { ConfigError } from '../errors.js';
import type { Problem } from './types.js';

/** The problem a notification payload describes; ConfigError naming the file when it is none. */
export function problemFromEventFile(text: string, file: string): Problem {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not JSON (${(error as Error).message})`, {
      hint: 'pass a Dynatrace problem notification or a Keptn remediation.triggered event',
    });
  }
  const record = isObject(parsed) ? parsed : {};
  const data = isObject(record['data']) ? record['data'] : record;
  const payload = isObject(data['problem']) ? data['problem'] : data;
  const title = text_(payload['ProblemTitle']) ?? text_(payload['problemTitle']);
  if (title === undefined)
    throw new ConfigError(`${file}: no problem title (ProblemTitle)`, {
      hint: 'pass a Dynatrace problem notification or a Keptn remediation.triggered event',
    });
  const state = text_(payload['State']) ?? text_(payload['state']) ?? 'OPEN';
  const problemId = text_(payload['ProblemID']) ?? text_(payload['PID']);
  const rootCause = text_(payload['rootCause']);
  const url = text_(payload['ProblemURL']);
  return {
    source: 'event-file',
    ...(problemId === undefined ? {} : problemId.startsWith('P-') ? { displayId: problemId } : { problemId }),
    title,
    ...(rootCause === undefined ? {} : { rootCause }),
    status: state === 'OPEN' ? 'open' : 'closed',
    impactedEntities: [],
    ...(url === undefined ? {} : { url }),
  };
}

/** A problem known by its type alone (`--problem-type`). */
export function problemFromType(type: string): Problem {
  return { source: 'problem-type', title: type, status: 'open', impactedEntities: [] };
}

/** The key history counts a problem's actions by: problemId, else the display id. */
export function problemKey(problem: Problem): string | undefined {
  return problem.problemId ?? problem.displayId;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text_(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
