/**
 * The sticky note on a GitLab merge request, through @gitbeaker/rest: find the note that carries
 * the gate's marker and edit it, or create one. A token that may not write notes (a CI job
 * token, a `read_api` token: 401/403) is an answer, not a failure: the caller says so and goes on.
 *
 * gitbeaker sends with Node's fetch: NODE_EXTRA_CA_CERTS is honoured (Node adds it to the roots
 * fetch uses); HTTPS_PROXY is not, unless Node itself is told to (NODE_USE_ENV_PROXY=1, Node
 * >= 22.21 / 24.5). gitbeaker's own errors carry the request, token header included: none of them
 * leaves this file; messages are built from the status and the API's message, then redacted.
 * API: https://docs.gitlab.com/api/notes/#merge-requests
 */

import { ConfigError, ExternalSystemError } from '../errors.js';
import type { Redactor } from '../redaction/redaction.js';

/** Which merge request, on which GitLab, with which token. */
export interface GitLabMergeRequestTarget {
  /** `CI_API_V4_URL`, e.g. https://gitlab.example.com/api/v4 */
  apiUrl: string;
  /** `CI_PROJECT_ID` (numeric) or the URL-encoded path. */
  projectId: string;
  /** `CI_MERGE_REQUEST_IID`. */
  mergeRequestIid: number;
  /** A project/group access token or PAT with scope `api` (sent as PRIVATE-TOKEN). */
  token: string;
}

/** What became of the note. */
export type StickyNoteOutcome =
  | { action: 'created' | 'updated'; noteId: number }
  | { action: 'refused'; status: 401 | 403; message: string };

export interface StickyNoteOptions {
  redactor: Redactor;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

/** Notes a merge request may have before the search for the marker stops (100 a page). */
const MAX_PAGES = 20;

interface NoteSchema {
  id: number;
  body: string;
  system?: boolean;
}

/** Creates or updates the note carrying `marker` with `body`. */
export async function upsertMergeRequestNote(
  target: GitLabMergeRequestTarget,
  body: string,
  marker: string,
  options: StickyNoteOptions,
): Promise<StickyNoteOutcome> {
  const { apiUrl, projectId, mergeRequestIid: iid, token } = target;
  options.redactor.add(token);
  // Imported on use: a gate that posts no note never loads gitbeaker (start-up time).
  const { MergeRequestNotes } = await import('@gitbeaker/rest');
  const notes = new MergeRequestNotes({
    host: gitlabHost(apiUrl),
    token,
    queryTimeout: options.timeoutMs ?? 30_000,
  });
  try {
    const existing = (await notes.all(projectId, iid, {
      perPage: 100,
      maxPages: MAX_PAGES,
    })) as unknown as NoteSchema[];
    const ours = existing.find((note) => note.system !== true && note.body.includes(marker));
    if (ours !== undefined) {
      try {
        const edited = (await notes.edit(projectId, iid, ours.id, { body })) as unknown as NoteSchema;
        return { action: 'updated', noteId: edited.id };
      } catch (error) {
        // Deleted between the listing and the edit: post a new one.
        if (statusOf(error) !== 404) throw error;
      }
    }
    const created = (await notes.create(projectId, iid, body)) as unknown as NoteSchema;
    return { action: 'created', noteId: created.id };
  } catch (error) {
    return refusedOrThrow(error, target, options.redactor);
  }
}

/** gitbeaker wants the server, and appends /api/v4 itself. */
function gitlabHost(apiUrl: string): string {
  const url = apiUrl.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+(\/.*)?\/api\/v4$/.test(url) || !URL.canParse(url))
    throw new ConfigError(`CI_API_V4_URL ${url} is not a GitLab API URL (https://<GitLab>/api/v4)`, {
      hint: 'GitLab sets CI_API_V4_URL in every job; outside GitLab set it to https://<your GitLab>/api/v4',
    });
  return url.slice(0, -'/api/v4'.length);
}

/**
 * A warning when HTTPS_PROXY is set and would not be used for `apiUrl` (fetch ignores it unless
 * NODE_USE_ENV_PROXY=1, and NO_PROXY does not exempt the host); undefined otherwise.
 */
export function proxyBypassWarning(
  apiUrl: string,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const proxy = env.HTTPS_PROXY || env.https_proxy || '';
  if (proxy === '' || env.NODE_USE_ENV_PROXY === '1' || !URL.canParse(apiUrl)) return undefined;
  const hostname = new URL(apiUrl).hostname;
  const exempt = (env.NO_PROXY || env.no_proxy || '')
    .split(',')
    .map((entry) => entry.trim().replace(/^\*?\./, ''))
    .some(
      (entry) => entry === '*' || (entry !== '' && (hostname === entry || hostname.endsWith(`.${entry}`))),
    );
  if (exempt) return undefined;
  return `HTTPS_PROXY is set but the merge request note goes to ${hostname} directly: set NODE_USE_ENV_PROXY=1 (Node >= 22.21) for it to use the proxy`;
}

function refusedOrThrow(
  error: unknown,
  target: GitLabMergeRequestTarget,
  redactor: Redactor,
): StickyNoteOutcome {
  const status = statusOf(error);
  const said = redactor.clip(apiMessage(error), 300);
  const where = `merge request !${target.mergeRequestIid} of project ${target.projectId}`;
  if (status === 401 || status === 403) return { action: 'refused', status, message: said };
  if (status === 404)
    throw new ConfigError(redactor.redact(`GitLab answered 404 for the notes of ${where}`), {
      hint: 'check CI_PROJECT_ID and CI_MERGE_REQUEST_IID, and that the token’s user or bot is a member of the project',
    });
  if (status !== undefined && status < 500 && status !== 429)
    throw new ConfigError(redactor.redact(`GitLab refused the note on ${where}: ${status} ${said}`), {
      hint: 'the request was not accepted as sent; retrying will not help',
    });
  const what =
    status === undefined
      ? networkProblem(error)
      : `GitLab answered ${status}${said === '' ? '' : ` (${said})`}`;
  throw new ExternalSystemError(redactor.redact(`could not write the note on ${where}: ${what}`), {
    hint:
      'retrying may help; check CI_API_V4_URL, NODE_EXTRA_CA_CERTS (=$CI_SERVER_TLS_CA_FILE for a private CA) ' +
      'and, behind a proxy, NODE_USE_ENV_PROXY=1 with HTTPS_PROXY (Node >= 22.21)',
  });
}

/** The HTTP status of a GitbeakerRequestError (its cause holds the fetch Response). */
function statusOf(error: unknown): number | undefined {
  const response = (error as { cause?: { response?: { status?: unknown } } } | undefined)?.cause?.response;
  return typeof response?.status === 'number' ? response.status : undefined;
}

/** The API's own words (`{"message": "403 Forbidden"}`), which gitbeaker puts in `cause.description`. */
function apiMessage(error: unknown): string {
  const description = (error as { cause?: { description?: unknown } } | undefined)?.cause?.description;
  return typeof description === 'string' ? description : '';
}

/** Connection refused, DNS, TLS or timeout: from the error's name and code, never its request. */
function networkProblem(error: unknown): string {
  const e = error as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (e.name === 'GitbeakerTimeoutError') return 'no answer within the timeout';
  if (e.name === 'GitbeakerRetryError')
    return typeof e.message === 'string' ? e.message : 'retries exhausted';
  const code = typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  const message = typeof e.message === 'string' ? e.message : 'unknown error';
  const detail = typeof e.cause?.message === 'string' ? e.cause.message : message;
  return code === undefined ? detail : `${code}: ${detail}`;
}
