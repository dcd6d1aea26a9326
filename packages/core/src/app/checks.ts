/**
 * `validate`, `doctor` and `send-event`, the use cases: each returns its result and the job's
 * exit code, so that every front end decides nothing itself.
 */

import { makeDiagnostic } from '../config/file-diagnostics.js';
import { validateConfigDir, type ConfigDirReport } from '../config/validate-config-dir.js';
import { runDoctor, type DoctorOutcome, type DoctorRequest } from '../doctor/run-doctor.js';
import { ExitCode } from '../errors.js';
import { runSendEvent, type EventRecord, type SendEventRequest } from '../events/run-send-event.js';
import { findHistoryUrlProblem } from '../history/open-store.js';
import { createHttpClient } from '../http/http-client.js';
import { providerValidationOptions } from '../providers/registry.js';
import type { Host } from './host.js';

// Short enough that a doctor run with a dead endpoint still answers within a minute.
const DOCTOR_TIMEOUT_MS = 10_000;
const DOCTOR_RETRIES = 1;

/** What `validate` checks besides the config directory's files. */
export interface ValidateOptions {
  /** `--history` (or CI_CONNECT_HISTORY): checked against the history stores there are. */
  history?: string;
  /** The environment a history URL is read with (PGUSER, PGSSLMODE, ...). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Every problem of a config directory at once: exit 0 without errors (warnings allowed), else 2. */
export async function validate(
  configDir: string,
  options: ValidateOptions = {},
): Promise<{ report: ConfigDirReport; exitCode: number }> {
  const checkHistoryUrl = (url: string) => findHistoryUrlProblem(url, options.env ?? {});
  const report = await validateConfigDir(configDir, { ...providerValidationOptions(), checkHistoryUrl });
  const flagged = options.history === undefined ? undefined : checkHistoryUrl(options.history);
  if (flagged !== undefined)
    report.diagnostics.unshift(makeDiagnostic('error', '--history', [], flagged.message, flagged.hint));
  const failed = report.diagnostics.some((d) => d.severity === 'error');
  return { report, exitCode: failed ? ExitCode.config : ExitCode.pass };
}

/** What can be checked before a pipeline runs: files, binaries, endpoints, tokens, history. */
export async function doctor(
  request: DoctorRequest & { caFile?: string },
  host: Host,
): Promise<DoctorOutcome> {
  const { caFile, ...checks } = request;
  const http = createHttpClient({
    timeoutMs: DOCTOR_TIMEOUT_MS,
    retries: DOCTOR_RETRIES,
    logger: host.logger,
    redactor: host.redactor,
    userAgent: 'ci-connect',
    ...(caFile === undefined ? {} : { caFile }),
  });
  return runDoctor(checks, { ...host, http });
}

/** One Dynatrace event for a pipeline step: exit 0 when Dynatrace created it (errors throw). */
export async function sendEvent(
  request: SendEventRequest,
  host: Host,
): Promise<{ record: EventRecord; exitCode: number }> {
  return { record: await runSendEvent(request, host), exitCode: ExitCode.pass };
}
