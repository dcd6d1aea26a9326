/**
 * `ci-connect doctor` without the CLI: every check at once (they are independent, and a 2 a.m.
 * run should not wait for JMeter to start before it asks Prometheus), reported in a fixed order.
 *
 * Exit code: 0 when no check failed (warnings and skipped checks allowed); 2 when a check failed
 * because a file, setting or token is wrong (retrying will not help), even if another endpoint
 * was also unreachable; 3 when the only failures are systems that did not answer (retrying may help).
 */

import { ExitCode } from '../errors.js';
import { checkBinaries } from './binary-check.js';
import { checkConfigDir } from './config-check.js';
import { checkHistory } from './history-check.js';
import { surveyProject } from './project-survey.js';
import { secretEnvNamesOf } from '../config/project-config.js';
import { PROVIDER_SETTINGS, SLI_PROVIDERS } from '../providers/registry.js';
import { registerNamedSecrets } from '../redaction/credential-sources.js';
import type { CheckResult, DoctorCheck, DoctorDependencies, DoctorReport } from './types.js';

export interface DoctorRequest {
  configDir: string;
  /** True when the user named the config directory (flag or env): then its absence is a failure. */
  configDirNamed: boolean;
  /** `--history`; relative `file:` paths are relative to `cwd`. */
  history?: string;
}

export interface DoctorOutcome {
  report: DoctorReport;
  exitCode: ExitCode;
}

/** Runs every check; a check's problem is its result, never an exception. */
export async function runDoctor(request: DoctorRequest, deps: DoctorDependencies): Promise<DoctorOutcome> {
  const survey = await surveyProject(request.configDir, PROVIDER_SETTINGS);
  // The env vars ci-connect.yaml names are credentials entering here too, used or not.
  if (survey.config !== undefined)
    registerNamedSecrets(deps.redactor, deps.env, secretEnvNamesOf(survey.config, PROVIDER_SETTINGS));
  const providerChecks = [...SLI_PROVIDERS.values()].flatMap((d) =>
    d.doctorCheck === null ? [] : [d.doctorCheck],
  );
  const [config, binaries, providers, history] = await Promise.all([
    checkConfigDir(request.configDir, request.configDirNamed),
    checkBinaries(deps, survey.needs ?? {}),
    // Each provider's own check, in the registry's order.
    Promise.all(providerChecks.map((check) => check(survey, deps))),
    checkHistory(
      {
        configDir: request.configDir,
        ...(request.history === undefined ? {} : { flag: request.history }),
        ...(survey.config?.history === undefined ? {} : { configured: survey.config.history }),
      },
      deps,
    ),
  ]);
  const results = [config, ...binaries, ...providers, history];
  return {
    report: {
      schemaVersion: 1,
      kind: 'doctor',
      ok: results.every((r) => r.status !== 'fail'),
      checks: results.map(publicCheck),
    },
    exitCode: doctorExitCode(results),
  };
}

/** The exit code rule above. */
export function doctorExitCode(results: readonly CheckResult[]): ExitCode {
  const failures = results.filter((r) => r.status === 'fail');
  if (failures.length === 0) return ExitCode.pass;
  return failures.some((r) => r.failure !== 'unavailable') ? ExitCode.config : ExitCode.unavailable;
}

function publicCheck({ failure: _failure, ...check }: CheckResult): DoctorCheck {
  return check;
}
