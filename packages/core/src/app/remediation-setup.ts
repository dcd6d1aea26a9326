/**
 * What `remediate` works from, loaded before anything runs: the project's settings, the problem
 * (Dynatrace, a notification payload, or a type), the project/stage/service it is for, the
 * service's remediation.yaml, and how long to wait after an action.
 */

import { join, resolve } from 'node:path';
import { requireConfig } from '../config/config-errors.js';
import { formatDiagnostic } from '../config/diagnostics.js';
import { loadProjectSettings, type ProjectConfig } from '../config/project-config.js';
import { FALLBACK_NAME, findOnlyService, resolveHistoryUrl } from '../config/project-context.js';
import { parseDuration } from '../duration.js';
import { ConfigError, UsageError } from '../errors.js';
import { readRegularFile } from '../files/regular-file.js';
import { createHttpClient } from '../http/http-client.js';
import { resolveEndpoint } from '../providers/dynatrace/dynatrace-api.js';
import { dynatraceEnvNames, dynatraceSettingsOf } from '../providers/dynatrace/dynatrace-settings.js';
import { PROVIDER_SETTINGS } from '../providers/registry.js';
import { createDynatraceProblems, type DynatraceProblems } from '../remediation/dynatrace-problems.js';
import { problemFromEventFile, problemFromType, problemKey } from '../remediation/problem-input.js';
import { loadRemediationFile } from '../remediation/remediation-file.js';
import type { Problem, RemediationFile } from '../remediation/types.js';
import { loadShipyardFile } from '../shipyard/shipyard-file.js';
import { serviceFile } from '../stage-run/runners/service-file.js';
import type { Host } from './host.js';

/** Where the problem comes from: exactly one of `--problem-id`, `--event-file`, `--problem-type`. */
export type ProblemSource = { problemId: string } | { eventFile: string } | { problemType: string };

/** What `remediate` was asked (the CLI contract of issue 13). */
export interface RemediateRequest {
  configDir: string;
  project?: string | undefined;
  stage?: string | undefined;
  service?: string | undefined;
  problem: ProblemSource;
  /** `--wait` (e.g. 90s, 2m); default the shipyard's remediation evaluation `triggeredAfter`, else 1m. */
  wait?: string | undefined;
  /** Close the Dynatrace problem once the gate passes. */
  close: boolean;
  history?: string | undefined;
  labels: Readonly<Record<string, string>>;
  dryRun: boolean;
  /** `--ca-file` (CI_CONNECT_CA_FILE): a CA for Dynatrace, the monitoring APIs and an https sink. */
  caFile?: string | undefined;
}

export interface RemediationSetup {
  config: ProjectConfig;
  /** Absolute. */
  configDir: string;
  problem: Problem;
  key: string | undefined;
  project: string;
  stage: string;
  service: string;
  file: RemediationFile;
  historyUrl: string;
  waitMs: number;
  /** The Problems API, when the problem is Dynatrace's and Dynatrace is configured. */
  dynatrace?: DynatraceProblems;
}

const DEFAULT_WAIT_MS = 60_000;
/** A notification payload is small; anything larger is not one. */
const EVENT_FILE_MAX_BYTES = 1024 * 1024;
const HTTP_TIMEOUT_MS = 30_000;

/** Loads everything; every configuration problem is an exit 2 here, before anything runs. */
export async function loadRemediationSetup(request: RemediateRequest, host: Host): Promise<RemediationSetup> {
  const waitMs = request.wait === undefined ? undefined : parseDuration(request.wait, '--wait');
  const configDir = resolve(host.cwd, request.configDir);
  const secrets = { redactor: host.redactor, env: host.env };
  const config = await loadProjectSettings(configDir, host.logger, PROVIDER_SETTINGS, secrets);
  const { problem, dynatrace } = await readProblem(request, config, host);
  if (request.close && dynatrace === undefined) host.logger.warn(nothingToClose(request, problem));
  const target = await resolveRemediationTarget(request, problem, config, configDir, host);
  const path = serviceFile({ configDir, ...target }, 'remediation.yaml');
  const loaded = await loadRemediationFile(path);
  for (const d of loaded.diagnostics) if (d.severity === 'warning') host.logger.warn(formatDiagnostic(d));
  return {
    config,
    configDir,
    problem,
    key: problemKey(problem),
    ...target,
    file: requireConfig(loaded.remediation, loaded.diagnostics),
    historyUrl: resolveHistoryUrl(request.history, config, configDir),
    waitMs: waitMs ?? (await shipyardWait(configDir, target.stage)) ?? DEFAULT_WAIT_MS,
    ...(dynatrace === undefined ? {} : { dynatrace }),
  };
}

