/**
 * The stop signal a front end gives core's Host (`signal`): aborted when the CI runner stops the
 * job (SIGINT, then SIGTERM), the signal's name as its reason, so that the running task's process
 * group is killed, the run recorded as aborted and the exit code says which signal (130, 143).
 */

/** Listens for SIGINT/SIGTERM until `stopListening`; the first one aborts `signal`, with a warning. */
export function listenForStopSignals(logger: { warn(message: string): void }): {
  signal: AbortSignal;
  stopListening: () => void;
} {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    logger.warn(`${signal}: stopping the running task and recording the run as aborted`);
    controller.abort(signal);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    stopListening: () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    },
  };
}
