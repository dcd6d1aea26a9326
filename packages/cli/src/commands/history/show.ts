import * as Args from '@oclif/core/args';
import { showHistoryRecord, type HistoryRecord } from '@ci-connect/core';
import { BaseCommand } from '../../base-command.js';
import { historyLocationFlags } from '../../flags.js';
import { renderHistoryRecord } from '../../output/history-records.js';

export default class HistoryShow extends BaseCommand {
  static override summary = 'Show one recorded evaluation, stage run or deployment in full';
  static override description = `Prints the record with this id: an evaluation as evaluate prints it (each objective's value,
criteria, baseline and status, then score and result), with its labels and the evaluations it was compared
with; other kinds field by field. --json prints the record itself. An unknown id exits 2.`;

  static override examples = [
    '<%= config.bin %> history show 3f9640b6-1d2a-4f11-95f5-23259f1d82d6',
    '<%= config.bin %> history show 3f9640b6-1d2a-4f11-95f5-23259f1d82d6 --json',
  ];

  static override args = {
    id: Args.string({ description: 'the record id (history list shows it)', required: true }),
  };

  static override flags = { ...historyLocationFlags };

  async run(): Promise<HistoryRecord> {
    const { args, flags } = await this.parse(HistoryShow);
    const { record, exitCode } = await showHistoryRecord(
      { configDir: flags['config-dir'], history: flags.history, id: args.id },
      this.host(),
    );
    if (!this.jsonEnabled()) this.writeResult(renderHistoryRecord(record, this.palette));
    this.setExitCode(exitCode);
    return record;
  }
}
