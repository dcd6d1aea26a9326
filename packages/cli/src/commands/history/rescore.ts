import * as Flags from '@oclif/core/flags';
import { rescoreHistory, type HistoryRescoreResult } from '@ci-connect/core';
import { BaseCommand } from '../../base-command.js';
import { historyLocationFlags, projectFlags } from '../../flags.js';
import { renderRescore } from '../../output/rescore-report.js';

export default class HistoryRescore extends BaseCommand {
  static override summary =
    'SLO what-if: re-score recorded evaluations with a changed SLO, and show what would flip';
  static override description = `Scores the service's last --last evaluations (not invalidated) again with the SLO of --slo (default:
the service's slo.yaml in the config directory, as evaluate finds it), each from the SLI values it recorded and
against the baseline it was compared with. Shows each old and new result and score, the verdicts that would
flip and, per objective, what changed. An SLI the SLO adds that an evaluation did not record is scored as no
data (a failed objective), and listed. Nothing is recorded. Exits 0, or with --fail-on-flip 1 when a verdict
would change (for a merge request that changes the SLO).`;

  static override examples = [
    '<%= config.bin %> history rescore --slo new-slo.yaml --service carts --stage hardening',
    '<%= config.bin %> history rescore --last 30 --fail-on-flip',
    '<%= config.bin %> history rescore --slo slo.yaml --json',
  ];

  static override flags = {
    ...projectFlags,
    ...historyLocationFlags,
    slo: Flags.string({
      description: "the SLO to try (default: the service's slo.yaml in the config directory)",
      env: 'CI_CONNECT_SLO',
    }),
    last: Flags.integer({ description: 'how many of the newest evaluations', default: 10, min: 1 }),
    'fail-on-flip': Flags.boolean({ description: 'exit 1 when any verdict would change' }),
  };

  async run(): Promise<HistoryRescoreResult> {
    const { flags } = await this.parse(HistoryRescore);
    const { result, exitCode } = await rescoreHistory(
      {
        configDir: flags['config-dir'],
        history: flags.history,
        project: flags.project,
        stage: flags.stage,
        service: flags.service,
        sloFile: flags.slo,
        last: flags.last,
        failOnFlip: flags['fail-on-flip'],
      },
      this.host(),
    );
    if (!this.jsonEnabled()) this.writeResult(renderRescore(result, this.palette));
    this.setExitCode(exitCode);
    return result;
  }
}