async function readProblem(
  request: RemediateRequest,
  config: ProjectConfig,
  host: Host,
): Promise<{ problem: Problem; dynatrace?: DynatraceProblems }> {
  const source = request.problem;
  if ('problemType' in source) return { problem: problemFromType(source.problemType) };
  if ('problemId' in source) {
    const dynatrace = problemsApi(config, request, host, true)!;
    return { problem: await dynatrace.get(source.problemId), dynatrace };
  }
  const text = await readRegularFile(source.eventFile, {
    maxBytes: EVENT_FILE_MAX_BYTES,
    label: '--event-file',
    hint: 'name the JSON file the problem notification was saved to',
  });
  const problem = problemFromEventFile(text.toString('utf8'), source.eventFile);
  // A Dynatrace notification names its problem: with Dynatrace configured, the loop re-reads and comments on it.
  const dynatrace = problemKey(problem) === undefined ? undefined : problemsApi(config, request, host, false);
  return { problem, ...(dynatrace === undefined ? {} : { dynatrace }) };
}

/** Why `--close` will close nothing, and how to make it. */
function nothingToClose(request: RemediateRequest, problem: Problem): string {
  const source = request.problem;
  const why =
    'problemType' in source
      ? '--problem-type names a type, not a problem; pass --problem-id or --event-file'
      : 'eventFile' in source && problemKey(problem) === undefined
        ? `${source.eventFile} names no Dynatrace problem (no PID or ProblemID)`
        : 'DT_URL and DT_API_TOKEN (or the variables ci-connect.yaml names) are not both set';
  return `--close has no Dynatrace problem to close: ${why}`;
}

/** The Problems API client; without DT_URL/DT_API_TOKEN a ConfigError when `required`, else undefined. */
function problemsApi(
  config: ProjectConfig,
  request: RemediateRequest,
  host: Host,
  required: boolean,
): DynatraceProblems | undefined {
  const settings = dynatraceSettingsOf(config.providers);
  const names = dynatraceEnvNames(settings);
  const missing = [
    (settings?.url ?? host.env[names.urlEnv] ?? '').trim() === '' ? names.urlEnv : undefined,
    (host.env[names.tokenEnv] ?? '').trim() === '' ? names.tokenEnv : undefined,
  ].filter((name) => name !== undefined);
  if (missing.length > 0 && required && 'problemId' in request.problem)
    throw new ConfigError(
      `--problem-id ${request.problem.problemId} is read from Dynatrace, but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set`,
      {
        hint:
          `set ${names.urlEnv} to the environment URL (e.g. https://abc12345.live.dynatrace.com) and ${names.tokenEnv} ` +
          'to a token with problems.read (problems.write to comment and --close); or pass the notification with --event-file',
      },
    );
  if (missing.length > 0) {
    host.logger.info(
      `${names.urlEnv} and ${names.tokenEnv} are not both set: the Dynatrace problem is neither re-read nor commented on`,
    );
    return undefined;
  }
  const endpoint = resolveEndpoint(settings, host.env);
  host.redactor.add(endpoint.token);
  const http = createHttpClient({
    timeoutMs: HTTP_TIMEOUT_MS,
    retries: 3,
    logger: host.logger,
    redactor: host.redactor,
    userAgent: 'ci-connect',
    ...(request.caFile === undefined ? {} : { caFile: request.caFile }),
  });
  return createDynatraceProblems({ endpoint, http, redactor: host.redactor });
}

/**
 * The flags, else what the payload names (Keptn's project/stage/service), else ci-connect.yaml;
 * a payload that names another one than a flag is a note: the flag wins.
 */
async function resolveRemediationTarget(
  request: RemediateRequest,
  problem: Problem,
  config: ProjectConfig,
  configDir: string,
  host: Host,
): Promise<{ project: string; stage: string; service: string }> {
  const named = problem.target ?? {};
  for (const part of ['project', 'stage', 'service'] as const) {
    const flag = request[part];
    const payload = named[part];
    if (flag !== undefined && payload !== undefined && flag !== payload)
      host.logger.info(`the problem names ${part} "${payload}"; --${part} "${flag}" is used`);
  }
  const stage = request.stage ?? named.stage ?? config.defaults.stage;
  if (stage === undefined)
    throw new UsageError('remediate needs the stage the problem is in', {
      hint: 'pass --stage (env CI_CONNECT_STAGE), or set defaults.stage in ci-connect.yaml',
    });
  return {
    project: request.project ?? named.project ?? config.project ?? FALLBACK_NAME,
    stage,
    service: request.service ?? named.service ?? (await findOnlyService(configDir)),
  };
}

/**
 * Keptn waited before the remediation's evaluation as its shipyard said: `triggeredAfter` of the
 * evaluation task of the stage's `remediation` sequence. Undefined when there is none.
 */
async function shipyardWait(configDir: string, stage: string): Promise<number | undefined> {
  const loaded = await loadShipyardFile(join(configDir, 'shipyard.yaml'));
  const sequence = loaded.shipyard?.stages
    .find((s) => s.name === stage)
    ?.sequences.find((s) => s.name === 'remediation');
  return sequence?.tasks.find((t) => t.name === 'evaluation')?.triggeredAfterMs;
}
