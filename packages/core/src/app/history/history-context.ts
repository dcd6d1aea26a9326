/**
 * What every `history` use case resolves first, the way `evaluate` does: ci-connect.yaml (when
 * the config directory exists), the history store's URL, and for commands about one service its
 * project, stage and service. Then the store is opened, checked (`ready`: exit 3 when it cannot
 * be reached) and closed again whatever happens.
 */

import { resolve } from 'node:path';
import { isDirectory } from '../../config/guards.js';
import { loadProjectSettings, type ProjectConfig } from '../../config/project-config.js';
import { resolveHistoryUrl, resolveTarget, type ProjectTarget } from '../../config/project-context.js';
import type { HistoryStore } from '../../history/history-store.js';
import { openReadyHistoryStore } from '../../history/open-store.js';
import { PROVIDER_SETTINGS } from '../../providers/registry.js';
import type { Host } from '../host.js';

/** Where the history is: the config directory (for ci-connect.yaml) and `--history`. */
export interface HistoryLocationRequest {
  /** As given (default `.ci-connect`); it need not exist. */
  configDir: string;
  /** `--history URL`; default ci-connect.yaml `history`, else `file:<configDir>/history.jsonl`. */
  history?: string | undefined;
}

/** A history request about one service (`unpin`, `rescore`). */
export interface HistoryTargetRequest extends HistoryLocationRequest {
  project?: string | undefined;
  stage?: string | undefined;
  service?: string | undefined;
}

/** ci-connect.yaml as the config directory holds it (undefined without a directory) and the store's URL. */
export interface HistoryContext {
  config: ProjectConfig | undefined;
  configDirExists: boolean;
  historyUrl: string;
}

/** Reads ci-connect.yaml when there is a config directory; a broken one is a ConfigError (exit 2). */
export async function loadHistoryContext(
  request: HistoryLocationRequest,
  host: Host,
): Promise<HistoryContext> {
  const configDir = resolve(host.cwd, request.configDir);
  const configDirExists = await isDirectory(configDir);
  const config = configDirExists
    ? await loadProjectSettings(configDir, host.logger, PROVIDER_SETTINGS, {
        redactor: host.redactor,
        env: host.env,
      })
    : undefined;
  return {
    config,
    configDirExists,
    historyUrl: resolveHistoryUrl(request.history, config, request.configDir),
  };
}

/** The service the request is about: flags, ci-connect.yaml, the config directory's only service. */
export function resolveHistoryTarget(
  request: HistoryTargetRequest,
  context: HistoryContext,
  host: Host,
  serviceFromConfigDir = true,
): Promise<ProjectTarget> {
  const serviceDir =
    context.configDirExists && serviceFromConfigDir ? resolve(host.cwd, request.configDir) : undefined;
  return resolveTarget(request, context.config, serviceDir);
}

/** Opens the store at `url`, makes sure it can be used, runs `work` and closes it. */
export async function withHistoryStore<T>(
  url: string,
  host: Host,
  work: (store: HistoryStore) => Promise<T>,
): Promise<T> {
  const store = await openReadyHistoryStore(url, {
    baseDir: host.cwd,
    logger: host.logger,
    clock: host.clock,
    redactor: host.redactor,
    env: host.env,
    runProcess: host.runProcess,
    signal: host.signal,
  });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
