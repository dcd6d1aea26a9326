/**
 * The Helm command lines ci-connect runs, built from a target. docs/helm.md lists each one.
 */

import type { HelmNames } from './naming.js';
import type { BlueGreenColor, BlueGreenState, HelmTarget } from './types.js';

const DEFAULT_HELM_TIMEOUT_SECONDS = 300;
/** How many revisions `helm history` returns for a rollback decision. */
export const HISTORY_DEPTH = 64;

/** `helm upgrade --install` with the values layered: chart defaults, base, overlay, then --set. */
export function upgradeArgv(
  helm: string,
  target: HelmTarget,
  names: HelmNames,
  release: string,
  values: readonly (readonly [string, string])[],
): string[] {
  return [
    helm,
    'upgrade',
    '--install',
    release,
    target.chartDir,
    '--namespace',
    names.namespace,
    '--create-namespace',
    // --atomic implies --wait: a release that does not become ready is rolled back by Helm itself.
    '--atomic',
    '--wait',
    '--timeout',
    `${timeoutSeconds(target)}s`,
    ...target.valuesFiles.flatMap((file) => ['--values', file]),
    // --set-string: a version such as 1.10 must not become the number 1.1.
    ...values.flatMap(([key, value]) => ['--set-string', `${key}=${escapeSetValue(value)}`]),
  ];
}

export function directValues(target: HelmTarget): [string, string][] {
  const values: [string, string][] = [];
  if (target.image !== undefined) values.push(['image', target.image]);
  if (target.version !== undefined) values.push(['version', target.version]);
  return values;
}

export function colorValues(target: HelmTarget, color: BlueGreenColor): [string, string][] {
  return [...directValues(target), ['blueGreen.role', 'color'], ['blueGreen.color', color]];
}

export function switchValues(state: BlueGreenState): [string, string][] {
  const values: [string, string][] = [['blueGreen.role', 'switch']];
  if (state.activeColor !== null) values.push(['blueGreen.activeColor', state.activeColor]);
  if (state.releasedColor !== null) values.push(['blueGreen.releasedColor', state.releasedColor]);
  return values;
}

/** Helm's --timeout for a target. */
export function timeoutSeconds(target: HelmTarget): number {
  return target.timeoutSeconds ?? DEFAULT_HELM_TIMEOUT_SECONDS;
}

// Helm's --set syntax treats "," as a separator and "\" as an escape (pkg/strvals); an image
// reference has neither, but a value with one must still arrive as written.
function escapeSetValue(value: string): string {
  return value.replace(/[\\,]/g, (char) => `\\${char}`);
}
