import { doctor, type DoctorReport } from '@ci-connect/core';
import { BaseCommand } from '../base-command.js';
import { caFileFlag, historyFlag, projectFlags } from '../flags.js';
import { renderDoctorReport } from '../output/doctor-report.js';

export default class Doctor extends BaseCommand {
  static override summary =
    'Check the config directory, helm, jmeter, Prometheus, Dynatrace and the history store';
  static override description = `Runs every check at once and prints one line per check: ✓ ok, ! warning, ✗ failed,
- skipped (not used), with a hint for each problem. Validates the config directory like validate; runs
\`helm version --short\` and \`jmeter --version\` (JMETER_BIN, else PATH); asks Prometheus for its build
information and Dynatrace for the token's metadata (enabled, expiry, scopes against what the SLI files
query) with the credentials a gate would use; checks that the history file can be written. Tokens are
never printed. Exits 0 when no check failed (warnings allowed), 2 when a check failed because of a file,
setting or token (retrying will not help), 3 when the only failures are endpoints that did not answer
(retrying may help).`;

  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --config-dir deploy/.ci-connect --json',
    'PROMETHEUS_URL=https://prometheus.example.com <%= config.bin %> doctor --ca-file corp-ca.pem',
  ];

  static override flags = {
    'config-dir': projectFlags['config-dir'],
    ...historyFlag,
    ...caFileFlag,
  };

  async run(): Promise<DoctorReport> {
    const { flags, metadata } = await this.parse(Doctor);
    const { report, exitCode } = await doctor(
      {
        configDir: flags['config-dir'],
        configDirNamed: metadata.flags['config-dir']?.setFromDefault !== true,
        ...(flags.history === undefined ? {} : { history: flags.history }),
        ...(flags['ca-file'] === undefined ? {} : { caFile: flags['ca-file'] }),
      },
      this.host(),
    );
    if (!this.jsonEnabled()) this.writeResult(renderDoctorReport(report, exitCode, this.palette));
    this.setExitCode(exitCode);
    return report;
  }
}
