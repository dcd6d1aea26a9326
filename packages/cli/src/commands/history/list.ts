import * as Flags from '@oclif/core/flags';
import { listHistory, type HistoryListResult } from '@ci-connect/core';
import { BaseCommand } from '../../base-command.js';
import { historyLocationFlags } from '../../flags.js';
import { renderHistoryList } from '../../output/history-records.js';

const RESULTS = ['pass', 'warning', 'fail'];

export default class HistoryList extends BaseCommand {
  static override summary =
    'List recorded evaluations, stage runs, deployments and remediations, newest first';
  static override description = `Lists the records of the history store, newest first, each with its id (for history show,
invalidate and pin), time, kind, project/stage/service, version, result and score; a remediation step's
detail says which step, action and problem it was. Invalidated records are listed too, marked; the evaluation pinned as its service's baseline is marked pinned. Every filter narrows.`;

  static override examples = [
    '<%= config.bin %> history list',
    '<%= config.bin %> history list --service carts --stage hardening --result fail --since 7d',
    '<%= config.bin %> history list --kind evaluation --limit 100 --json',
  ];

  static override flags = {
    ...historyLocationFlags,
    project: Flags.string({ description: 'only records of this project', env: 'CI_CONNECT_PROJECT' }),
    stage: Flags.string({ description: 'only records of this stage', env: 'CI_CONNECT_STAGE' }),
    service: Flags.string({ description: 'only records of this service', env: 'CI_CONNECT_SERVICE' }),
    kind: Flags.string({
      description: 'only records of this kind: evaluation, sequence-run, deployment, approval, remediation',
    }),
    result: Flags.string({
      description: 'only these results: pass, warning, fail (repeatable, or a comma list)',
      multiple: true,
      delimiter: ',',
      options: RESULTS,
    }),
    since: Flags.string({
      description:
        'only records since this time: ISO 8601, epoch seconds, or a duration back from now (7d, 12h)',
    }),
    limit: Flags.integer({ description: 'at most this many, the newest', default: 20, min: 1 }),
  };

  async run(): Promise<HistoryListResult> {
    const { flags } = await this.parse(HistoryList);
    const { result, exitCode } = await listHistory(
      {
        configDir: flags['config-dir'],
        history: flags.history,
        project: flags.project,
        stage: flags.stage,
        service: flags.service,
        kind: flags.kind,
        results: flags.result,
        since: flags.since,
        limit: flags.limit,
      },
      this.host(),
    );
    if (!this.jsonEnabled()) this.writeResult(renderHistoryList(result, flags.limit, this.palette));
    this.setExitCode(exitCode);
    return result;
  }
}
