/** Dependencies for the doctor's tests: a real HTTP client that does not sleep, a fixed clock. */

import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createMemoryLogger } from '../../environment.js';
import { createHttpClient } from '../../http/http-client.js';
import { createRedactor } from '../../redaction/redaction.js';
import type { DoctorDependencies } from '../types.js';

/** The time every doctor test runs at. */
export const NOW = new Date('2026-11-20T10:00:00Z');

/** Dependencies with the given env; the redactor starts empty, so checks must register tokens. */
export function doctorDeps(
  env: Record<string, string | undefined>,
  overrides: Partial<DoctorDependencies> = {},
): DoctorDependencies {
  const logger = createMemoryLogger();
  const redactor = createRedactor();
  return {
    env,
    clock: { now: () => NOW },
    logger,
    redactor,
    http: createHttpClient({
      timeoutMs: 2_000,
      retries: 1,
      logger,
      redactor,
      userAgent: 'ci-connect-test',
      sleep: () => Promise.resolve(),
    }),
    cwd: tmpdir(),
    ...overrides,
  };
}

/** Writes files (path relative to a fresh temporary directory → content); returns the directory. */
export function writeTree(files: Readonly<Record<string, string>>): string {
  const root = mkdtempSync(join(tmpdir(), 'ci-connect-doctor-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** A port nothing listens on: the discard port, refused on any test machine. */
export const CLOSED_URL = 'http://127.0.0.1:9';
