import type { Logger, Redactor } from '@ci-connect/core';
import type { Palette } from './palette.js';

/** Progress and warnings on stderr, redacted; debug lines only with CI_CONNECT_DEBUG=1. */
export function createStderrLogger(palette: Palette, env: NodeJS.ProcessEnv, redactor: Redactor): Logger {
  const debug = env.CI_CONNECT_DEBUG === '1';
  const write = (line: string) => process.stderr.write(`${redactor.redact(line)}\n`);
  return {
    debug: (message) => {
      if (debug) write(palette.dim(`debug: ${message}`));
    },
    info: (message) => write(message),
    warn: (message) => write(`${palette.warning('warning:')} ${message}`),
  };
}
