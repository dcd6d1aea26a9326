/** Turns an error a check ran into into that check's failure, keeping the exit code's meaning. */

import { CiConnectError, ExitCode } from '../errors.js';
import type { Redactor } from '../redaction/redaction.js';
import { checkResult } from './types.js';
import type { CheckResult } from './types.js';

/**
 * A ConfigError-like error (exit 2) fails the check as `config`, an ExternalSystemError (exit 3)
 * as `unavailable`. Anything else is a bug and is thrown on.
 */
export function failedCheck(name: string, error: unknown, redactor: Redactor): CheckResult {
  if (!(error instanceof CiConnectError)) throw error;
  if (error.exitCode !== ExitCode.config && error.exitCode !== ExitCode.unavailable) throw error;
  return checkResult(name, 'fail', redactor.redact(error.message), {
    hint: error.hint === undefined ? undefined : redactor.redact(error.hint),
    failure: error.exitCode === ExitCode.config ? 'config' : 'unavailable',
  });
}
