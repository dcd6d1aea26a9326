import { formatDiagnostic, validate, type ConfigDirReport } from '@ci-connect/core';
import { BaseCommand } from '../base-command.js';
import { historyFlag, projectFlags } from '../flags.js';

export default class Validate extends BaseCommand {
  static override summary = 'Check every file of a config directory and report every problem at once';
  static override description = `Loads ci-connect.yaml, shipyard.yaml and each service's slo.yaml, sli/*.yaml and remediation.yaml
(base and stage overlays), and reports every error and warning as file:line:col. The history URL (--history, else
ci-connect.yaml's) must name a kind of store ci-connect has; nothing connects to it. Exits 0 when there are no errors
(warnings allowed) and 2 when there are.`;

  static override examples = [
    '<%= config.bin %> validate',
    '<%= config.bin %> validate --config-dir deploy/.ci-connect --json',
  ];

  static override flags = { 'config-dir': projectFlags['config-dir'], ...historyFlag };

  async run(): Promise<ConfigDirReport> {
    const { flags } = await this.parse(Validate);
    const { report, exitCode } = await validate(flags['config-dir'], {
      ...(flags.history === undefined ? {} : { history: flags.history }),
      env: this.host().env,
    });
    const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = report.diagnostics.length - errors;
    if (!this.jsonEnabled()) {
      const palette = this.palette;
      for (const d of report.diagnostics) {
        const tag = d.severity === 'error' ? palette.fail('error') : palette.warning('warning');
        this.writeResult(`${tag} ${formatDiagnostic(d)}\n`);
      }
      const summary = `${report.files.length} file${report.files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
      this.writeResult(`${errors === 0 ? palette.pass(summary) : palette.fail(summary)}\n`);
    }
    this.setExitCode(exitCode);
    return report;
  }
}
