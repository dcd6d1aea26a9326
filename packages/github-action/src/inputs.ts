/**
 * The action's inputs (action.yml), as the runner hands them over: `INPUT_<NAME>` env vars, read
 * through @actions/core. An empty input falls back to the env var the CLI's flag reads
 * (`CI_CONNECT_SERVICE`, ...: one `env:` for a whole workflow serves the CLI and the action
 * alike), then to the CLI's default; still absent, ci-connect.yaml and core decide.
 */

import * as actions from '@actions/core';
import { DEFAULT_CONFIG_DIR, refuseControlCharacters, UsageError, type OnWarning } from '@ci-connect/core';

export const COMMANDS = ['evaluate', 'trigger-deployment', 'promote', 'send-event'] as const;
export type ActionCommand = (typeof COMMANDS)[number];

const ON_WARNING: readonly OnWarning[] = ['pass', 'warn', 'fail'];
const EVENT_TYPES = ['deployment', 'annotation', 'info', 'configuration'] as const;
export type EventTypeInput = (typeof EVENT_TYPES)[number];

/** Every input, typed; optional ones undefined when empty. */
export interface ActionInputs {
  command: ActionCommand;
  service?: string | undefined;
  stage?: string | undefined;
  version?: string | undefined;
  project?: string | undefined;
  configDir: string;
  history?: string | undefined;
  onWarning?: OnWarning | undefined;
  labels: Record<string, string>;
  reportDir: string;
  caFile?: string | undefined;
  dynatraceEvent?: boolean | undefined;
  // evaluate
  start?: string | undefined;
  end?: string | undefined;
  timeframe?: string | undefined;
  slo?: string | undefined;
  values?: string | undefined;
  jtl?: string | undefined;
  settle?: number | undefined;
  // trigger-deployment, promote
  image?: string | undefined;
  sequence: string;
  url?: string | undefined;
  approvedBy?: string | undefined;
  force: boolean;
  dryRun: boolean;
  resultsDir: string;
  testTimeout: number;
  fromStage?: string | undefined;
  // send-event
  eventType?: EventTypeInput | undefined;
  title?: string | undefined;
  entitySelector?: string | undefined;
  properties: Record<string, string>;
  // the pull request comment
  githubToken?: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

// Inputs without the CLI's env var: the command, the send-event ones the CLI takes as flags only.
const WITHOUT_ENV = new Set(['command', 'event_type', 'title', 'properties', 'force', 'dry_run']);

/** The env var of the CLI flag an input stands for: stage → CI_CONNECT_STAGE. */
export function envVarOf(input: string): string | undefined {
  return WITHOUT_ENV.has(input) ? undefined : `CI_CONNECT_${input.toUpperCase()}`;
}

/** Reads and checks every input; a bad one is a UsageError (exit 2) naming it. */
export function readInputs(env: Env): ActionInputs {
  const { text, oneOf, flag, integer, keyValues, secret, labels } = inputReader(env);
  return {
    command: oneOf('command', COMMANDS) ?? 'evaluate',
    service: text('service'),
    stage: text('stage'),
    version: text('version'),
    project: text('project'),
    configDir: text('config_dir') ?? DEFAULT_CONFIG_DIR,
    history: text('history'),
    onWarning: oneOf('on_warning', ON_WARNING),
    labels: labels(),
    reportDir: text('report_dir') ?? 'ci-connect-report',
    caFile: text('ca_file'),
    dynatraceEvent: flag('dynatrace_event'),
    start: text('start'),
    end: text('end'),
    timeframe: text('timeframe'),
    slo: text('slo'),
    values: text('values'),
    jtl: text('jtl'),
    settle: integer('settle', 0, 3600),
    image: text('image'),
    sequence: text('sequence') ?? 'delivery',
    url: text('url'),
    approvedBy: text('approved_by'),
    force: flag('force') ?? false,
    dryRun: flag('dry_run') ?? false,
    resultsDir: text('results_dir') ?? 'ci-connect-results',
    testTimeout: integer('test_timeout', 1, 30 * 24 * 3600) ?? 3600,
    fromStage: text('from_stage'),
    eventType: oneOf('event_type', EVENT_TYPES),
    title: text('title'),
    entitySelector: text('entity_selector'),
    properties: keyValues('properties', 'approver=jane'),
    githubToken: secret('github_token'),
  };
}

/** The input readers, over the runner's env (for the CLI's env var of an empty input). */
function inputReader(env: Env) {
  /** A secret input: never checked for content, so that no message can echo it. */
  function secret(name: string): string | undefined {
    const value = actions.getInput(name);
    return value === '' ? undefined : value;
  }

  /** The input, else its CLI env var; `source` names the one it came from, for messages. */
  function read(name: string): { value: string; source: string; fromEnv: boolean } | undefined {
    const variable = envVarOf(name);
    const input = actions.getInput(name);
    const fromEnv = input === '' && variable !== undefined;
    const value = fromEnv ? (env[variable]?.trim() ?? '') : input;
    if (value === '') return undefined;
    const source = fromEnv ? variable : `the input ${name}`;
    // Inputs are printed and recorded: no line breaks or other control characters.
    refuseControlCharacters(value, source);
    return { value, source, fromEnv };
  }

  function text(name: string): string | undefined {
    return read(name)?.value;
  }

  /** The labels input, else CI_CONNECT_LABELS (`k=v,k2=v2`, as the CLI reads it). */
  function labels(): Record<string, string> {
    const given = keyValues('labels', 'buildId=812');
    if (Object.keys(given).length > 0) return given;
    const fromEnv = (env.CI_CONNECT_LABELS ?? '').split(',').filter((item) => item.trim() !== '');
    return parseLines(fromEnv, 'CI_CONNECT_LABELS', 'buildId=812');
  }

  function oneOf<T extends string>(name: string, options: readonly T[]): T | undefined {
    const given = read(name);
    if (given === undefined || (options as readonly string[]).includes(given.value))
      return given?.value as T | undefined;
    throw new UsageError(`${given.source} is "${given.value}", not one of ${options.join(', ')}`, {
      hint: `write e.g. ${name}: ${options[0]}`,
    });
  }

  /**
   * An input: `true` or `false` (YAML 1.2, as @actions/core's getBooleanInput). The CLI's env var:
   * as the CLI reads it (oclif), 1, y, yes or true, and 0, n, no or false. Empty: undefined.
   */
  function flag(name: string): boolean | undefined {
    const given = read(name);
    if (given === undefined) return undefined;
    const { value, source, fromEnv } = given;
    const word = fromEnv ? value.toLowerCase() : value;
    if (['true', 'True', 'TRUE'].includes(value) || (fromEnv && ['1', 'y', 'yes', 'true'].includes(word)))
      return true;
    if (['false', 'False', 'FALSE'].includes(value) || (fromEnv && ['0', 'n', 'no', 'false'].includes(word)))
      return false;
    throw new UsageError(`${source} is "${value}", not true or false`, {
      hint: `write ${name}: true or ${name}: false`,
    });
  }

  function integer(name: string, min: number, max: number): number | undefined {
    const given = read(name);
    if (given === undefined) return undefined;
    const { value, source } = given;
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max)
      throw new UsageError(`${source} is "${value}", not a whole number from ${min} to ${max}`);
    return number;
  }

  /** One `key=value` a line (blank lines skipped); a key may come once, a value may hold `=`. */
  function keyValues(name: string, example: string): Record<string, string> {
    return parseLines(actions.getMultilineInput(name), `the input ${name}`, example);
  }

  return { text, oneOf, flag, integer, keyValues, secret, labels };
}

function parseLines(lines: readonly string[], source: string, example: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    refuseControlCharacters(line, source);
    const at = line.indexOf('=');
    if (at <= 0)
      throw new UsageError(`${source} has "${line}", which is not key=value`, {
        hint: `write one key=value a line, e.g. ${example}`,
      });
    const key = line.slice(0, at).trim();
    if (Object.hasOwn(out, key))
      throw new UsageError(`${source} gives "${key}" twice`, { hint: 'give each key once' });
    out[key] = line.slice(at + 1).trim();
  }
  return out;
}
