/**
 * Reading what Helm 3 prints: the JSON of `helm get values` and `helm history`, the revision
 * line of `helm upgrade`, and the "Error: ..." line of a failure.
 */

import { ExternalSystemError } from '../../errors.js';
import type { HelmRevision } from './decide.js';
import type { BlueGreenColor, BlueGreenState } from './types.js';
import type { Redactor } from '../../redaction/redaction.js';

const HELM3_HINT = 'ci-connect needs Helm 3 (helm version should print v3.x)';
/** Helm's message is kept to this many characters in a step result. */
const MESSAGE_MAX = 1000;

/** The colours ci-connect stored in the switch release's values (`helm get values -o json`). */
export function parseBlueGreenState(stdout: string): BlueGreenState {
  const values = parseJson(stdout, 'helm get values');
  const blueGreen = isRecord(values) && isRecord(values.blueGreen) ? values.blueGreen : {};
  return { activeColor: asColor(blueGreen.activeColor), releasedColor: asColor(blueGreen.releasedColor) };
}

/**
 * `replicaCount` of `helm get values --all -o json`: 1 (Kubernetes' default) when the chart has
 * none, `{invalid}` when it is not a whole number of replicas (text, a fraction, negative): a
 * count ci-connect cannot add to, and must not guess (a guessed 1 would scale a larger release down).
 */
export function parseReplicaCount(stdout: string): number | { invalid: string } {
  const values = parseJson(stdout, 'helm get values');
  const raw = isRecord(values) ? values.replicaCount : undefined;
  if (raw === undefined || raw === null) return 1;
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return raw;
  if (typeof raw === 'string' && /^\s*\d+\s*$/.test(raw)) return Number(raw);
  if (typeof raw === 'object') return { invalid: Array.isArray(raw) ? 'a list' : 'a mapping' };
  const shown = JSON.stringify(raw);
  return { invalid: shown.length > 40 ? `${shown.slice(0, 40)}…` : shown };
}

/** The revisions of `helm history -o json`, oldest first. */
export function parseHistory(stdout: string): HelmRevision[] {
  const entries = parseJson(stdout, 'helm history');
  if (!Array.isArray(entries))
    throw new ExternalSystemError('helm history printed something other than a list of revisions', {
      hint: HELM3_HINT,
    });
  return entries
    .filter(isRecord)
    .map((entry) => ({
      revision: Number(entry.revision),
      status: typeof entry.status === 'string' ? entry.status : '',
      description: typeof entry.description === 'string' ? entry.description : '',
    }))
    .filter((entry) => Number.isInteger(entry.revision))
    .sort((a, b) => a.revision - b.revision);
}

/** The revision in a line of `helm upgrade`'s summary ("REVISION: 7"), if the line is that one. */
export function parseRevisionLine(line: string): number | undefined {
  const match = /^REVISION:\s*(\d+)\s*$/.exec(line);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * Helm's own explanation of a failure: its "Error:" lines, else the last lines of stderr,
 * redacted before it is cut short (a cut first could leave a secret's first characters behind).
 */
export function helmErrorMessage(stderr: string, redactor: Redactor): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const errors = lines
    .filter((line) => line.startsWith('Error:'))
    .map((line) => line.slice('Error:'.length).trim());
  const text = (errors.length > 0 ? errors : lines.slice(-5)).join(' / ');
  if (text === '') return 'helm printed no error message';
  return redactor.clip(text, MESSAGE_MAX);
}

/** Helm 3's answer when a release does not exist. */
export function isReleaseNotFound(stderr: string): boolean {
  return /release: not found/.test(stderr);
}

/** Helm cannot reach the cluster at all: retrying later may help (exit 3), unlike a failed release. */
export function isClusterUnreachable(stderr: string): boolean {
  return /Kubernetes cluster unreachable/i.test(stderr);
}

function parseJson(stdout: string, command: string): unknown {
  try {
    return JSON.parse(stdout.trim() === '' ? 'null' : stdout) as unknown;
  } catch {
    throw new ExternalSystemError(`${command} did not print JSON`, { hint: HELM3_HINT });
  }
}

function asColor(value: unknown): BlueGreenColor | null {
  return value === 'blue' || value === 'green' ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
