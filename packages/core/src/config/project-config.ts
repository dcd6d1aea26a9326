/**
 * ci-connect.yaml, the project settings (DESIGN.md section 3). Every key is optional, so an
 * empty or absent file is valid. Relative `file:` history paths are relative to the project
 * root: the directory that contains the config directory.
 */

import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../environment.js';
import { registerNamedSecrets, type SecretEnvNames } from '../redaction/credential-sources.js';
import type { Redactor } from '../redaction/redaction.js';
import { requireConfig } from './config-errors.js';
import { formatDiagnostic } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import { sortDiagnostics } from './file-diagnostics.js';
import type { FileDiagnostics } from './file-diagnostics.js';
import { isRecord } from './guards.js';
import { readYamlFile } from './load-yaml-file.js';
import type { LoadOptions } from './load-yaml-file.js';
import { checkSchema } from './schema-check.js';
import { isBelow, reportSecrets } from './secrets.js';
import type { YamlSource } from './yaml-nodes.js';

export type OnWarning = 'pass' | 'warn' | 'fail';

export interface PrometheusSettings {
  url?: string;
  urlEnv?: string;
  tokenEnv?: string;
  userEnv?: string;
  passwordEnv?: string;
  timeoutSeconds?: number;
  /** SLI queries at once. */
  concurrency?: number;
}

export interface DynatraceSettings {
  url?: string;
  urlEnv?: string;
  tokenEnv?: string;
  timeoutSeconds?: number;
  concurrency?: number;
  /** Seconds to wait after the window's end before querying (Dynatrace data lags). */
  settleSeconds?: number;
}

/** `events.dynatrace`: whether commands report to Dynatrace, and where the events attach. */
export interface DynatraceEventSettings {
  enabled: boolean;
  entitySelector?: string;
}

/** `events.cloudevents`: where stage runs write Keptn-style CloudEvents. */
export interface CloudEventSettings {
  /** `file:<path>` (absolute once loaded) or an http(s):// URL. */
  sink: string;
  /** The env var holding a bearer token for an HTTP sink. */
  tokenEnv?: string;
  timeoutSeconds?: number;
}

/** `events`: where ci-connect reports what it did. */
export interface EventSettings {
  dynatrace?: DynatraceEventSettings;
  cloudevents?: CloudEventSettings;
}

/** `helm:`: names and timeout of the Helm releases; templates keep $PROJECT, $STAGE, $SERVICE. */
export interface HelmSettings {
  namespace?: string;
  releaseName?: string;
  timeoutSeconds?: number;
}

/** The built-in task runners `tasks:` may name. */
export const BUILT_IN_TASK_RUNNERS = ['helm', 'jmeter', 'evaluate', 'approve', 'record'] as const;
export type BuiltInTaskRunner = (typeof BUILT_IN_TASK_RUNNERS)[number];

/** A `tasks:` entry that runs a command. */
export interface CommandTaskSetting {
  command: readonly string[];
  timeoutSeconds?: number;
  /** Absolute (resolved against the project root when loaded). */
  cwd?: string;
  env?: Readonly<Record<string, string>>;
}

export type TaskSetting = BuiltInTaskRunner | CommandTaskSetting;

/** Default runner of each task name Keptn gave a meaning; other names need `tasks:`. */
export const DEFAULT_TASK_RUNNERS: Readonly<Record<string, TaskSetting>> = {
  deployment: 'helm',
  release: 'helm',
  rollback: 'helm',
  test: 'jmeter',
  evaluation: 'evaluate',
  approval: 'approve',
};

/** A validated ci-connect.yaml; keys the file leaves out are absent. */
export interface ProjectConfig {
  /** The file it came from; absent when there was none. */
  file?: string;
  /** The directory that contains the config directory (absolute). */
  root: string;
  project?: string;
  /** The history store URL; `file:` URLs carry an absolute path. */
  history?: string;
  defaults: { stage?: string; onWarning?: OnWarning };
  providers: {
    prometheus?: PrometheusSettings;
    dynatrace?: DynatraceSettings;
    jmeter?: Record<string, never>;
  };
  events: EventSettings;
  /** Task runners: checked by a later issue. */
  helm: HelmSettings;
  /** `tasks:`: the runner of each shipyard task named there. */
  tasks: Readonly<Record<string, TaskSetting>>;
}

export interface ProjectConfigLoadResult {
  /** Present when the file has no errors (warnings allowed). */
  config?: ProjectConfig;
  diagnostics: Diagnostic[];
}

type Raw = Record<string, unknown>;

