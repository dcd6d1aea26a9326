/**
 * What a failed git fetch or push means for the job: another writer got there first (retry), a
 * remote that refuses these credentials or this push (exit 2: retrying will not help), or a
 * remote that cannot be reached right now (exit 3). Git's own words decide; they are English
 * because git runs with LC_ALL=C (git-command.ts).
 */

import { ConfigError, ExternalSystemError, type CiConnectError } from '../../errors.js';
import type { GitOutput } from './git-command.js';

/** The kinds of failure the store treats differently. */
export type GitFailureKind =
  'race' | 'no-branch' | 'auth' | 'host-key' | 'protected' | 'not-found' | 'unreachable';

const PATTERNS: readonly (readonly [GitFailureKind, RegExp])[] = [
  // Another writer moved the branch between our fetch and our push.
  [
    'race',
    /\[rejected\].*\((fetch first|non-fast-forward|stale info)\)|\[remote rejected\].*\((cannot lock ref|failed to update ref|incorrect old value|reference already exists)|cannot lock ref|failed to update ref/i,
  ],
  ['no-branch', /couldn't find remote ref/i],
  ['host-key', /host key verification failed|no [a-z0-9-]+ host key is known/i],
  [
    'protected',
    /protected branch|GH006|GH013|pre-receive hook declined|push declined|repository rule violations/i,
  ],
  [
    'auth',
    /authentication failed|could not read (username|password)|terminal prompts disabled|permission denied \(publickey|permission to .* denied|access denied|returned error: 40[13]|\b40[13]\b.*(forbidden|unauthori[sz]ed)|write access to repository not granted|not authorized|invalid username or (password|token)|HTTP Basic: Access denied|not allowed to push/i,
  ],
  [
    'not-found',
    /repository not found|does not appear to be a git repository|returned error: 404|no such file or directory|not a git repository|project you were looking for could not be found/i,
  ],
];

/** The kind of a failed call; `unreachable` when nothing more specific matches. */
export function classifyGitFailure(
  output: Pick<GitOutput, 'stdout' | 'stderr' | 'timedOut'>,
): GitFailureKind {
  if (output.timedOut) return 'unreachable';
  const text = `${output.stdout}\n${output.stderr}`;
  for (const [kind, pattern] of PATTERNS) if (pattern.test(text)) return kind;
  return 'unreachable';
}

/** Where a call went, for messages: the branch and remote, never with credentials. */
export interface GitPlace {
  /** e.g. `git:ci-connect-history@origin`. */
  location: string;
  branch: string;
  /** The remote's URL without credentials. */
  remote: string;
}

const PUSH_HINT =
  'let the job push to the branch: GitHub Actions `permissions: contents: write` (actions/checkout keeps the token), ' +
  'GitLab a project access token with write_repository in the remote URL (CI_JOB_TOKEN cannot push), ' +
  'Jenkins the checkout credentials with write access (docs/history-stores.md)';
const READ_HINT =
  'check the remote URL and that the job can fetch from it: GitHub says "not found" when a token may not read the repository';

/** The error for a failed fetch or push that is not a race (those are retried). */
export function gitFailureError(
  output: GitOutput,
  operation: 'fetch' | 'push',
  place: GitPlace,
): CiConnectError {
  const kind = classifyGitFailure(output);
  const what = `${operation === 'push' ? 'push to' : 'fetch'} the history branch ${place.branch} ${operation === 'push' ? 'of' : 'from'} ${place.remote}`;
  const why = describeOutput(output);
  switch (kind) {
    case 'auth':
      return new ConfigError(`git could not ${what}: the remote refused the credentials (${why})`, {
        hint: operation === 'push' ? PUSH_HINT : READ_HINT,
      });
    case 'host-key':
      return new ConfigError(`git could not ${what}: the remote's SSH host key is not known here (${why})`, {
        hint: "add the host to the runner's known hosts (ssh-keyscan <host> >> ~/.ssh/known_hosts), or use an https:// remote",
      });
    case 'protected':
      return new ConfigError(`git could not ${what}: the remote does not let this job push there (${why})`, {
        hint: `exempt ${place.branch} from branch protection or rulesets, or name another branch in --history; ${PUSH_HINT}`,
      });
    case 'not-found':
      return new ConfigError(`git could not ${what}: no such repository (${why})`, { hint: READ_HINT });
    case 'race':
    case 'no-branch':
    case 'unreachable':
      return new ExternalSystemError(`git could not ${what}: ${why}`, {
        hint: 'the remote may be down or unreachable from this runner (network, proxy, DNS): run the job again',
      });
  }
}

/** Git's own last words, or how the call ended when it had none. */
export function describeOutput(output: GitOutput): string {
  if (output.timedOut) return `${output.command} timed out`;
  if (output.aborted) return `${output.command} was stopped`;
  const lines = output.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('hint:'));
  const last = lines.filter((line) => /^(fatal|error|remote):/i.test(line)).slice(-2);
  const text = (last.length > 0 ? last : lines.slice(-2)).join(' ');
  const clipped = text.length > 300 ? `${text.slice(0, 300)}…` : text;
  return clipped === '' ? `${output.command} exited with ${String(output.exitCode)}` : clipped;
}
