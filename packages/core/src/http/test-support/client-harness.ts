/**
 * A client wired for tests (recorded sleeps, memory logger, fixed randomness) and the token-leak
 * check every failure-path test runs.
 */

import { inspect } from 'node:util';
import { expect } from 'vitest';
import { createMemoryLogger } from '../../environment.js';
import { createHttpClient } from '../http-client.js';
import type { HttpClient, HttpClientOptions, HttpRequest } from '../http-client.js';
import { createRedactor } from '../../redaction/redaction.js';

/** The token every test sends, in the Authorization header and in the query. */
export const TOKEN = 'SECRET123abc';

/** A client whose waits are recorded instead of slept. */
export interface ClientHarness {
  client: HttpClient;
  waits: number[];
  logger: ReturnType<typeof createMemoryLogger>;
}

/** Builds a test client; the redactor starts empty, so the request's own secrets must be picked up. */
export function createHarness(overrides: Partial<HttpClientOptions> = {}): ClientHarness {
  const waits: number[] = [];
  const logger = createMemoryLogger();
  const client = createHttpClient({
    timeoutMs: 2_000,
    retries: 2,
    logger,
    redactor: createRedactor(),
    userAgent: 'ci-connect-test',
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...overrides,
  });
  return { client, waits, logger };
}

/** A request carrying TOKEN in the Authorization header and in the URL query. */
export function tokenRequest(url: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'GET',
    url: `${url}?api-token=${TOKEN}`,
    headers: { Authorization: `Api-Token ${TOKEN}` },
    ...extra,
  };
}

/** Runs the request, expecting it to throw; returns the error. */
export async function expectFailure(harness: ClientHarness, request: HttpRequest): Promise<Error> {
  const error = await harness.client.request(request).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

/** Asserts TOKEN appears nowhere in the error (message, hint, stack, causes, JSON, inspect) or the log. */
export function expectNoToken(error: unknown, harness: ClientHarness): void {
  const texts: string[] = [JSON.stringify(error) ?? '', inspect(error, { depth: 20, showHidden: true })];
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 10; depth++) {
    if (!(current instanceof Error)) {
      texts.push(inspect(current, { depth: 20 }));
      break;
    }
    const { hint } = current as { hint?: unknown };
    texts.push(current.message, current.stack ?? '', typeof hint === 'string' ? hint : '');
    texts.push(inspect(current, { depth: 20, showHidden: true }));
    current = current.cause;
  }
  texts.push(...harness.logger.lines.map((line) => line.message));
  for (const text of texts) expect(text).not.toContain(TOKEN);
}
