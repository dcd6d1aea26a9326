import * as Flags from '@oclif/core/flags';
import { unpinEvaluation, type HistoryMarkResult } from '@ci-connect/core';
import { BaseCommand } from '../../base-command.js';
import { historyLocationFlags, projectFlags } from '../../flags.js';
import { renderMarkResult } from '../../output/history-records.js';

export default class HistoryUnpin extends BaseCommand {
  static override summary = "End the pin of a service's baseline: compare with the newest evaluations again";
  static override description = `Ends the pin of the service's baseline (history pin), so that later evaluations compare with
the newest ones again, as the SLO's comparison block says. Project, stage and service default as for
evaluate: ci-connect.yaml's project and defaults.stage, and the config directory's only service. Nothing
pinned is not an error: it says so and exits 0.`;

  static override examples = [
    '<%= config.bin %> history unpin --service carts --stage hardening',
    '<%= config.bin %> history unpin --project shop --stage production --service carts --reason "1.5.0 is the new reference"',
  ];

  static override flags = {
    ...projectFlags,
    ...historyLocationFlags,
    reason: Flags.string({ description: 'why the pin ends (kept in the history)' }),
  };

  async run(): Promise<HistoryMarkResult> {
    const { flags } = await this.parse(HistoryUnpin);
    const { result, exitCode } = await unpinEvaluation(
      {
        configDir: flags['config-dir'],
        history: flags.history,
        project: flags.project,
        stage: flags.stage,
        service: flags.service,
        reason: flags.reason,
      },
      this.host(),
    );
    if (!this.jsonEnabled()) this.writeResult(renderMarkResult(result));
    this.setExitCode(exitCode);
    return result;
  }
}
