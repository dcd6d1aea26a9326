/**
 * The verdict as GitHub shows it (DESIGN.md section 4 exit codes; notes A5, the cross-CI mapping):
 *
 * | exit code | step | annotation |
 * |---|---|---|
 * | 0 pass | success | notice (a warning for a dry run the real run would refuse) |
 * | 0 or 4 warning | success | warning, naming the objectives that failed or were in warning (GitHub has no "unstable") |
 * | 1 fail (also a warning with on_warning: fail) | failed | error, naming the objectives that failed or were in warning |
 * | 5 approval required | failed | error: approve with approved_by, or a protected environment |
 * | 2, 3, 70 | failed | error with the message and hint, on the config file and line when one is at fault |
 *
 * The `exit_code` output keeps the contract's number (4 for a warning with on_warning: warn), so
 * a later step can tell a warning from a pass; the process exits with it, except 4, which GitHub
 * would show as a failure.
 */

import * as actions from '@actions/core';
import {
  CiConnectError,
  ConfigError,
  ExitCode,
  formatTargets,
  objectiveName,
  type EvaluationRecord,
  type Host,
} from '@ci-connect/core';
import { approvalInActionTerms, inActionTerms } from './cli-terms.js';
import type { ActionOutcome } from './commands.js';
import type { ActionInputs } from './inputs.js';
import { fileLocation } from './runner-host.js';

// GitHub shows at most 10 error annotations of a step.
const MAX_DIAGNOSTIC_ANNOTATIONS = 10;

/** Annotates the outcome and sets the step's exit code. */
export function reportVerdict(
  outcome: ActionOutcome,
  host: Host,
  inputs: Pick<ActionInputs, 'stage' | 'onWarning'>,
): void {
  const show = (text: string) => host.redactor.redact(approvalInActionTerms(text));
  const { exitCode, evaluation } = outcome;
  const title = 'ci-connect';
  if (exitCode === ExitCode.pass || exitCode === ExitCode.warning) {
    if (outcome.result === 'warning' || outcome.attention === true)
      actions.warning(show(`${outcome.headline}${notPassed(evaluation)}`), { title });
    else actions.notice(show(outcome.headline), { title });
    process.exitCode = 0;
    return;
  }
  if (exitCode === ExitCode.approvalRequired) {
    const runStage = outcome.runs?.[0]?.stage ?? inputs.stage;
    const where = runStage === undefined ? 'this stage' : `the stage ${runStage}`;
    actions.error(
      show(
        `${outcome.headline}\nmanual approval required before ${where} may run: re-run this job with ` +
          `approved_by set, in a job whose environment requires reviewers (Settings > Environments > ` +
          `Required reviewers), so that GitHub asks for the approval; record the reviewers and the run, ` +
          `e.g. approved_by: 'reviewers of environment ${runStage ?? '<stage>'}: <the run's URL>' ` +
          `(github.actor is who started the run, not who approved it)`,
      ),
      { title: 'ci-connect: approval required' },
    );
  } else if (exitCode === ExitCode.fail) {
    // A warning fails the step only through on_warning: fail; say so, with what was in warning.
    const why =
      outcome.result === 'warning'
        ? `${notPassed(evaluation)}; ${inputs.onWarning === undefined ? "ci-connect.yaml's defaults.onWarning" : 'on_warning'}: fail counts a warning as a failure`
        : notPassed(evaluation);
    actions.setFailed(show(`${outcome.headline}${why}`));
  } else {
    const because = outcome.because === undefined ? '' : `\n${outcome.because}`;
    actions.error(show(`${outcome.headline} (exit code ${exitCode})${because}`), { title });
  }
  process.exitCode = exitCode;
}

/**
 * `; failed objectives: response_time_p95 = 612 (violated: <=+10% (528.11)); warning objectives: ...`:
 * every objective that cost score, which for a warning from the total score may be failed ones.
 */
function notPassed(evaluation: EvaluationRecord | undefined): string {
  const groups = (['fail', 'warning'] as const).flatMap((status) => {
    const matching = evaluation?.objectives.filter((o) => o.status === status) ?? [];
    if (matching.length === 0) return [];
    const listed = matching.map((o) => {
      // The criteria that did not hold, as a plain list: a subset of an objective's alternatives
      // has no "and"/"or" structure of its own, so each target's `alternative` is left out.
      const violated = [...o.passTargets, ...o.warningTargets]
        .filter((t) => t.violated)
        .map(({ alternative: _structure, ...t }) => ({ ...t, violated: false }));
      const value = o.value === null ? 'no data' : String(o.value);
      return `${objectiveName(o)} = ${value}${violated.length === 0 ? '' : ` (violated: ${formatTargets(violated)})`}`;
    });
    return [`${status === 'fail' ? 'failed' : 'warning'} objectives: ${listed.join('; ')}`];
  });
  return groups.map((group) => `; ${group}`).join('');
}

/** An error that ended the command: annotations with its message and hint, and its exit code. */
export function reportError(error: unknown, host: Host): { exitCode: number; message: string } {
  const show = (text: string) => host.redactor.redact(inActionTerms(text));
  let exitCode: number = ExitCode.internal;
  let message: string;
  let hint: string | undefined;
  if (error instanceof CiConnectError) {
    exitCode = error.exitCode;
    message = error.message;
    hint = error.hint;
  } else {
    message = `internal error: ${(error as Error).message}`;
    hint = 'this is a bug in ci-connect; please report it with this log and the inputs you gave';
  }
  const diagnostics =
    error instanceof ConfigError ? error.diagnostics.filter((d) => d.severity === 'error') : [];
  const title = `ci-connect: ${describeExitCode(exitCode)}`;
  for (const d of diagnostics.slice(0, MAX_DIAGNOSTIC_ANNOTATIONS)) {
    const location = fileLocation(d.file, host.cwd, host.env, d.line, d.column);
    // GitHub places an annotation on a file of the repository only: any other file is named in the text.
    const where =
      location.file !== undefined || d.file === ''
        ? ''
        : `${d.line === undefined ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`} `;
    const text = `${where}${d.path === '' ? '' : `${d.path}: `}${d.message}${d.hint === undefined ? '' : `\nhint: ${d.hint}`}`;
    actions.error(show(text), { title, ...location });
  }
  const whole = `${message}${hint === undefined ? '' : `\nhint: ${hint}`}`;
  // The diagnostics carry the files and lines; the whole message says how many there were.
  if (diagnostics.length === 0 || diagnostics.length > MAX_DIAGNOSTIC_ANNOTATIONS)
    actions.error(show(whole), { title });
  else actions.info(show(whole));
  process.exitCode = exitCode;
  return { exitCode, message: show(whole) };
}

function describeExitCode(exitCode: number): string {
  if (exitCode === ExitCode.config) return 'usage or configuration error';
  if (exitCode === ExitCode.unavailable) return 'a system is unavailable (retrying may help)';
  return 'internal error';
}
