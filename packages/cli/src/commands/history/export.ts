import * as Flags from '@oclif/core/flags';
import { exportHistory, type HistoryExportResult } from '@ci-connect/core';
import { BaseCommand } from '../../base-command.js';
import { historyLocationFlags } from '../../flags.js';

export default class HistoryExport extends BaseCommand {
  static override summary = 'Write every record of the history as JSON Lines, for history import elsewhere';
  static override description = `Writes every record of the history store, invalidations and pins included, one JSON object per
line in the order they were recorded: what history import reads, to move a history from one store to another
(file: to postgres://) or to keep a copy. To stdout by default (the export is the output, with or without
--json), or to --out FILE, written whole or not at all.`;

  static override examples = [
    '<%= config.bin %> history export > history-backup.jsonl',
    '<%= config.bin %> history export --history file:.ci-connect/history.jsonl --out export.jsonl',
    '<%= config.bin %> history export | ci-connect history import - --history "$DATABASE_URL"',
  ];

  static override flags = {
    ...historyLocationFlags,
    out: Flags.string({ description: 'write to this file instead of stdout (replaced when it exists)' }),
  };

  async run(): Promise<HistoryExportResult | undefined> {
    const { flags } = await this.parse(HistoryExport);
    const { result, exitCode } = await exportHistory(
      { configDir: flags['config-dir'], history: flags.history, out: flags.out },
      this.host(),
      writeStdout,
    );
    const summary = `exported ${result.records} record${result.records === 1 ? '' : 's'} of ${result.history}`;
    this.setExitCode(exitCode);
    if (result.out === null) {
      this.logger.info(summary);
      return undefined; // stdout holds the export itself
    }
    if (!this.jsonEnabled()) this.writeResult(`${summary} to ${result.out}\n`);
    return result;
  }
}

/** Writes to stdout, waiting when the pipe is full (a history may be far larger than its buffer). */
function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    process.stdout.once('error', onError);
    const done = () => {
      process.stdout.off('error', onError);
      resolve();
    };
    if (process.stdout.write(text)) done();
    else process.stdout.once('drain', done);
  });
}
