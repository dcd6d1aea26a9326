import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { pinEvaluation, type HistoryMarkResult } from '@ci-connect/core';
import { BaseCommand } from '../../base-command.js';
import { historyLocationFlags } from '../../flags.js';
import { renderMarkResult } from '../../output/history-records.js';

export default class HistoryPin extends BaseCommand {
  static override summary = "Make a recorded evaluation its service's baseline until it is unpinned";
  static override description = `Pins the evaluation as the baseline of its project, stage and service: later evaluations
compare with it alone, whatever the SLO's comparison block asks, until history unpin or another pin (a
known-good release as the reference for relative criteria). Refuses (exit 2) an unknown id, a record that is
no evaluation, and an invalidated evaluation.`;

  static override examples = [
    '<%= config.bin %> history pin 3f9640b6-1d2a-4f11-95f5-23259f1d82d6 --reason "1.4.0, the release we tuned for"',
  ];

  static override args = {
    id: Args.string({ description: 'the evaluation id (history list shows it)', required: true }),
  };

  static override flags = {
    ...historyLocationFlags,
    reason: Flags.string({ description: 'why this evaluation is the reference (kept in the history)' }),
  };

  async run(): Promise<HistoryMarkResult> {
    const { args, flags } = await this.parse(HistoryPin);
    const { result, exitCode } = await pinEvaluation(
      { configDir: flags['config-dir'], history: flags.history, id: args.id, reason: flags.reason },
      this.host(),
    );
    if (!this.jsonEnabled()) this.writeResult(renderMarkResult(result));
    this.setExitCode(exitCode);
    return result;
  }
}
