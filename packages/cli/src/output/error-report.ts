import type { Diagnostic, ErrorProblem, Redactor } from '@ci-connect/core';
import { createPalette } from './palette.js';

/** An error as the user sees it: `error:` and `hint:` on stderr, and with --json one object on stdout. */
export interface ErrorReport {
  exitCode: number;
  code: string;
  message: string;
  hint?: string | undefined;
  diagnostics?: readonly Diagnostic[];
  /** Every problem of an error that collected several (a stage run's checks before its first task). */
  problems?: readonly ErrorProblem[];
}

/** Writes an error, redacted, and sets the process's exit code (output is flushed first). */
export function writeErrorReport(report: ErrorReport, json: boolean, redactor: Redactor): void {
  const palette = createPalette(process.stderr, process.env);
  const message = redactor.redact(report.message);
  const hint = report.hint === undefined ? undefined : redactor.redact(report.hint);
  process.stderr.write(`${palette.fail('error:')} ${message}\n`);
  if (hint !== undefined) process.stderr.write(`${palette.dim('hint:')} ${hint}\n`);
  if (json) {
    const body = {
      schemaVersion: 1,
      kind: 'error',
      exitCode: report.exitCode,
      code: report.code,
      message,
      hint,
      diagnostics: report.diagnostics ?? [],
      ...(report.problems === undefined || report.problems.length === 0 ? {} : { problems: report.problems }),
    };
    process.stdout.write(`${JSON.stringify(redactor.redactJson(body))}\n`);
  }
  process.exitCode = report.exitCode;
}
