import * as Args from '@oclif/core/args';
import { importHistory, MAX_IMPORT_BYTES, UsageError, type HistoryImportResult } from '@ci-connect/core';
import { BaseCommand } from '../../base-command.js';
import { historyLocationFlags } from '../../flags.js';
import { renderImportResult } from '../../output/history-records.js';

export default class HistoryImport extends BaseCommand {
  static override summary =
    "Import records from history export, or Keptn's evaluation events, into the history";
  static override description = `Reads JSON Lines that history export wrote (to move a history between stores), or Keptn v1
events as Keptn's API returned them: a {"events": [...]} page of GET /api/mongodb-datastore/event, a JSON array,
or JSON Lines of events. sh.keptn.event.evaluation.finished events (and Keptn 0.6's evaluation-done) become
evaluations with Keptn's ids, results, scores, values and baselines; evaluation.invalidated events invalidate the
evaluation they name. The whole input is checked first: any line that cannot be imported exits 2 naming
file:line, and nothing is imported. Records already stored (by id) are left out, so importing twice adds nothing.
- reads stdin.`;

  static override examples = [
    '<%= config.bin %> history import export.jsonl --history "postgres://ci@db.example.com/ci_connect"',
    'curl -H "x-token: $KEPTN_API_TOKEN" "$KEPTN/api/mongodb-datastore/event/type/sh.keptn.event.evaluation.finished?filter=data.project:sockshop&limit=100" > keptn.json && <%= config.bin %> history import keptn.json',
    '<%= config.bin %> history export --history file:old.jsonl | <%= config.bin %> history import -',
  ];

  static override args = {
    file: Args.string({ description: 'the file to import, or - for stdin', required: true }),
  };

  static override flags = { ...historyLocationFlags };

  async run(): Promise<HistoryImportResult> {
    const { args, flags } = await this.parse(HistoryImport);
    const input = args.file === '-' ? { name: '<stdin>', text: await readStdin() } : { path: args.file };
    const { result, exitCode } = await importHistory(
      { configDir: flags['config-dir'], history: flags.history, input },
      this.host(),
    );
    if (!this.jsonEnabled()) this.writeResult(renderImportResult(result));
    this.setExitCode(exitCode);
    return result;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_IMPORT_BYTES)
      throw new UsageError(`stdin holds more than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`, {
        hint: 'split the input (split -l 100000) and import the parts: importing is idempotent',
      });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
