import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { formatDiagnostic, migrateShipyard, type MigrateShipyardResult } from '@ci-connect/core';
import { BaseCommand } from '../../base-command.js';
import { projectFlags } from '../../flags.js';

export default class MigrateShipyard extends BaseCommand {
  static override summary = 'Convert a legacy 0.1 shipyard (Keptn 0.7 and before) to spec.keptn.sh/0.2';
  static override description = `Converts as every command already reads a legacy file, so the project behaves as before: per
stage a delivery sequence (approval, deployment, test, evaluation, release) triggered by the previous stage's, a
delivery-direct twin, a rollback sequence for blue_green_service stages, and a remediation sequence where
remediation_strategy was automated. That is Keptn's \`keptn upgrade project --shipyard\`, except where the converter
changed what Keptn 0.7 did: the approval opens the stage (Keptn 0.7 asked for it before promoting into the stage), a
stage without test_strategy gets no test, and remediation_strategy: automated is kept (docs/cli-reference.md lists
the differences).
Comments are kept, next to what their key became. Prints the new file on stdout; --write replaces the file in place.
A file that is already 0.2 is refused (exit 2).`;

  static override examples = [
    '<%= config.bin %> migrate shipyard',
    '<%= config.bin %> migrate shipyard --write',
    '<%= config.bin %> migrate shipyard keptn/shipyard.yaml > .ci-connect/shipyard.yaml',
  ];

  static override args = {
    file: Args.string({
      description: 'the legacy shipyard (default: shipyard.yaml in the config directory)',
    }),
  };

  static override flags = {
    'config-dir': projectFlags['config-dir'],
    write: Flags.boolean({
      description: 'replace the file with the converted one (atomically)',
      default: false,
    }),
  };

  async run(): Promise<MigrateShipyardResult> {
    const { args, flags } = await this.parse(MigrateShipyard);
    const result = await migrateShipyard(
      {
        configDir: flags['config-dir'],
        ...(args.file === undefined ? {} : { file: args.file }),
        write: flags.write,
      },
      this.host(),
    );
    for (const d of result.warnings) this.logger.warn(formatDiagnostic(d));
    if (this.jsonEnabled()) return result;
    // The file's bytes exactly, as --write stores them.
    if (!result.written) process.stdout.write(result.text);
    else {
      const stages = `${result.stages.length} stage${result.stages.length === 1 ? '' : 's'}`;
      this.writeResult(
        `converted ${result.file} to ${result.apiVersion} (${stages}); check it with ci-connect validate\n`,
      );
    }
    return result;
  }
}
