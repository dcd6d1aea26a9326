// What the Dynatrace provider tests share: the strict stand-in of test/support (outside this
// package's rootDir, so loaded at run time and typed here by the part the tests use), tokens of
// both kinds, and the window of keptn-contrib/dynatrace-service's recorded responses.
import type { SliContext } from '../../provider.js';

export interface StandIn {
  url: string;
  requests: {
    method: string;
    path: string;
    query: Record<string, string>;
    authorization: string | undefined;
    body?: unknown;
  }[];
  violations: string[];
  maxInFlight: number;
  expect(e: {
    method?: 'GET' | 'POST';
    path: string;
    query: Record<string, string>;
    respond: string | { status: number; body: unknown; contentType?: string };
    delayMs?: number;
    times?: number;
  }): StandIn;
  unusedExpectations(): string[];
  close(): Promise<void>;
}

const STAND_IN = new URL('../../../../../../test/support/dynatrace-stand-in.ts', import.meta.url).href;

/** Starts the stand-in; requests must carry the Authorization header for `token`. */
export async function startStandIn(token: string): Promise<StandIn> {
  const { startDynatraceStandIn } = (await import(STAND_IN)) as {
    startDynatraceStandIn: (options: { token: string }) => Promise<StandIn>;
  };
  return startDynatraceStandIn({ token });
}

/** A classic access token (Api-Token) and a platform token (Bearer). */
export const CLASSIC =
  'dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM';
export const PLATFORM = 'dt0s16.SAMPLEPLATFORM.abcdefghijklmnopqrstuvwxyz0123456789';

/** The recorded responses' window: 2022-09-28T00:00Z to 2022-09-29T00:00Z (SOURCES.md). */
export const FROM = 1664323200000;
export const TO = 1664409600000;

export const CONTEXT: SliContext = {
  project: 'sockshop',
  stage: 'staging',
  service: 'carts',
  labels: {},
  filter: {},
  window: { start: new Date(FROM), end: new Date(TO) },
};
