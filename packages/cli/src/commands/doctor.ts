import {
  createHttpClient,
  runDoctor,
  runProcess,
  systemClock,
  type CheckStatus,
  type DoctorCheck,
  type DoctorReport,
} from '@ci-connect/core';
import { BaseCommand } from '../base-command.js';
import { caFileFlag, historyFlag, projectFlags } from '../flags.js';
import type { Palette } from '../output/palette.js';

// Short enough that a doctor run with a dead endpoint still answers within a minute.
const HTTP_TIMEOUT_MS = 10_000;
const HTTP_RETRIES = 1;

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
    const logger = this.logger;
    const http = createHttpClient({
      timeoutMs: HTTP_TIMEOUT_MS,
      retries: HTTP_RETRIES,
      logger,
      redactor: this.redactor,
      userAgent: 'ci-connect',
      ...(flags['ca-file'] === undefined ? {} : { caFile: flags['ca-file'] }),
    });
    const { report, exitCode } = await runDoctor(
      {
        configDir: flags['config-dir'],
        configDirNamed: metadata.flags['config-dir']?.setFromDefault !== true,
        ...(flags.history === undefined ? {} : { history: flags.history }),
      },
      {
        env: process.env,
        clock: systemClock,
        logger,
        redactor: this.redactor,
        http,
        runProcess,
        cwd: process.cwd(),
      },
    );
    if (!this.jsonEnabled()) this.writeResult(renderDoctorReport(report, exitCode, this.palette));
    this.setExitCode(exitCode);
    return report;
  }
}

const MARKS: Readonly<Record<CheckStatus, string>> = { ok: '✓', warning: '!', fail: '✗', skipped: '-' };

/** One line per check, hints and listed problems indented under it, then a count and the exit code. */
export function renderDoctorReport(report: DoctorReport, exitCode: number, palette: Palette): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const indent = ' '.repeat(width + 4);
  const lines: string[] = [];
  for (const check of report.checks) {
    const colour = colourOf(check.status, palette);
    lines.push(`${colour(MARKS[check.status])} ${palette.bold(check.name.padEnd(width))}  ${check.detail}`);
    for (const problem of check.problems ?? []) lines.push(`${indent}${problem}`);
    if (check.hint !== undefined && check.status !== 'ok')
      lines.push(`${indent}${palette.dim(`hint: ${check.hint}`)}`);
  }
  lines.push('', summarise(report.checks, exitCode, palette));
  return `${lines.join('\n')}\n`;
}

function summarise(checks: readonly DoctorCheck[], exitCode: number, palette: Palette): string {
  const counted = (['ok', 'warning', 'fail', 'skipped'] as const)
    .map((status) => [status, checks.filter((c) => c.status === status).length] as const)
    .filter(([, n]) => n > 0)
    .map(
      ([status, n]) =>
        `${n} ${status === 'fail' ? 'failed' : status === 'warning' && n > 1 ? 'warnings' : status}`,
    )
    .join(', ');
  const meaning =
    exitCode === 0
      ? palette.pass('nothing failed')
      : exitCode === 3
        ? palette.fail('exit 3: an endpoint did not answer; retrying may help')
        : palette.fail('exit 2: fix the configuration or token; retrying will not help');
  return `${counted}: ${meaning}`;
}

function colourOf(status: CheckStatus, palette: Palette): (text: string) => string {
  switch (status) {
    case 'ok':
      return palette.pass;
    case 'warning':
      return palette.warning;
    case 'fail':
      return palette.fail;
    case 'skipped':
      return palette.dim;
  }
}
