/**
 * The `file:` CloudEvents sink: JSON Lines, one event per line, appended whole under the same
 * lock and with the same torn-line repair as the `file:` history store (history/file/), so
 * several jobs on one runner can share a file and a reader never sees half an event.
 */

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../environment.js';
import { CiConnectError } from '../../errors.js';
import { acquireFileLock, defaultFileLockOptions } from '../../files/file-lock.js';
import type { FileLockOptions } from '../../files/file-lock.js';
import { appendLine } from '../../files/json-lines.js';
import { describeProblem, FileRefusedError } from '../../files/regular-file.js';
import { describeEvent } from './sink.js';
import type { CloudEventSink, SinkDelivery } from './sink.js';
import type { KeptnCloudEvent } from './types.js';

export interface FileCloudEventSinkOptions {
  /** Absolute path of the JSON Lines file. */
  path: string;
  logger: Logger;
  lock?: Partial<FileLockOptions>;
}

/** Appends each event as one line of a file. */
export class FileCloudEventSink implements CloudEventSink {
  readonly target: string;
  private readonly path: string;
  private readonly logger: Logger;
  private readonly lockOptions: FileLockOptions;

  constructor(options: FileCloudEventSinkOptions) {
    this.target = `file:${options.path}`;
    this.path = options.path;
    this.logger = options.logger;
    this.lockOptions = { ...defaultFileLockOptions, ...options.lock };
  }

  async send(event: KeptnCloudEvent): Promise<SinkDelivery> {
    // JSON.stringify escapes every newline inside strings, so this is exactly one line.
    const line = `${JSON.stringify(event)}\n`;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      const lock = await acquireFileLock(this.path, this.lockOptions, this.logger);
      try {
        // appendLine refuses a FIFO, a device or a link before it writes (files/regular-file.ts).
        await appendLine(this.path, line);
      } finally {
        await lock.release();
      }
      return { delivered: true };
    } catch (error) {
      const warning = `the CloudEvent ${describeEvent(event)} was not written to ${this.path}: ${reason(error)}`;
      this.logger.warn(warning);
      return { delivered: false, warning, mayHaveArrived: false };
    }
  }
}

function reason(error: unknown): string {
  // The warning names the path already; the guard's own message would repeat it.
  if (error instanceof FileRefusedError) return `the path ${describeProblem(error.problem)}`;
  if (error instanceof CiConnectError)
    return error.hint === undefined ? error.message : `${error.message} (${error.hint})`;
  return error instanceof Error ? error.message : String(error);
}