/**
 * Says what is wrong with a history URL for the stores ci-connect has (their registry is not
 * config's to import: `validate` passes the check in); undefined when it can be opened.
 */
export type HistoryUrlChecker = (url: string) => { message: string; hint?: string } | undefined;

/** Loads ci-connect.yaml; with `optional`, a missing file is the default configuration. */
export async function loadProjectConfig(
  path: string,
  options: LoadOptions & { optional?: boolean; checkHistoryUrl?: HistoryUrlChecker } = {},
): Promise<ProjectConfigLoadResult> {
  const root = dirname(dirname(resolve(path)));
  if (options.optional === true && !(await exists(path)))
    return { config: emptyConfig(root), diagnostics: [] };
  const notFoundHint =
    'create it in the config directory (--config-dir, CI_CONNECT_CONFIG_DIR); every key is optional';
  const {
    source,
    empty,
    diagnostics: out,
  } = await readYamlFile(path, { notFoundHint, ...options, allowEmpty: true });
  if (source === undefined) {
    return {
      ...(empty && !out.hasErrors ? { config: { ...emptyConfig(root), file: path } } : {}),
      diagnostics: out.list,
    };
  }
  const secrets = reportSecrets(source, out);
  await checkSchema('ci-connect', source, out, { suppress: (p) => isBelow(p, secrets) });
  const config = normalise(source, root, out);
  checkHistory(source, out, options.checkHistoryUrl);
  return {
    ...(out.hasErrors ? {} : { config: { ...config, file: path } }),
    diagnostics: sortDiagnostics(out.list),
  };
}

function normalise(source: YamlSource, root: string, out: FileDiagnostics): ProjectConfig {
  const data = source.data as Raw;
  const config = emptyConfig(root);
  if (typeof data.project === 'string') config.project = data.project;
  if (typeof data.history === 'string') {
    try {
      config.history = resolveHistory(data.history, root);
    } catch {
      out.error(
        ['history'],
        'not a valid file: URL',
        'write file:<path>, e.g. file:.ci-connect/history.jsonl',
      );
    }
  }
  const defaults = record(data.defaults);
  if (typeof defaults.stage === 'string') config.defaults.stage = defaults.stage;
  if (defaults.onWarning === 'pass' || defaults.onWarning === 'warn' || defaults.onWarning === 'fail') {
    config.defaults.onWarning = defaults.onWarning;
  }
  const providers = record(data.providers);
  if ('prometheus' in providers)
    config.providers.prometheus = readProvider(providers.prometheus, 'prometheus', out);
  if ('dynatrace' in providers)
    config.providers.dynatrace = readProvider(providers.dynatrace, 'dynatrace', out);
  if ('jmeter' in providers) config.providers.jmeter = {};
  config.events = readEvents(record(data.events), root, out);
  config.tasks = readTasks(record(data.tasks), root);
  const helm = record(data.helm);
  config.helm = {
    ...(typeof helm.namespace === 'string' ? { namespace: helm.namespace } : {}),
    ...(typeof helm.releaseName === 'string' ? { releaseName: helm.releaseName } : {}),
    ...(typeof helm.timeoutSeconds === 'number' ? { timeoutSeconds: helm.timeoutSeconds } : {}),
  };
  return config;
}

const STRING_KEYS = ['url', 'urlEnv', 'tokenEnv', 'userEnv', 'passwordEnv'] as const;

