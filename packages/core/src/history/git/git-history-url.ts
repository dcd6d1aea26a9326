/**
 * `git:<branch>[@<remote>]`: the branch of the job's repository that holds the history, and the
 * remote it lives on, by name (`origin` when none is given) or by URL. The branch ends at the
 * first `@`, so a URL with user-info (`https://x-access-token:TOKEN@github.com/...`) can follow.
 */

import { ConfigError } from '../../errors.js';

/** Where a `git:` history lives. */
export interface GitHistoryUrl {
  branch: string;
  /** A remote of the job's repository, or a URL (or path) git can fetch from and push to. */
  remote: { kind: 'name'; name: string } | { kind: 'url'; url: string };
  /** The URL as messages show it: no credentials. */
  shown: string;
}

export const DEFAULT_REMOTE = 'origin';

const HINT =
  'write --history git:<branch> (remote origin) or git:<branch>@<remote>, where <remote> is a remote ' +
  'of the repository or a URL, e.g. git:ci-connect-history or git:ci-connect-history@upstream';

/** Parses a `git:` history URL; ConfigError (exit 2) for one that names no branch or remote. */
export function parseGitHistoryUrl(url: string): GitHistoryUrl {
  const rest = url.slice(url.indexOf(':') + 1);
  if (rest.startsWith('//'))
    throw new ConfigError(`the history URL "${withoutCredentials(url)}" names no branch`, {
      hint: `${HINT}; a git:// remote goes after the @: git:ci-connect-history@git://host/repo.git`,
    });
  const at = rest.indexOf('@');
  const branch = at < 0 ? rest : rest.slice(0, at);
  const remote = at < 0 ? DEFAULT_REMOTE : rest.slice(at + 1);
  if (branch.trim() === '')
    throw new ConfigError(`the history URL "${withoutCredentials(url)}" names no branch`, { hint: HINT });
  if (branch.includes(':'))
    throw new ConfigError(`the history URL "${withoutCredentials(url)}" names no branch before its remote`, {
      hint: `${HINT}; the branch comes first: git:ci-connect-history@https://host/org/repo.git`,
    });
  if (remote.trim() === '')
    throw new ConfigError(`the history URL "${withoutCredentials(url)}" names no remote after the @`, {
      hint: HINT,
    });
  return {
    branch,
    remote: isRemoteName(remote) ? { kind: 'name', name: remote } : { kind: 'url', url: remote },
    shown: at < 0 ? `git:${branch}` : `git:${branch}@${withoutCredentials(remote)}`,
  };
}

/**
 * A remote's name has no `:` (refnames may not hold one) and is no path; anything else is a URL
 * or path for git: `https://...`, `ssh://...`, `git@host:org/repo.git`, `/srv/git/repo.git`.
 */
function isRemoteName(remote: string): boolean {
  return !remote.includes(':') && !/^(\/|\.{1,2}(\/|$)|~)/.test(remote);
}

/**
 * The URL without its credentials: `user:password@` goes whole, and so does a lone user name
 * in an http(s) URL, which git sends as a credential (`https://TOKEN@host`, `oauth2:TOKEN@`).
 * An ssh login (`git@host:repo`, `ssh://git@host/repo`) is no secret and stays.
 */
export function withoutCredentials(url: string): string {
  return url
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*:[^/@\s]*@/gi, '$1')
    .replace(/(https?:\/\/)[^/@\s:]+@/gi, '$1');
}
