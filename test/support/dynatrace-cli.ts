/**
 * The set-up the CLI tests against the Dynatrace stand-in share: per test, a stand-in for
 * DT_TEST_TOKEN and a fresh working directory; after it, no request broke the stand-in's rules.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { startDynatraceStandIn, type DynatraceStandIn } from './dynatrace-stand-in.js';

/** A classic token the stand-in accepts; tests search their output for it. */
export const DT_TEST_TOKEN =
  'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.SECRETSECRETSECRETSECRETSECRETSECRETSECRETSECRETSECRETSE';

/** The evaluation window the tests' recorded answers cover. */
export const DT_TEST_START = '2026-11-20T10:00:00Z';
export const DT_TEST_END = '2026-11-20T10:05:00Z';

/** The current test's stand-in and directory (set in beforeEach). */
export interface DynatraceCliContext {
  standIn: DynatraceStandIn;
  dir: string;
}

/**
 * Registers beforeEach / afterEach: a stand-in and a directory named `<dirPrefix>...` per test,
 * then `standIn.violations` must be empty (and, with `allExpectationsUsed`, every expectation
 * used) before the stand-in closes.
 */
export function useDynatraceStandIn(
  dirPrefix: string,
  options: { allExpectationsUsed?: boolean } = {},
): DynatraceCliContext {
  const context = {} as DynatraceCliContext;
  beforeEach(async () => {
    context.standIn = await startDynatraceStandIn({ token: DT_TEST_TOKEN });
    context.dir = mkdtempSync(path.join(tmpdir(), dirPrefix));
  });
  afterEach(async () => {
    expect(context.standIn.violations).toEqual([]);
    if (options.allExpectationsUsed === true) expect(context.standIn.unusedExpectations()).toEqual([]);
    await context.standIn.close();
  });
  return context;
}