function readProvider(
  raw: unknown,
  name: string,
  out: FileDiagnostics,
): PrometheusSettings & DynatraceSettings {
  const settings: PrometheusSettings & DynatraceSettings = {};
  const data = record(raw);
  for (const key of STRING_KEYS) {
    const value = data[key];
    if (typeof value !== 'string') continue;
    // A value that is not http(s):// at all was reported by the schema check.
    if (key === 'url' && /^https?:\/\//.test(value) && !isHttpUrl(value))
      out.error(
        ['providers', name, key],
        'not a valid http(s) URL',
        'write e.g. url: https://prometheus.example.com',
      );
    settings[key] = value;
  }
  for (const key of ['timeoutSeconds', 'concurrency', 'settleSeconds'] as const) {
    const value = data[key];
    if (typeof value === 'number') settings[key] = value;
  }
  return settings;
}

function readEvents(data: Raw, root: string, out: FileDiagnostics): EventSettings {
  const events: EventSettings = {};
  if (isRecord(data.dynatrace) || data.dynatrace === null) {
    const dynatrace = record(data.dynatrace);
    events.dynatrace = {
      enabled: dynatrace.enabled === true,
      ...(typeof dynatrace.entitySelector === 'string' ? { entitySelector: dynatrace.entitySelector } : {}),
    };
  }
  const cloudevents = record(data.cloudevents);
  // Without a sink the schema check reported an error.
  if (typeof cloudevents.sink === 'string') {
    events.cloudevents = {
      sink: resolveSink(cloudevents.sink, root, out),
      ...(typeof cloudevents.tokenEnv === 'string' ? { tokenEnv: cloudevents.tokenEnv } : {}),
      ...(typeof cloudevents.timeoutSeconds === 'number'
        ? { timeoutSeconds: cloudevents.timeoutSeconds }
        : {}),
    };
  }
  return events;
}

/** A relative file: sink is relative to the project root, as the history is. */
function resolveSink(sink: string, root: string, out: FileDiagnostics): string {
  try {
    return resolveHistory(sink, root);
  } catch {
    out.error(
      ['events', 'cloudevents', 'sink'],
      'not a valid file: URL',
      'write file:<path>, e.g. file:.ci-connect/events.jsonl',
    );
    return sink;
  }
}

/** The history URL against the stores there are, unless the schema check refused it already. */
function checkHistory(source: YamlSource, out: FileDiagnostics, check: HistoryUrlChecker | undefined): void {
  const url = (source.data as Raw).history;
  if (check === undefined || typeof url !== 'string' || out.list.some((d) => d.path === 'history')) return;
  const problem = check(url);
  if (problem !== undefined) out.error(['history'], problem.message, problem.hint);
}

/** The schema has checked the shapes; this types them and resolves `cwd`. */
function readTasks(data: Raw, root: string): Record<string, TaskSetting> {
  const tasks: Record<string, TaskSetting> = {};
  for (const [name, value] of Object.entries(data)) {
    if (typeof value === 'string' && (BUILT_IN_TASK_RUNNERS as readonly string[]).includes(value)) {
      tasks[name] = value as BuiltInTaskRunner;
    } else if (isRecord(value) && Array.isArray(value.command)) {
      tasks[name] = {
        command: value.command.filter((arg): arg is string => typeof arg === 'string'),
        ...(typeof value.timeoutSeconds === 'number' ? { timeoutSeconds: value.timeoutSeconds } : {}),
        ...(typeof value.cwd === 'string' ? { cwd: resolve(root, value.cwd) } : {}),
        ...(isRecord(value.env) ? { env: stringEntries(value.env) } : {}),
      };
    }
  }
  return tasks;
}

function stringEntries(data: Raw): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** `file:` paths become absolute against the project root; other URLs are kept as written. */
export function resolveHistory(url: string, root: string): string {
  if (!url.startsWith('file:')) return url;
  const path = url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length);
  return `file:${isAbsolute(path) ? path : resolve(root, path)}`;
}

function emptyConfig(root: string): ProjectConfig {
  return { root, defaults: {}, providers: {}, events: {}, helm: {}, tasks: {} };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function record(value: unknown): Raw {
  return isRecord(value) ? value : {};
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The ci-connect.yaml of a config directory (missing: the defaults), its warnings logged, its
 * errors thrown as one ConfigError: what every command that reads project settings needs.
 */
export async function loadProjectSettings(
  configDir: string,
  logger: Logger,
  secrets?: { redactor: Redactor; env: Readonly<Record<string, string | undefined>> },
): Promise<ProjectConfig> {
  const loaded = await loadProjectConfig(join(configDir, 'ci-connect.yaml'), { optional: true });
  // The env vars the file names are credentials entering the process: registered before any output.
  if (loaded.config !== undefined && secrets !== undefined)
    registerNamedSecrets(secrets.redactor, secrets.env, secretEnvNamesOf(loaded.config));
  for (const d of loaded.diagnostics) if (d.severity === 'warning') logger.warn(formatDiagnostic(d));
  return requireConfig(loaded.config, loaded.diagnostics);
}

/** The env vars ci-connect.yaml names for credentials and endpoints (defaults where it names none). */
export function secretEnvNamesOf(config: ProjectConfig): SecretEnvNames {
  const { prometheus, dynatrace } = config.providers;
  const secrets = [prometheus?.tokenEnv, prometheus?.passwordEnv, dynatrace?.tokenEnv]
    .concat(config.events.cloudevents?.tokenEnv)
    .filter((name): name is string => name !== undefined);
  return {
    secrets,
    urls: [prometheus?.urlEnv ?? 'PROMETHEUS_URL', dynatrace?.urlEnv ?? 'DT_URL'],
    basicPairs: [
      [prometheus?.userEnv ?? 'PROMETHEUS_USER', prometheus?.passwordEnv ?? 'PROMETHEUS_PASSWORD'],
    ],
  };
}
