import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Diagnostic } from '../diagnostics.js';

/** An absolute path below the repository's fixtures/config/. */
export function fixture(...parts: string[]): string {
  return resolve(fileURLToPath(new URL('../../../../../fixtures/config/', import.meta.url)), ...parts);
}

/** An absolute path below the repository's fixtures/keptn-examples/. */
export function keptnExample(name: string): string {
  return fileURLToPath(new URL(`../../../../../fixtures/keptn-examples/${name}`, import.meta.url));
}

/** `line:column`, or '' for a problem about the whole file. */
export function where(d: Diagnostic): string {
  return d.line === undefined ? '' : `${d.line}:${d.column ?? 1}`;
}

/** [severity, 'line:col', document path, text the message contains, text the hint contains?] */
export type Expected = [Diagnostic['severity'], string, string, string, string?];

/** Asserts exactly these diagnostics, in order (loaders return them sorted by position). */
export function expectDiagnostics(actual: readonly Diagnostic[], expected: readonly Expected[]): void {
  expect(actual.map((d) => [d.severity, where(d), d.path])).toEqual(expected.map((e) => [e[0], e[1], e[2]]));
  actual.forEach((d, i) => {
    const [, , , message, hint] = expected[i] ?? [];
    expect(d.message).toContain(message);
    if (hint !== undefined) expect(d.hint ?? '').toContain(hint);
  });
}

const tempDirs: string[] = [];

/** A new temporary directory, removed by removeTempDirs (call it in afterAll). */
export async function makeTempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ci-connect-config-'));
  tempDirs.push(dir);
  return dir;
}

/** Removes the directories made by makeTempDir. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
