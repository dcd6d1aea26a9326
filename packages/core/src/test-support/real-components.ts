// The real-component rule of test/support/real-components.ts (skip visibly, fail under
// CI_CONNECT_REQUIRE_REAL=1) for core's own tests. That module is outside this package's
// rootDir, so it is loaded at run time and typed here by the part core's tests use.
import type { TestContext } from 'vitest';

/** A machine feature or command some tests need (opaque here). */
export interface RealComponent {
  readonly name: string;
}

interface RealComponents {
  itWithReal: (
    component: RealComponent,
    title: string,
    fn: (found: { bin: string }, context: TestContext) => Promise<void> | void,
    timeout?: number,
  ) => void;
  describeWithReal: (component: RealComponent, title: string, fn: (found: { bin: string }) => void) => void;
  mkfifo: RealComponent;
  devZero: RealComponent;
  devFull: RealComponent;
}

const MODULE = new URL('../../../../test/support/real-components.ts', import.meta.url).href;

export const { itWithReal, describeWithReal, mkfifo, devZero, devFull } = (await import(
  MODULE
)) as RealComponents;
