/**
 * Opens the sink `events.cloudevents` names, by URL scheme: `file:<path>` or `http(s)://...`.
 * Problems with the settings themselves (an unknown scheme, a token env var that is not set)
 * are ConfigErrors when the sink is opened, before the stage runs; delivering events later never
 * throws (sink.ts).
 */

import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CloudEventSettings } from '../../config/project-config.js';
import type { Logger } from '../../environment.js';
import { ConfigError } from '../../errors.js';
import type { FileLockOptions } from '../../files/file-lock.js';
import { createHttpClient } from '../../http/http-client.js';
import type { HttpClient } from '../../http/http-client.js';
import type { Redactor } from '../../redaction/redaction.js';
import { FileCloudEventSink } from './file-sink.js';
import { HttpCloudEventSink } from './http-sink.js';
import type { CloudEventSink } from './sink.js';

/** Waiting longer than this for a receiver or for the file's lock gives up on the event. */
export const DEFAULT_SINK_TIMEOUT_SECONDS = 10;

const SINK_HINT =
  'set events.cloudevents.sink in ci-connect.yaml to file:<path> (JSON Lines) or an http(s):// URL';

export interface CloudEventSinkDependencies {
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  redactor: Redactor;
  /** Relative `file:` paths are relative to this directory (the project root). */
  baseDir: string;
  /** A CA certificate file to trust besides Node's (`--ca-file`). */
  caFile?: string;
  /** A ready client (tests); by default one is made from the settings. */
  http?: HttpClient;
  lock?: Partial<FileLockOptions>;
  sleep?: (ms: number) => Promise<void>;
}

/** Opens the sink of `settings`; throws ConfigError when the settings cannot work. */
export function openCloudEventSink(
  settings: CloudEventSettings,
  deps: CloudEventSinkDependencies,
): CloudEventSink {
  const sink = settings.sink.trim();
  const timeoutMs = (settings.timeoutSeconds ?? DEFAULT_SINK_TIMEOUT_SECONDS) * 1000;
  if (sink.startsWith('file:')) {
    const path = filePath(sink, deps.baseDir);
    return new FileCloudEventSink({ path, logger: deps.logger, lock: { timeoutMs, ...deps.lock } });
  }
  if (/^https?:\/\//i.test(sink)) return openHttpSink(sink, settings, deps, timeoutMs);
  throw new ConfigError(
    deps.redactor.redact(`the CloudEvents sink "${sink}" is neither file:<path> nor an http(s):// URL`),
    { hint: SINK_HINT },
  );
}

function filePath(sink: string, baseDir: string): string {
  let path: string;
  try {
    path = sink.startsWith('file://') ? fileURLToPath(sink) : sink.slice('file:'.length);
  } catch {
    throw new ConfigError(`the CloudEvents sink "${sink}" is not a valid file: URL`, { hint: SINK_HINT });
  }
  if (path.trim() === '')
    throw new ConfigError('the CloudEvents sink "file:" names no file', { hint: SINK_HINT });
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function openHttpSink(
  url: string,
  settings: CloudEventSettings,
  deps: CloudEventSinkDependencies,
  timeoutMs: number,
): CloudEventSink {
  if (!URL.canParse(url)) {
    throw new ConfigError(deps.redactor.redact(`the CloudEvents sink "${url}" is not a valid URL`), {
      hint: SINK_HINT,
    });
  }
  const { tokenEnv } = settings;
  const token = tokenEnv === undefined ? undefined : deps.env[tokenEnv]?.trim();
  if (tokenEnv !== undefined && !token) {
    throw new ConfigError(`the CloudEvents sink needs a token in ${tokenEnv}, which is not set`, {
      hint: `set ${tokenEnv} in the job's environment (a CI secret), or remove events.cloudevents.tokenEnv`,
    });
  }
  deps.redactor.add(token);
  const http =
    deps.http ??
    createHttpClient({
      ...(deps.caFile === undefined ? {} : { caFile: deps.caFile }),
      timeoutMs,
      // The sink decides itself what may be re-sent (http-sink.ts).
      retries: 0,
      logger: deps.logger,
      redactor: deps.redactor,
      userAgent: 'ci-connect',
    });
  return new HttpCloudEventSink({
    url,
    ...(token === undefined ? {} : { token }),
    ...(tokenEnv === undefined ? {} : { tokenEnv }),
    http,
    redactor: deps.redactor,
    logger: deps.logger,
    ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
  });
}
