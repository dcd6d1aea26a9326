/**
 * `comment`, the use case: the sticky review note of an evaluation on the current GitLab merge
 * request. It reads the evaluation a gate wrote (`<report dir>/evaluation.json`), the recent
 * evaluations of the same gate when the history store can be reached (for the heatmap), and
 * creates or edits the note that carries the gate's marker. A job with nothing to comment on (no
 * merge request, no token, a token that may not write notes) gets a notice and exit 0: the
 * note is a courtesy, the gate's verdict is the job's result.
 */

import { resolve } from 'node:path';
import { ExitCode, InputError, UsageError } from '../errors.js';
import { readRegularFile } from '../files/regular-file.js';
import { createHttpClient } from '../http/http-client.js';
import type { EvaluationRecord } from '../gate/types.js';
import {
  findEvaluationShapeProblem,
  isEvaluationRecord,
  withTargetLists,
} from '../history/evaluation-shape.js';
import type { HistoryRecord } from '../history/history-store.js';
import { reviewCommentBody, stickyMarker } from '../review-comments/comment-body.js';
import {
  upsertMergeRequestNote,
  type GitLabMergeRequestTarget,
} from '../review-comments/gitlab-merge-request.js';
import {
  loadHistoryContext,
  withHistoryStore,
  type HistoryLocationRequest,
} from './history/history-context.js';
import type { Host } from './host.js';

/** The env var holding the token when the request names none. */
export const DEFAULT_COMMENT_TOKEN_ENV = 'CI_CONNECT_GITLAB_TOKEN';
/** Evaluations of the same gate in the note's heatmap. */
const RECENT_EVALUATIONS = 20;
const MAX_EVALUATION_BYTES = 16 * 1024 * 1024;
/** Per call to GitLab; listing and editing (safe to repeat) are retried twice on 429/5xx. */
const GITLAB_TIMEOUT_MS = 30_000;
const GITLAB_RETRIES = 2;

/** What `comment` was asked. */
export interface CommentRequest {
  /** Where `evaluate --report-dir` wrote evaluation.json. */
  reportDir: string;
  configDir: string;
  history?: string | undefined;
  /** The NAME of the env var holding the token (default CI_CONNECT_GITLAB_TOKEN). */
  tokenEnv?: string | undefined;
  /** A CA (PEM) to trust for GitLab besides the system ones and NODE_EXTRA_CA_CERTS. */
  caFile?: string | undefined;
}

/** What `comment --json` prints. */
export type CommentResult = {
  schemaVersion: 1;
  kind: 'comment';
  evaluationId: string;
} & (
  | {
      status: 'created' | 'updated';
      noteId: number;
      /** The note's address, when CI_MERGE_REQUEST_PROJECT_URL or CI_PROJECT_URL is known. */
      url?: string;
      /** Earlier evaluations in the heatmap. */
      recentEvaluations: number;
    }
  | {
      status: 'skipped';
      reason: 'not-gitlab' | 'no-merge-request' | 'no-token' | 'token-refused';
      notice: string;
    }
);

/** Posts or updates the merge request note; exit 0 also when there is nothing to post to. */
export async function commentOnMergeRequest(
  request: CommentRequest,
  host: Host,
): Promise<{ comment: CommentResult; exitCode: number }> {
  const tokenEnv = request.tokenEnv ?? DEFAULT_COMMENT_TOKEN_ENV;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tokenEnv))
    throw new UsageError(`--token-env ${JSON.stringify(tokenEnv)} is not an environment variable name`, {
      hint: `name the variable, not its value: --token-env ${DEFAULT_COMMENT_TOKEN_ENV}`,
    });
  const evaluation = await readEvaluation(resolve(host.cwd, request.reportDir, 'evaluation.json'));
  const base = { schemaVersion: 1 as const, kind: 'comment' as const, evaluationId: evaluation.id };
  const skip = (reason: SkipReason, notice: string) => ({
    comment: { ...base, status: 'skipped' as const, reason, notice },
    exitCode: ExitCode.pass,
  });
  const found = findMergeRequest(host, tokenEnv);
  if ('skip' in found) return skip(found.skip, found.notice);
  const { target } = found;
  const recent = await readRecentEvaluations(request, evaluation, host);
  const body = host.redactor.redact(reviewCommentBody(evaluation, recent));
  const http = createHttpClient({
    timeoutMs: GITLAB_TIMEOUT_MS,
    retries: GITLAB_RETRIES,
    logger: host.logger,
    redactor: host.redactor,
    userAgent: 'ci-connect',
    ...(request.caFile === undefined ? {} : { caFile: request.caFile }),
  });
  const outcome = await upsertMergeRequestNote(target, body, stickyMarker(evaluation), {
    http,
    redactor: host.redactor,
  });
  if (outcome.action === 'refused') {
    const said = outcome.message === '' ? '' : `: ${outcome.message}`;
    return skip(
      'token-refused',
      `GitLab refused the note (${outcome.status}${said}): the token in ${tokenEnv} may not write merge request notes ` +
        '(a CI job token never may); give it a project access token with scope api and role Reporter or higher',
    );
  }
  // The merge request's project: the target project, also for a merge request from a fork.
  const projectUrl = host.env.CI_MERGE_REQUEST_PROJECT_URL || host.env.CI_PROJECT_URL;
  const url = `${projectUrl}/-/merge_requests/${target.mergeRequestIid}#note_${outcome.noteId}`;
  return {
    comment: {
      ...base,
      status: outcome.action,
      noteId: outcome.noteId,
      ...(projectUrl ? { url } : {}),
      recentEvaluations: recent.filter((r) => r.id !== evaluation.id).length,
    },
    exitCode: ExitCode.pass,
  };
}

