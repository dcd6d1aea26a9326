/**
 * The sticky pull request comment on GitHub: the comment that carries the gate's marker
 * (comment-body.ts) is edited in place on the next run, or created when there is none. Through
 * the REST API's issue comments, which pull requests share with issues:
 * https://docs.github.com/rest/issues/comments (list, create, update).
 *
 * A token that may not write there (a fork's read-only GITHUB_TOKEN, a token without
 * `pull-requests: write`) is an answer, not a failure: the caller tells the user and goes on.
 */

import { ConfigError } from '../errors.js';
import type { Logger } from '../environment.js';
import type { HttpClient, HttpResponse } from '../http/http-client.js';
import type { Redactor } from '../redaction/redaction.js';
import { isStickyComment } from './comment-body.js';

/** The pull request to comment on, and the token to do it with. */
export interface GitHubPullRequest {
  /** The REST API's root, GITHUB_API_URL: https://api.github.com or https://HOST/api/v3. */
  apiUrl: string;
  /** `owner/repo` (GITHUB_REPOSITORY). */
  repository: string;
  number: number;
  token: string;
}

/** What became of the comment. */
export type StickyCommentOutcome =
  | { kind: 'created' | 'updated'; id: number; url: string }
  /** The token may not read or write the pull request's comments (401, 403, 404). */
  | { kind: 'refused'; status: number; message: string };

/** What posting needs: core's HTTP client (timeouts, retries, redaction). */
export interface GitHubCommentDependencies {
  http: HttpClient;
  logger: Logger;
  redactor: Redactor;
}

const PER_PAGE = 100;
// A pull request with more than 3,000 comments is searched no further: a new comment is created.
const MAX_PAGES = 30;
// What GitHub answers a token that may not do this: bad (401), read-only (403), no access (404).
const REFUSALS = [401, 403, 404] as const;
const API_VERSION = '2022-11-28';

/** Updates the comment that starts with `marker` on the pull request, or creates it; so must `body`. */
export async function upsertPullRequestComment(
  pullRequest: GitHubPullRequest,
  body: string,
  marker: string,
  deps: GitHubCommentDependencies,
): Promise<StickyCommentOutcome> {
  if (!body.startsWith(marker))
    throw new ConfigError('the comment body does not start with its sticky marker');
  if (!Number.isSafeInteger(pullRequest.number) || pullRequest.number <= 0)
    throw new ConfigError(`"${pullRequest.number}" is not a pull request number`);
  deps.redactor.add(pullRequest.token);
  const api = apiRoot(pullRequest.apiUrl);
  const repo = repositoryPath(pullRequest.repository);
  const root = api.href.replace(/\/+$/, '');
  const issue = `${root}/repos/${repo}/issues/${pullRequest.number}`;
  const headers = requestHeaders(pullRequest.token);
  const found = await findMarkedComment(`${issue}/comments`, api, marker, headers, deps);
  if (found.kind === 'refused') return found;
  const safeBody = deps.redactor.redact(body);
  if (found.id !== undefined) {
    const response = await deps.http.request({
      method: 'PATCH',
      url: `${root}/repos/${repo}/issues/comments/${found.id}`,
      headers,
      body: { body: safeBody },
      // The same body twice is the same comment: safe to retry.
      idempotent: true,
      acceptStatuses: REFUSALS,
      expect: 'json',
    });
    // Deleted between listing and editing: a new one is created below.
    if (response.status !== 404) return answer('updated', response);
    deps.logger.info(`the pull request comment ${found.id} is gone; creating a new one`);
  }
  const response = await deps.http.request({
    method: 'POST',
    url: `${issue}/comments`,
    headers,
    body: { body: safeBody },
    acceptStatuses: REFUSALS,
    expect: 'json',
  });
  return answer('created', response);
}

/**
 * Pages through the comments (Link: rel="next") until one starts with the marker. Ours starts with
 * it: a reply quoting ours (`> <!-- ... -->`) is someone else's comment, which editing would
 * refuse on every later run (as on GitLab, review-comments/gitlab-merge-request.ts).
 */
