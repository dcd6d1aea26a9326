/**
 * What `ci-connect doctor` reports: one result per check, each saying what works and, when
 * something does not, how to fix it. The `--json` form is {@link DoctorReport}.
 */

import type { Clock, Logger } from '../environment.js';
import type { HttpClient } from '../http/http-client.js';
import type { Redactor } from '../redaction/redaction.js';
import type { ProcessRunner } from '../tools/process.js';

/** ok: works; warning: works in part, or is missing but not needed yet; fail: a gate would break here. */
export type CheckStatus = 'ok' | 'warning' | 'fail' | 'skipped';

/** One check as printed and as `--json` carries it. */
export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  /** One line: what was found. */
  detail: string;
  /** How to fix it; present when the status is not ok. */
  hint?: string;
  /** The first few problems behind the detail, one `file:line:col path: message` each. */
  problems?: string[];
}

/**
 * Why a check failed, for the exit code: `config` (a setting, token or file is wrong; retrying
 * will not help, exit 2) or `unavailable` (a system did not answer; retrying may help, exit 3).
 */
export type FailureKind = 'config' | 'unavailable';

/** A check's result with, when it failed, why. */
export type CheckResult = DoctorCheck & { failure?: FailureKind };

/** What a part's own check found, before the doctor names the check it is part of (a store's: `history`). */
export type CheckFinding = Omit<CheckResult, 'name'>;

/** The `--json` result of `ci-connect doctor`. */
export interface DoctorReport {
  schemaVersion: 1;
  kind: 'doctor';
  /** True when no check failed (warnings allowed). */
  ok: boolean;
  checks: DoctorCheck[];
}

/** What the checks need from outside; every part is replaceable in tests. */
export interface DoctorDependencies {
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  logger: Logger;
  /** Every token a check reads is registered here before anything can print it. */
  redactor: Redactor;
  http: HttpClient;
  /** Runs helm and jmeter; default: runProcess from tools/process.ts. */
  runProcess?: ProcessRunner;
  /** Relative `--history` file: paths are relative to this directory. */
  cwd: string;
}

/** Builds a check result; `hint` and `problems` are left out when absent. */
export function checkResult(
  name: string,
  status: CheckStatus,
  detail: string,
  extra: { hint?: string | undefined; failure?: FailureKind; problems?: string[] } = {},
): CheckResult {
  return {
    name,
    status,
    detail,
    ...(extra.hint === undefined ? {} : { hint: extra.hint }),
    ...(extra.problems === undefined || extra.problems.length === 0 ? {} : { problems: extra.problems }),
    ...(status === 'fail' ? { failure: extra.failure ?? 'config' } : {}),
  };
}
