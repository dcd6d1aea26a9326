/**
 * The one policy from an outcome to the job's exit code (DESIGN.md section 4, contract): 0 pass,
 * 1 fail, 4 a warning with `onWarning: warn`, 5 a manual approval is needed, and 130/143 when
 * the CI runner stopped the job. Every front end uses it, so that a warning means the same in
 * every command and every CI.
 */

import type { OnWarning } from '../config/project-config.js';
import { ExitCode } from '../errors.js';
import type { GateResult } from '../gate/types.js';
import type { SequenceRunRecord } from '../stage-run/types.js';

/** What a command's verdict was drawn from. */
export type Verdict =
  | { kind: 'evaluation'; result: GateResult }
  | { kind: 'stage-run'; runs: readonly SequenceRunRecord[]; stoppedBy?: string | undefined };

/** 128 + the signal's number: what a shell reports for a job a signal stopped. */
export const SIGNAL_EXIT_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/** The exit code of a job the signal named `signal` stopped; SIGTERM's when it is another or none. */
export function signalExitCode(signal: string | undefined): number {
  return SIGNAL_EXIT_CODES[signal ?? 'SIGTERM'] ?? SIGNAL_EXIT_CODES['SIGTERM']!;
}

/** The exit code of a verdict, a warning counting as `onWarning` says. */
export function exitCodeFor(verdict: Verdict, onWarning: OnWarning): number {
  if (verdict.kind === 'evaluation') return resultExitCode(verdict.result, onWarning);
  // The first run decides: a rollback after it does not turn a failure into a pass.
  const first = verdict.runs[0];
  if (verdict.stoppedBy !== undefined || first?.status === 'aborted')
    return signalExitCode(verdict.stoppedBy);
  if (first === undefined) return ExitCode.pass;
  if (first.status === 'waiting') return ExitCode.approvalRequired;
  if (first.status === 'errored') return ExitCode.fail;
  return resultExitCode(first.result, onWarning);
}

function resultExitCode(result: GateResult, onWarning: OnWarning): number {
  switch (result) {
    case 'pass':
      return ExitCode.pass;
    case 'fail':
      return ExitCode.fail;
    case 'warning':
      return onWarning === 'pass' ? ExitCode.pass : onWarning === 'warn' ? ExitCode.warning : ExitCode.fail;
  }
}