type SkipReason = Extract<CommentResult, { status: 'skipped' }>['reason'];

/** The merge request of this GitLab job and the token to write on it, from GitLab's predefined variables. */
function findMergeRequest(
  host: Host,
  tokenEnv: string,
): { target: GitLabMergeRequestTarget } | { skip: SkipReason; notice: string } {
  const { env } = host;
  const token = env[tokenEnv] ?? '';
  host.redactor.add(token);
  if (env.GITLAB_CI !== 'true')
    return {
      skip: 'not-gitlab',
      notice: 'not a GitLab CI job (GITLAB_CI is not true): no merge request note',
    };
  const iid = Number(env.CI_MERGE_REQUEST_IID ?? '');
  if (!Number.isInteger(iid) || iid < 1)
    return {
      skip: 'no-merge-request',
      notice: 'not a merge request pipeline (no CI_MERGE_REQUEST_IID): no note',
    };
  // From a fork, the pipeline runs in the fork (CI_PROJECT_ID is the fork's), without the target
  // project's CI/CD variables; the merge request and its iid are the target project's.
  const fromFork =
    env.CI_MERGE_REQUEST_SOURCE_PROJECT_ID !== undefined &&
    env.CI_MERGE_REQUEST_PROJECT_ID !== undefined &&
    env.CI_MERGE_REQUEST_SOURCE_PROJECT_ID !== env.CI_MERGE_REQUEST_PROJECT_ID &&
    env.CI_PROJECT_ID === env.CI_MERGE_REQUEST_SOURCE_PROJECT_ID;
  if (token === '')
    return {
      skip: 'no-token',
      notice:
        `no token in ${tokenEnv}: no merge request note (a project access token with scope api, as a masked CI/CD variable, enables it)` +
        (fromFork
          ? ". This is a merge request from a fork: its pipeline runs in the fork, without the target project's CI/CD variables; " +
            'a member of the target project can run the pipeline there (Pipelines > Run pipeline on the merge request)'
          : ''),
    };
  const apiUrl = required(env, 'CI_API_V4_URL');
  const projectId = env.CI_MERGE_REQUEST_PROJECT_ID || required(env, 'CI_PROJECT_ID');
  return { target: { apiUrl, projectId, mergeRequestIid: iid, token } };
}

async function readEvaluation(file: string): Promise<EvaluationRecord> {
  const hint =
    'run `ci-connect evaluate` (or trigger-deployment, promote) with --report-dir first, and pass the same --report-dir';
  const text = (
    await readRegularFile(file, { label: 'the evaluation', maxBytes: MAX_EVALUATION_BYTES, hint })
  ).toString('utf8');
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file} is not JSON: ${(error as Error).message}`, { hint });
  }
  const asRecord = record as HistoryRecord;
  const problem =
    typeof record !== 'object' || record === null || asRecord.kind !== 'evaluation'
      ? 'it is not an evaluation record ("kind": "evaluation")'
      : findEvaluationShapeProblem(asRecord);
  if (problem !== undefined || !isEvaluationRecord(asRecord) || typeof asRecord.id !== 'string')
    throw new InputError(`${file}: ${problem ?? 'it has no id'}`, { hint });
  return withTargetLists(asRecord) as EvaluationRecord;
}

/** The gate's recent evaluations, or none when history cannot be read: the note goes out anyway. */
async function readRecentEvaluations(
  request: CommentRequest,
  evaluation: EvaluationRecord,
  host: Host,
): Promise<EvaluationRecord[]> {
  try {
    return await recentEvaluationsOfGate(evaluation, request, host);
  } catch (error) {
    host.logger.warn(
      `history not read, the note has no heatmap: ${host.redactor.redact((error as Error).message)}`,
    );
    return [];
  }
}

/**
 * The newest evaluations of `evaluation`'s gate (project, stage, service), newest first, for the
 * review comment's heatmap (reviewCommentBody); the evaluation itself is among them once recorded.
 * Throws when the history cannot be read: each front end says so in its own words.
 */
export async function recentEvaluationsOfGate(
  evaluation: Pick<EvaluationRecord, 'project' | 'stage' | 'service'>,
  location: HistoryLocationRequest,
  host: Host,
): Promise<EvaluationRecord[]> {
  const { historyUrl } = await loadHistoryContext(location, host);
  const { project, stage, service } = evaluation;
  return withHistoryStore(historyUrl, host, async (store) =>
    (await store.query({ kind: 'evaluation', project, stage, service, limit: RECENT_EVALUATIONS })).filter(
      isEvaluationRecord,
    ),
  );
}

function required(env: Host['env'], name: string): string {
  const value = env[name];
  if (value === undefined || value === '')
    throw new UsageError(`${name} is not set`, {
      hint: `GitLab sets ${name} in every job; outside GitLab set it yourself`,
    });
  return value;
}