async function findMarkedComment(
  firstPage: string,
  api: URL,
  marker: string,
  headers: Readonly<Record<string, string>>,
  deps: GitHubCommentDependencies,
): Promise<{ kind: 'found'; id: number | undefined } | Extract<StickyCommentOutcome, { kind: 'refused' }>> {
  let url: string | undefined = `${firstPage}?per_page=${PER_PAGE}`;
  for (let page = 0; url !== undefined && page < MAX_PAGES; page++) {
    const response = await deps.http.request({
      method: 'GET',
      url,
      headers,
      acceptStatuses: REFUSALS,
      expect: 'json',
    });
    if (response.status !== 200) return refusal(response);
    if (!Array.isArray(response.data)) throw unexpectedAnswer(url, deps.redactor);
    for (const comment of response.data as unknown[]) {
      const id = commentId(comment);
      if (id !== undefined && isStickyComment(commentText(comment), marker)) return { kind: 'found', id };
    }
    url = nextPage(response.headers['link'], api);
  }
  return { kind: 'found', id: undefined };
}

/** The `rel="next"` URL of a Link header, on the API's own origin only: the token goes nowhere else. */
export function nextPage(link: string | undefined, api: URL): string | undefined {
  for (const part of (link ?? '').split(',')) {
    const match = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
    if (match === null || !/\brel="?next"?/.test(match[2] ?? '')) continue;
    let next: URL;
    try {
      next = new URL(match[1] ?? '', api);
    } catch {
      return undefined;
    }
    return next.origin === api.origin ? next.href : undefined;
  }
  return undefined;
}

function answer(kind: 'created' | 'updated', response: HttpResponse): StickyCommentOutcome {
  if (response.status >= 400) return refusal(response);
  const data = response.data as { id?: unknown; html_url?: unknown };
  return {
    kind,
    id: typeof data.id === 'number' ? data.id : 0,
    url: typeof data.html_url === 'string' ? data.html_url : '',
  };
}

function refusal(response: HttpResponse): Extract<StickyCommentOutcome, { kind: 'refused' }> {
  const data = response.data as { message?: unknown } | undefined;
  const said = typeof data?.message === 'string' ? data.message : `HTTP ${response.status}`;
  return { kind: 'refused', status: response.status, message: said };
}

function requestHeaders(token: string): Readonly<Record<string, string>> {
  return {
    Accept: 'application/vnd.github+json',
    Authorization: `Bearer ${token}`,
    'X-GitHub-Api-Version': API_VERSION,
  };
}

function apiRoot(apiUrl: string): URL {
  let url: URL;
  try {
    url = new URL(apiUrl.replace(/\/+$/, ''));
  } catch {
    throw new ConfigError(`GITHUB_API_URL "${apiUrl}" is not a URL`, {
      hint: 'leave GITHUB_API_URL as the runner sets it',
    });
  }
  return url;
}

function repositoryPath(repository: string): string {
  const parts = repository.split('/');
  if (parts.length !== 2 || parts.some((part) => !/^[\w.-]+$/.test(part)))
    throw new ConfigError(`GITHUB_REPOSITORY "${repository}" is not owner/repo`, {
      hint: 'leave GITHUB_REPOSITORY as the runner sets it',
    });
  return parts.map(encodeURIComponent).join('/');
}

function commentId(comment: unknown): number | undefined {
  const id = (comment as { id?: unknown } | null)?.id;
  return typeof id === 'number' ? id : undefined;
}

function commentText(comment: unknown): string {
  const body = (comment as { body?: unknown } | null)?.body;
  return typeof body === 'string' ? body : '';
}

function unexpectedAnswer(url: string, redactor: Redactor): ConfigError {
  return new ConfigError(redactor.redact(`GET ${url} did not answer a list of comments`), {
    hint: 'GITHUB_API_URL must be the REST API root (https://api.github.com, or https://HOST/api/v3)',
  });
}
