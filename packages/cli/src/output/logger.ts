import type { Logger } from '@ci-connect/core';
import type { Palette } from './palette.js';

/** Progress and warnings on stderr; debug lines only with CI_CONNECT_DEBUG=1. */
export function createStderrLogger(palette: Palette, env: NodeJS.ProcessEnv): Logger {
  const debug = env.CI_CONNECT_DEBUG === '1';
  return {
    debug: (message) => {
      if (debug) process.stderr.write(`${palette.dim(`debug: ${message}`)}\n`);
    },
    info: (message) => process.stderr.write(`${message}\n`),
    warn: (message) => process.stderr.write(`${palette.warning('warning:')} ${message}\n`),
  };
}
