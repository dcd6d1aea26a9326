import type { CheckStatus, DoctorCheck, DoctorReport } from '@ci-connect/core';
import type { Palette } from './palette.js';

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
