/**
 * The facts every command resolves the same way from its request and ci-connect.yaml: where
 * history is kept, what a warning exits with, and which service a config directory is about.
 * One definition each, so that two commands never answer the same question differently.
 */

import { join } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import type { OnWarning, ProjectConfig } from './project-config.js';
import { listServices } from './service-files.js';

/** The config directory when neither `--config-dir` nor `CI_CONNECT_CONFIG_DIR` names one. */
export const DEFAULT_CONFIG_DIR = '.ci-connect';

/** The history store beside the config directory: `file:<configDir>/history.jsonl`. */
export function defaultHistoryUrl(configDir: string): string {
  return `file:${join(configDir, 'history.jsonl')}`;
}

/** `--history`, else ci-connect.yaml's `history`, else the default beside the config directory. */
export function resolveHistoryUrl(
  requested: string | undefined,
  config: ProjectConfig | undefined,
  configDir: string,
): string {
  return requested ?? config?.history ?? defaultHistoryUrl(configDir);
}

/** `--on-warning`, else ci-connect.yaml's `defaults.onWarning`, else `pass` (DESIGN.md section 4). */
export function resolveOnWarning(
  requested: OnWarning | undefined,
  config: ProjectConfig | undefined,
): OnWarning {
  return requested ?? config?.defaults.onWarning ?? 'pass';
}

/** The name of a project, stage or service that nothing names: Keptn-less gates run as `default`. */
export const FALLBACK_NAME = 'default';

/** The project, stage and service a command is about. */
export interface ProjectTarget {
  project: string;
  stage: string;
  service: string;
}

/**
 * The flags, else ci-connect.yaml's `project` and `defaults.stage`, else `default`; the service
 * is the flag, else the only service of `serviceDir` (a config directory), else `default` when
 * there is no directory to look in (a gate run from `--slo` alone).
 */
export async function resolveTarget(
  requested: { project?: string | undefined; stage?: string | undefined; service?: string | undefined },
  config: ProjectConfig | undefined,
  serviceDir: string | undefined,
): Promise<ProjectTarget> {
  return {
    project: requested.project ?? config?.project ?? FALLBACK_NAME,
    stage: requested.stage ?? config?.defaults.stage ?? FALLBACK_NAME,
    service:
      requested.service ?? (serviceDir === undefined ? FALLBACK_NAME : await findOnlyService(serviceDir)),
  };
}

/** The one service of a config directory; none is a ConfigError, several a UsageError. */
export async function findOnlyService(configDir: string): Promise<string> {
  const services = await listServices(configDir);
  if (services.length === 1) return services[0]!;
  if (services.length === 0) {
    throw new ConfigError(`no service in ${configDir}`, {
      hint: `create ${join(configDir, 'base', '<service>', 'slo.yaml')}, or say which with --service (env CI_CONNECT_SERVICE)`,
    });
  }
  throw new UsageError(`${configDir} has several services: ${services.join(', ')}`, {
    hint: 'say which with --service (env CI_CONNECT_SERVICE)',
  });
}
