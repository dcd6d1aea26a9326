/**
 * The properties of the tasks ci-connect runs itself (DESIGN.md section 6), checked the way
 * their Keptn services read them: deployment (helm-service), test (jmeter-service), evaluation
 * (lighthouse) and approval (approval-service). Other tasks' properties are passed on unchecked.
 */

import { UsageError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { isRecord } from '../config/guards.js';
import { suggestKey } from '../config/suggest.js';
import type { DocPath } from '../config/yaml-nodes.js';
import { textAt } from './names.js';
import type { ReadContext } from './names.js';
import { APPROVAL_MODES, DEPLOYMENT_STRATEGIES } from './types.js';
import type { ApprovalMode, DeploymentStrategy, ShipyardTask } from './types.js';

type TaskSettings = Omit<ShipyardTask, 'name' | 'properties' | 'triggeredAfterMs'>;
type PropertyReader = (ctx: ReadContext, properties: Record<string, unknown>, path: DocPath) => TaskSettings;

/** The workload name picks jmeter/<teststrategy>.jmx: no dots or slashes may leave that folder. */
const TEST_STRATEGY = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const ONE_MINUTE_MS = 60_000;

const READERS: Readonly<Record<string, PropertyReader>> = {
  deployment: (ctx, p, path) => optional('deploymentStrategy', readDeploymentStrategy(ctx, p, path)),
  test: (ctx, p, path) =>
    optional('testStrategy', readTestStrategy(ctx, p.teststrategy, [...path, 'teststrategy'])),
  evaluation: (ctx, p, path) =>
    optional('timeframe', readTimeframe(ctx, p.timeframe, [...path, 'timeframe'])),
  approval: (ctx, p, path) => ({
    approval: {
      pass: readApproval(ctx, p.pass, [...path, 'pass']),
      warning: readApproval(ctx, p.warning, [...path, 'warning']),
    },
  }),
};

/** The property keys ci-connect reads, per task name. */
const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  deployment: ['deploymentstrategy'],
  test: ['teststrategy'],
  evaluation: ['timeframe'],
  approval: ['pass', 'warning'],
};

/** Checks and types the properties of a task at `path` (the task entry). */
export function readTaskSettings(ctx: ReadContext, name: string, raw: unknown, path: DocPath): TaskSettings {
  const reader = READERS[name];
  if (reader === undefined) return {};
  const properties = isRecord(raw) ? raw : {};
  const propertiesPath = [...path, 'properties'];
  warnMisspelt(ctx, name, properties, propertiesPath);
  return reader(ctx, properties, propertiesPath);
}

/** Reads a `triggeredAfter` or `timeframe` duration in milliseconds; undefined when missing or bad. */
export function readDuration(ctx: ReadContext, raw: unknown, path: DocPath, key: string): number | undefined {
  const text = textAt(ctx, path, raw);
  if (text === undefined || text === '') return undefined;
  try {
    return parseDuration(text, key);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    ctx.out.error(path, `${JSON.stringify(text)} is not a duration`, error.hint);
    return undefined;
  }
}

export function readTestStrategy(ctx: ReadContext, raw: unknown, path: DocPath): string | undefined {
  const text = textAt(ctx, path, raw);
  if (text === undefined || text === '') return undefined;
  if (TEST_STRATEGY.test(text)) return text;
  ctx.out.error(
    path,
    `${JSON.stringify(text)} is not a test strategy`,
    'name the workload with letters, digits, - and _ (e.g. performance: jmeter/performance.jmx)',
  );
  return undefined;
}

/** A deploymentstrategy value at `path` (missing: undefined, without a diagnostic). */
export function readStrategyValue(
  ctx: ReadContext,
  raw: unknown,
  path: DocPath,
): DeploymentStrategy | undefined {
  const text = textAt(ctx, path, raw);
  if (text === undefined || text === '') return undefined;
  if ((DEPLOYMENT_STRATEGIES as readonly string[]).includes(text)) return text as DeploymentStrategy;
  if (text === 'duplicate') {
    ctx.out.warning(path, '"duplicate" is an old name of blue_green_service', 'write blue_green_service');
    return 'blue_green_service';
  }
  const close = suggestKey(text, DEPLOYMENT_STRATEGIES);
  const known = `the strategies are: ${DEPLOYMENT_STRATEGIES.join(', ')}`;
  ctx.out.error(
    path,
    `${JSON.stringify(text)} is not a deployment strategy`,
    close === undefined ? known : `did you mean "${close}"? ${known}`,
  );
  return undefined;
}

/** An approval mode; missing means `fallback` (manual in 0.2 shipyards, as approval-service did). */
export function readApproval(
  ctx: ReadContext,
  raw: unknown,
  path: DocPath,
  fallback: ApprovalMode = 'manual',
): ApprovalMode {
  const text = textAt(ctx, path, raw);
  if (text === undefined || text === '') return fallback;
  if ((APPROVAL_MODES as readonly string[]).includes(text)) return text as ApprovalMode;
  const close = suggestKey(text, APPROVAL_MODES);
  ctx.out.error(
    path,
    `${JSON.stringify(text)} is not an approval mode`,
    close === undefined ? 'write automatic or manual' : `did you mean "${close}"? write automatic or manual`,
  );
  return fallback;
}

function readDeploymentStrategy(
  ctx: ReadContext,
  properties: Record<string, unknown>,
  path: DocPath,
): DeploymentStrategy | undefined {
  const raw = properties.deploymentstrategy;
  if (raw === undefined || raw === null || raw === '') {
    // Keptn's helm-service failed every such deployment at run time.
    ctx.out.error(
      raw === undefined ? path : [...path, 'deploymentstrategy'],
      'missing: a deployment task needs a deploymentstrategy',
      `add properties: { deploymentstrategy: direct } (or ${DEPLOYMENT_STRATEGIES.slice(1).join(', ')})`,
      'key',
    );
    return undefined;
  }
  return readStrategyValue(ctx, raw, [...path, 'deploymentstrategy']);
}

function readTimeframe(ctx: ReadContext, raw: unknown, path: DocPath): string | undefined {
  const ms = readDuration(ctx, raw, path, 'timeframe');
  if (ms === undefined) return undefined;
  if (ms < ONE_MINUTE_MS) {
    ctx.out.error(path, 'the evaluation window must be at least 1 minute', 'write e.g. timeframe: 5m');
    return undefined;
  }
  return textAt(ctx, path, raw);
}

/** A misspelt known key is most likely meant (`deploymentStrategy`, `test_strategy`). */
function warnMisspelt(
  ctx: ReadContext,
  task: string,
  properties: Record<string, unknown>,
  path: DocPath,
): void {
  const known = KNOWN_KEYS[task] ?? [];
  for (const key of Object.keys(properties)) {
    if (known.includes(key)) continue;
    const close = suggestKey(key, known);
    if (close === undefined) continue;
    ctx.out.warning(
      [...path, key],
      `the ${task} task does not read ${JSON.stringify(key)} (passed on unchanged)`,
      `did you mean "${close}"?`,
      'key',
    );
  }
}

function optional<K extends keyof TaskSettings>(key: K, value: TaskSettings[K] | undefined): TaskSettings {
  return value === undefined ? {} : { [key]: value };
}
