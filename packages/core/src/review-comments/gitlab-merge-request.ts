/**
 * The sticky note on a GitLab merge request, through @gitbeaker/rest: find the note that carries
 * the gate's marker and edit it, or create one. A token that may not write notes (a CI job
 * token, a `read_api` token: 401/403) is an answer, not a failure: the caller says so and goes on.
 *
 * gitbeaker sends through core's HTTP client (gitlab-requester.ts), so proxies, CAs, timeouts,
 * retries and redaction are those of every other call.
 * API: https://docs.gitlab.com/api/notes/#merge-requests
 */

import { ConfigError, ExternalSystemError } from '../errors.js';
import type { HttpClient } from '../http/http-client.js';
import type { Redactor } from '../redaction/redaction.js';
import { GitLabRefusal, httpRequesterFn } from './gitlab-requester.js';
import { isStickyComment } from './comment-body.js';

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
  http: HttpClient;
  redactor: Redactor;
}

/** Notes a merge request may have before the search for the marker stops (100 a page). */
const MAX_PAGES = 20;

interface NoteSchema {
  id: number;
  body: string;
  system?: boolean;
}

/** Creates or updates the note that starts with `marker` (so must `body`) with `body`. */
export async function upsertMergeRequestNote(
  target: GitLabMergeRequestTarget,
  body: string,
  marker: string,
  options: StickyNoteOptions,
): Promise<StickyNoteOutcome> {
  const { apiUrl, projectId, mergeRequestIid: iid, token } = target;
  options.redactor.add(token);
  const host = gitlabHost(apiUrl);
  // Imported on use: a gate that posts no note never loads gitbeaker (start-up time).
  const { MergeRequestNotes } = await import('@gitbeaker/rest');
  // queryTimeout 0: the HTTP client times every call itself.
  const notes = new MergeRequestNotes({
    host,
    token,
    requesterFn: httpRequesterFn(options.http),
    queryTimeout: 0,
  });
  try {
    const existing = (await notes.all(projectId, iid, {
      perPage: 100,
      maxPages: MAX_PAGES,
    })) as unknown as NoteSchema[];
    // Ours starts with the marker: a reply quoting it (`> <!-- ... -->`) is someone else's note,
    // which the token could not edit (403 on every later run), and a system note is GitLab's.
    const ours = existing.find((note) => note.system !== true && isStickyComment(note.body, marker));
    if (ours !== undefined) {
      try {
        const edited = (await notes.edit(projectId, iid, ours.id, { body })) as unknown as NoteSchema;
        return { action: 'updated', noteId: edited.id };
      } catch (error) {
        // Deleted between the listing and the edit: post a new one.
        if (!(error instanceof GitLabRefusal && error.status === 404)) throw error;
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

function refusedOrThrow(
  error: unknown,
  target: GitLabMergeRequestTarget,
  redactor: Redactor,
): StickyNoteOutcome {
  const where = `merge request !${target.mergeRequestIid} of project ${target.projectId}`;
  if (error instanceof GitLabRefusal) {
    const said = redactor.clip(error.apiMessage, 300);
    if (error.status === 401 || error.status === 403)
      return { action: 'refused', status: error.status, message: said };
    throw new ConfigError(redactor.redact(`GitLab answered ${error.status} for the notes of ${where}`), {
      hint: 'check CI_PROJECT_ID and CI_MERGE_REQUEST_IID, and that the token’s user or bot is a member of the project',
    });
  }
  // The HTTP client's errors are redacted and carry a hint already; they gain the merge request.
  if (error instanceof ExternalSystemError)
    throw new ExternalSystemError(`could not write the note on ${where}: ${error.message}`, {
      hint: error.hint ?? 'retrying may help',
      cause: error,
    });
  throw error;
}
