/**
 * The few error classes ci-connect throws. Each carries a stable code, the process exit code the
 * CLI uses for it (DESIGN.md section 4) and an optional hint that says how to fix it.
 * Nothing below the CLI calls process.exit: it throws one of these.
 */

import type { Diagnostic } from './config/diagnostics.js';

/** Exit codes of the CLI (contract, DESIGN.md section 4). */
export const ExitCode = {
  pass: 0,
  fail: 1,
  config: 2,
  unavailable: 3,
  warning: 4,
  approvalRequired: 5,
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Every problem found, when several were collected before giving up (a stage run's checks). */
  problems?: readonly ErrorProblem[];
}

/** One of several problems an error reports: where, what, how to fix it, and its own exit code. */
export interface ErrorProblem {
  where: string;
  message: string;
  hint?: string;
  exitCode: number;
}

/** Base class: an error whose message is meant for the user, not a stack trace. */
export abstract class CiConnectError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly problems: readonly ErrorProblem[];

  constructor(message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.problems = options.problems ?? [];
  }
}

/** Bad flags or arguments: retrying will not help (exit 2). */
export class UsageError extends CiConnectError {
  readonly code = 'USAGE';
  readonly exitCode = ExitCode.config;
}

/** A configuration file is missing, unreadable or invalid (exit 2). */
export class ConfigError extends CiConnectError {
  readonly code = 'CONFIG';
  readonly exitCode = ExitCode.config;
  /** Every problem found, when several were collected before giving up. */
  readonly diagnostics: readonly Diagnostic[];

  constructor(message: string, options: ErrorOptions & { diagnostics?: readonly Diagnostic[] } = {}) {
    super(message, options);
    this.diagnostics = options.diagnostics ?? [];
  }
}

/** An input file (results file, values file) cannot be used as given (exit 2). */
export class InputError extends CiConnectError {
  readonly code = 'INPUT';
  readonly exitCode = ExitCode.config;
}

/** A system ci-connect depends on cannot be reached; retrying may help (exit 3). */
export class ExternalSystemError extends CiConnectError {
  readonly code = 'UNAVAILABLE';
  readonly exitCode = ExitCode.unavailable;
}

/** A bug in ci-connect (exit 70). */
export class InternalError extends CiConnectError {
  readonly code = 'INTERNAL';
  readonly exitCode = ExitCode.internal;
}

/**
 * The `code` of an error or of its cause chain: a Node.js system error's (ENOENT), an axios or
 * OpenSSL one's; undefined when none has one.
 */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return errorCode((error as { cause?: unknown }).cause);
}
