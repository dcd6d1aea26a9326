/**
 * What the CLI gives a stage run besides its flags: progress for this terminal (or CI log) and
 * the job's stop signals.
 */

import { listenForStopSignals, type Logger, type Redactor, type StageRunListener } from '@ci-connect/core';
import { createStageProgress } from './output/stage-progress.js';

/**
 * Runs a stage run's `work` with what the CLI gives it: progress for this terminal (or CI log)
 * and a signal that SIGINT/SIGTERM (from the CI runner) abort with the signal's name as reason,
 * so the running task's process group is killed, the run recorded as aborted and the exit code
 * says which signal (130, 143).
 */
export async function withStageRunTools<T>(
  logger: Logger,
  redactor: Redactor,
  work: (tools: { logger: Logger; listener: StageRunListener; signal: AbortSignal }) => Promise<T>,
): Promise<T> {
  return withStopSignals(logger, (signal) => {
    const progress = createStageProgress(logger, { stream: process.stderr, env: process.env, redactor });
    return work({ ...progress, signal });
  });
}

/**
 * Runs `work` with a signal that SIGINT/SIGTERM abort, the signal's name as its reason (so the
 * exit code says which: 130, 143); the running process group is killed by whoever holds it.
 */
export async function withStopSignals<T>(
  logger: Logger,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { signal, stopListening } = listenForStopSignals(logger);
  try {
    return await work(signal);
  } finally {
    stopListening();
  }
}
