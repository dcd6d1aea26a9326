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
import { settingsOf } from './provider-settings.js';
import type { ProviderSettingsDefinition, ProviderSettingsMap } from './provider-settings.js';
import { readYamlFile } from './load-yaml-file.js';
import type { LoadOptions } from './load-yaml-file.js';
import { checkSchema } from './schema-check.js';
import { isBelow, reportSecrets } from './secrets.js';
import type { YamlSource } from './yaml-nodes.js';
import type { ShipyardTask } from '../shipyard/types.js';

export type OnWarning = 'pass' | 'warn' | 'fail';

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

/** What configuration knows of a built-in task runner; stage-run/runners/create-runners.ts builds it. */
export interface TaskRunnerDefinition {
  /** The shipyard tasks it runs unless `tasks:` names another runner (Keptn's meanings). */
  defaultFor: readonly string[];
  /** The program it runs for a task, when it runs one (`doctor` checks the program is there). */
  binaryFor?(task: ShipyardTask): 'helm' | 'jmeter' | undefined;
  /** Its user documentation: a page of docs/, optionally with `#anchor` (registries.test.ts checks it). */
  docs: string;
}

/**
 * The built-in task runners `tasks:` may name (STYLE.md: an explicit registry). Their names, the
 * `tasks:` schema's enum (checked by registries.test.ts), the defaults below and the runners
 * create-runners.ts builds (one per name, checked by the compiler) all come from here.
 */
export const TASK_RUNNERS = {
  helm: {
    defaultFor: ['deployment', 'release', 'rollback'],
    docs: 'helm.md',
    // Release and rollback act on what a deployment task of the stage made.
    binaryFor: (task) =>
      task.deploymentStrategy !== 'user_managed' && task.name !== 'release' && task.name !== 'rollback'
        ? 'helm'
        : undefined,
  },
  jmeter: {
    defaultFor: ['test'],
    docs: 'jmeter.md#jmeter-test-task',
    binaryFor: (task) =>
      task.testStrategy !== undefined && !['', 'real-user'].includes(task.testStrategy)
        ? 'jmeter'
        : undefined,
  },
  evaluate: { defaultFor: ['evaluation'], docs: 'gate-semantics.md' },
  approve: { defaultFor: ['approval'], docs: 'cli-reference.md#ci-connect-trigger-deployment' },
  // Only records the task (e.g. a release done elsewhere).
  record: { defaultFor: [], docs: 'config-reference.md#tasks' },
} as const satisfies Readonly<Record<string, TaskRunnerDefinition>>;

export type BuiltInTaskRunner = keyof typeof TASK_RUNNERS;

/** The built-in task runners `tasks:` may name. */
export const BUILT_IN_TASK_RUNNERS = Object.keys(TASK_RUNNERS) as readonly BuiltInTaskRunner[];

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
export const DEFAULT_TASK_RUNNERS: Readonly<Record<string, TaskSetting>> = Object.fromEntries(
  BUILT_IN_TASK_RUNNERS.flatMap((runner) => TASK_RUNNERS[runner].defaultFor.map((task) => [task, runner])),
);

/** The task names that have a runner: Keptn's names with a default one, and ci-connect.yaml's `tasks:`. */
export function runnableTaskNames(config: Pick<ProjectConfig, 'tasks'>): string[] {
  return [...new Set([...Object.keys(DEFAULT_TASK_RUNNERS), ...Object.keys(config.tasks)])];
}

/**
 * How to give a shipyard task without a runner one: the nearest runnable name when it looks like
 * a typo, else a `tasks:` entry (a command) or a built-in runner. Used by validate and stage runs.
 */
export function noRunnerHint(task: string, runnable: readonly string[], close: string | undefined): string {
  const fix =
    `tell ci-connect.yaml how to run it, e.g. tasks: {${task}: {command: ["./scripts/${task}.sh", "$SERVICE"]}}, ` +
    `or map it to a built-in runner (${BUILT_IN_TASK_RUNNERS.join(', ')})`;
  return close === undefined
    ? `${fix}; the tasks with a runner are: ${runnable.join(', ')}`
    : `did you mean "${close}"? else ${fix}`;
}

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
  /** `providers:`: each SLI provider's settings, read by its registry entry's definition. */
  providers: ProviderSettingsMap;
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

/** How to load ci-connect.yaml: the SLI providers' settings (providers/registry.ts `PROVIDER_SETTINGS`). */
export interface ProjectConfigLoadOptions extends LoadOptions {
  /** With it, a missing file is the default configuration. */
  optional?: boolean;
  /** What each key of `providers:` holds and how to read it. */
  providerSettings: readonly ProviderSettingsDefinition[];
  /** Checks `history` against the history stores there are (`validate` gives it). */
  checkHistoryUrl?: HistoryUrlChecker;
}

/** Loads ci-connect.yaml; with `optional`, a missing file is the default configuration. */
export async function loadProjectConfig(
  path: string,
  options: ProjectConfigLoadOptions,
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
  const config = normalise(source, root, out, options.providerSettings);
  checkHistory(source, out, options.checkHistoryUrl);
  return {
    ...(out.hasErrors ? {} : { config: { ...config, file: path } }),
    diagnostics: sortDiagnostics(out.list),
  };
}

function normalise(
  source: YamlSource,
  root: string,
  out: FileDiagnostics,
  providerSettings: readonly ProviderSettingsDefinition[],
): ProjectConfig {
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
  config.providers = readProviders(record(data.providers), providerSettings, out);
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

/** The providers' keys the file has, each read by its definition (the schema check warned of others). */
function readProviders(
  data: Raw,
  definitions: readonly ProviderSettingsDefinition[],
  out: FileDiagnostics,
): ProviderSettingsMap {
  const providers: Record<string, object> = {};
  for (const definition of definitions) {
    if (!(definition.key in data)) continue;
    providers[definition.key] = definition.read(record(data[definition.key]), (path, message, hint) =>
      out.error(['providers', definition.key, ...path], message, hint),
    );
  }
  return providers;
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
  providerSettings: readonly ProviderSettingsDefinition[],
  secrets?: { redactor: Redactor; env: Readonly<Record<string, string | undefined>> },
): Promise<ProjectConfig> {
  const loaded = await loadProjectConfig(join(configDir, 'ci-connect.yaml'), {
    optional: true,
    providerSettings,
  });
  // The env vars the file names are credentials entering the process: registered before any output.
  if (loaded.config !== undefined && secrets !== undefined)
    registerNamedSecrets(secrets.redactor, secrets.env, secretEnvNamesOf(loaded.config, providerSettings));
  for (const d of loaded.diagnostics) if (d.severity === 'warning') logger.warn(formatDiagnostic(d));
  return requireConfig(loaded.config, loaded.diagnostics);
}

/** The env vars ci-connect.yaml names for credentials and endpoints (defaults where it names none). */
export function secretEnvNamesOf(
  config: ProjectConfig,
  providerSettings: readonly ProviderSettingsDefinition[],
): SecretEnvNames {
  const names = providerSettings.map((definition) =>
    definition.secretEnvNames(settingsOf(config.providers, definition)),
  );
  const cloudevents = config.events.cloudevents?.tokenEnv;
  return {
    secrets: [...names.flatMap((n) => n.secrets), ...(cloudevents === undefined ? [] : [cloudevents])],
    urls: names.flatMap((n) => n.urls),
    basicPairs: names.flatMap((n) => n.basicPairs),
  };
}
