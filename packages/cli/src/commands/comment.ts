import * as Flags from '@oclif/core/flags';
import { commentOnMergeRequest, DEFAULT_COMMENT_TOKEN_ENV, type CommentResult } from '@ci-connect/core';
import { BaseCommand } from '../base-command.js';
import { caFileFlag, historyFlag, projectFlags } from '../flags.js';

export default class Comment extends BaseCommand {
  static override summary = "Post the gate's result as a sticky note on the GitLab merge request";
  static override description = `Reads evaluation.json from the report directory an earlier evaluate, trigger-deployment or
promote wrote, and creates or updates (found by a hidden marker, one note per project, stage and service) a
note on the merge request of the current GitLab pipeline (GITLAB_CI, CI_API_V4_URL,
CI_MERGE_REQUEST_PROJECT_ID or CI_PROJECT_ID, CI_MERGE_REQUEST_IID): the evaluation's summary and a heatmap of the gate's recent evaluations, read from
history when the store can be reached. The token comes from the env var named by --token-env: a project
access token with scope api; a CI job token cannot write notes. Without a merge request, without a token, or
when GitLab refuses the token (401/403), it prints a notice on stderr and exits 0. Exits 2 when
evaluation.json is missing or not an evaluation, and 3 when GitLab cannot be reached.`;

  static override examples = [
    '<%= config.bin %> comment --report-dir ci-connect-report',
    '<%= config.bin %> comment --report-dir ci-connect-report --history postgres://gate@db/history --token-env MR_NOTE_TOKEN',
  ];

  static override flags = {
    'config-dir': projectFlags['config-dir'],
    ...historyFlag,
    'report-dir': Flags.string({
      description: 'the directory evaluate --report-dir wrote evaluation.json into',
      env: 'CI_CONNECT_REPORT_DIR',
      default: 'ci-connect-report',
    }),
    'token-env': Flags.string({
      description: `the NAME of the env var holding a GitLab token that may write merge request notes (scope api)`,
      env: 'CI_CONNECT_TOKEN_ENV',
      default: DEFAULT_COMMENT_TOKEN_ENV,
    }),
    ...caFileFlag,
  };

  async run(): Promise<CommentResult> {
    const { flags } = await this.parse(Comment);
    const { comment, exitCode } = await commentOnMergeRequest(
      {
        reportDir: flags['report-dir'],
        configDir: flags['config-dir'],
        history: flags.history,
        tokenEnv: flags['token-env'],
        caFile: flags['ca-file'],
      },
      this.host(),
    );
    if (comment.status === 'skipped') this.logger.warn(comment.notice);
    else if (!this.jsonEnabled()) this.writeResult(renderPosted(comment));
    this.setExitCode(exitCode);
    return comment;
  }
}

function renderPosted(c: Extract<CommentResult, { status: 'created' | 'updated' }>): string {
  const where = c.url ?? `note ${c.noteId}`;
  return `merge request note ${c.status}: ${where}\n`;
}
