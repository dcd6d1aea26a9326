/**
 * The job summary (GITHUB_STEP_SUMMARY) and the sticky pull request comment: the evaluation's
 * Markdown with the heatmap of the recent evaluations of the same gate, read from the history
 * store when it can be reached (core's reviewCommentBody).
 */

import * as actions from '@actions/core';
import {
  createHttpClient,
  recentEvaluationsOfGate,
  stickyMarker,
  upsertPullRequestComment,
  type EvaluationRecord,
  type Host,
} from '@ci-connect/core';
import { readFileSync } from 'node:fs';
import { approvalInActionTerms } from './cli-terms.js';
import type { ActionOutcome } from './commands.js';
import type { ActionInputs } from './inputs.js';

/** The recent evaluations of the evaluation's gate, newest first; none when history cannot be read. */
export async function recentEvaluations(
  evaluation: EvaluationRecord,
  inputs: ActionInputs,
  host: Host,
): Promise<EvaluationRecord[]> {
  try {
    return await recentEvaluationsOfGate(evaluation, inputs, host);
  } catch (error) {
    host.logger.info(`the summary shows no recent evaluations: ${(error as Error).message}`);
    return [];
  }
}

/** Writes the step's job summary. */
export async function writeJobSummary(
  outcome: ActionOutcome | { error: string },
  body: string | undefined,
  host: Host,
): Promise<void> {
  if (host.env.GITHUB_STEP_SUMMARY === undefined) return;
  // The evaluation's Markdown is the pull request comment's too: only the action's own parts
  // name the input where core's approval message names the CLI's flag.
  const parts =
    'error' in outcome
      ? ['### ci-connect could not reach a verdict', codeBlock(outcome.error)]
      : [
          `### ${approvalInActionTerms(outcome.headline)}`,
          approvalInActionTerms(outcome.details ?? ''),
          body ?? '',
        ];
  await actions.summary
    .addRaw(host.redactor.redact(parts.filter((p) => p !== '').join('\n\n')))
    .addEOL()
    .write();
}

/** `text` as a Markdown code block, fenced with more backticks than any run of them in it. */
function codeBlock(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}\n${text}\n${fence}`;
}

/**
 * Creates or updates the sticky comment on the pull request the workflow runs for. No token, no
 * pull request: nothing. A token that may not write (a fork's): a notice. Any other failure: a
 * warning; the gate's verdict stands either way.
 */
export async function commentOnPullRequest(
  evaluation: EvaluationRecord,
  body: string,
  inputs: ActionInputs,
  host: Host,
): Promise<void> {
  const number = pullRequestNumber(host.env);
  if (number === undefined) {
    host.logger.debug('not a pull request event: no pull request comment');
    return;
  }
  if (inputs.githubToken === undefined) {
    host.logger.debug('no github_token input: no pull request comment');
    return;
  }
  const { env, logger, redactor } = host;
  try {
    const http = createHttpClient({
      timeoutMs: 30_000,
      retries: 2,
      logger,
      redactor,
      userAgent: 'ci-connect',
    });
    const outcome = await upsertPullRequestComment(
      {
        apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
        repository: env.GITHUB_REPOSITORY ?? '',
        number,
        token: inputs.githubToken,
      },
      body,
      stickyMarker(evaluation),
      { http, logger, redactor },
    );
    if (outcome.kind === 'refused') {
      actions.notice(
        redactor.redact(
          `no pull request comment: GitHub refused the token (HTTP ${outcome.status}: ${outcome.message}). ` +
            'A pull request from a fork gets a read-only GITHUB_TOKEN; otherwise give the job ' +
            '`permissions: pull-requests: write`. The gate result stands; it is in the job summary.',
        ),
        { title: 'ci-connect: pull request comment' },
      );
      return;
    }
    logger.info(`pull request comment ${outcome.kind}: ${outcome.url}`);
  } catch (error) {
    actions.warning(
      redactor.redact(`no pull request comment: ${(error as Error).message}; the gate result stands`),
      { title: 'ci-connect: pull request comment' },
    );
  }
}

/** The pull request number from the event payload (GITHUB_EVENT_PATH), for pull_request events. */
export function pullRequestNumber(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const file = env.GITHUB_EVENT_PATH;
  if (file === undefined || file === '') return undefined;
  try {
    const payload = JSON.parse(readFileSync(file, 'utf8')) as { pull_request?: { number?: unknown } };
    const number = payload.pull_request?.number;
    return typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : undefined;
  } catch {
    return undefined;
  }
}
