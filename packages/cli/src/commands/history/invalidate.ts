import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { invalidateRecord, type HistoryMarkResult } from '@ci-connect/core';
import { BaseCommand } from '../../base-command.js';
import { historyLocationFlags } from '../../flags.js';
import { renderMarkResult } from '../../output/history-records.js';

export default class HistoryInvalidate extends BaseCommand {
  static override summary = 'Mark a recorded evaluation invalid, so that no later baseline uses it';
  static override description = `Appends an invalidation of the record to the history (nothing is removed or rewritten): the
evaluation stays listed, marked invalidated, and is left out of every later baseline, as Keptn's
evaluation.invalidated event did. Say why with --reason (a warning without one). Invalidating twice changes
nothing. An unknown id exits 2.`;

  static override examples = [
    '<%= config.bin %> history invalidate 3f9640b6-1d2a-4f11-95f5-23259f1d82d6 --reason "load generator was misconfigured"',
  ];

  static override args = {
    id: Args.string({ description: 'the record id (history list shows it)', required: true }),
  };

  static override flags = {
    ...historyLocationFlags,
    reason: Flags.string({ description: 'why the result is invalid (kept in the history)' }),
  };

  async run(): Promise<HistoryMarkResult> {
    const { args, flags } = await this.parse(HistoryInvalidate);
    const { result, exitCode } = await invalidateRecord(
      { configDir: flags['config-dir'], history: flags.history, id: args.id, reason: flags.reason },
      this.host(),
    );
    if (!this.jsonEnabled()) this.writeResult(renderMarkResult(result));
    this.setExitCode(exitCode);
    return result;
  }
}
