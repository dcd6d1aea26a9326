/**
 * Pure decisions: which Helm commands a task runs, given what the cluster holds (the answers of
 * the read-only commands planReads lists). No I/O, so tests table-drive every case and a
 * `--dry-run` shows exactly what a real run would do. docs/helm.md explains the strategies.
 */

import { InternalError } from '../../errors.js';
import {
  colorValues,
  directValues,
  HISTORY_DEPTH,
  switchValues,
  timeoutSeconds,
  upgradeArgv,
} from './helm-argv.js';
import { colorReleaseName, resolveHelmNames } from './naming.js';
import type { HelmNames } from './naming.js';
import type { BlueGreenColor, BlueGreenState, HelmAction, HelmTarget } from './types.js';

/** One entry of `helm history -o json`. */
export interface HelmRevision {
  revision: number;
  status: string;
  description: string;
}

/** What the reads found; each field only where the step needs it. */
export interface HelmKnownState {
  /** Blue/green: the switch release's colours (both null when it does not exist yet). */
  blueGreen?: BlueGreenState;
  /** Direct rollback: the release's history, oldest first; null when the release does not exist. */
  history?: readonly HelmRevision[] | null;
}

/** The decision for one step: the changing commands to run, or why there are none. */
export type HelmDecision =
  | {
      kind: 'run';
      commands: string[][];
      release: string;
      deployedColor?: BlueGreenColor;
      after?: BlueGreenState;
    }
  | { kind: 'nothing'; message: string; release: string | null }
  | { kind: 'impossible'; message: string; release: string | null };

/** The read-only commands a step needs before it can decide (`helm get values`, `helm history`). */
export function planReads(action: HelmAction, target: HelmTarget, helm = 'helm'): string[][] {
  if (target.strategy === 'user_managed') return [];
  const names = resolveHelmNames(target);
  if (target.strategy === 'blue_green_service')
    return [[helm, 'get', 'values', names.release, '--namespace', names.namespace, '--output', 'json']];
  if (action === 'rollback')
    return [
      [
        helm,
        'history',
        names.release,
        '--namespace',
        names.namespace,
        '--max',
        String(HISTORY_DEPTH),
        '--output',
        'json',
      ],
    ];
  return [];
}

/** Decides the changing commands of a step from the state the reads returned. */
export function decideHelmStep(
  action: HelmAction,
  target: HelmTarget,
  known: HelmKnownState,
  helm = 'helm',
): HelmDecision {
  if (target.strategy === 'user_managed')
    return {
      kind: 'nothing',
      release: null,
      message: `user_managed: the team deploys ${target.service} itself; ci-connect runs no Helm command for ${action}`,
    };
  const names = resolveHelmNames(target);
  const noColors: BlueGreenState = { activeColor: null, releasedColor: null };
  if (target.strategy === 'blue_green_service')
    return decideBlueGreen(action, target, names, known.blueGreen ?? noColors, helm);
  return decideDirect(action, target, names, known, helm);
}

function decideDirect(
  action: HelmAction,
  target: HelmTarget,
  names: HelmNames,
  known: HelmKnownState,
  helm: string,
): HelmDecision {
  const release = names.release;
  switch (action) {
    case 'deployment':
      return {
        kind: 'run',
        release,
        commands: [upgradeArgv(helm, target, names, release, directValues(target))],
      };
    case 'release':
      // As Keptn's helm-service: a direct deployment is live once deployed.
      return {
        kind: 'nothing',
        release,
        message: `direct: ${release} is live since its deployment; nothing to release`,
      };
    case 'rollback':
      return decideDirectRollback(target, names, known.history, helm);
  }
}

function decideDirectRollback(
  target: HelmTarget,
  names: HelmNames,
  history: readonly HelmRevision[] | null | undefined,
  helm: string,
): HelmDecision {
  const release = names.release;
  if (history === undefined)
    throw new InternalError('a direct rollback was planned without the release history (see planReads)');
  const current = history === null ? undefined : [...history].reverse().find((r) => r.status === 'deployed');
  if (current === undefined)
    return {
      kind: 'nothing',
      release,
      message: `${release} has no deployed revision in ${names.namespace}; nothing to roll back`,
    };
  // A revision made by a rollback (ours, or --atomic undoing a failed upgrade) already holds the
  // earlier version: rolling back again would step further back than anyone asked.
  if (/^Rollback to \d+/.test(current.description))
    return {
      kind: 'nothing',
      release,
      message: `${release} revision ${current.revision} is already a rollback (${current.description}); nothing to roll back`,
    };
  const previous = (history ?? [])
    .filter((r) => r.revision < current.revision && r.status === 'superseded')
    .at(-1);
  if (previous === undefined)
    return {
      kind: 'impossible',
      release,
      message: `${release} has no earlier successful revision to roll back to (revision ${current.revision} is its first); remove it with "helm uninstall ${release} --namespace ${names.namespace}" if it must go`,
    };
  return {
    kind: 'run',
    release,
    commands: [
      [
        helm,
        'rollback',
        release,
        String(previous.revision),
        '--namespace',
        names.namespace,
        '--wait',
        '--timeout',
        `${timeoutSeconds(target)}s`,
      ],
    ],
  };
}

function decideBlueGreen(
  action: HelmAction,
  target: HelmTarget,
  names: HelmNames,
  before: BlueGreenState,
  helm: string,
): HelmDecision {
  const { activeColor, releasedColor } = before;
  const switchRelease = names.release;
  const switchTo = (after: BlueGreenState): string[] =>
    upgradeArgv(helm, target, names, switchRelease, switchValues(after));
  switch (action) {
    case 'deployment': {
      // The released colour is the way back; never overwrite it. Before any release, replace
      // the colour that is not serving.
      const deployedColor = otherColor(releasedColor ?? activeColor ?? 'green');
      const colorRelease = colorReleaseName(switchRelease, deployedColor);
      const after: BlueGreenState = { activeColor: deployedColor, releasedColor };
      return {
        kind: 'run',
        release: colorRelease,
        deployedColor,
        after,
        commands: [
          upgradeArgv(helm, target, names, colorRelease, colorValues(target, deployedColor)),
          switchTo(after),
        ],
      };
    }
    case 'release':
      if (activeColor === null)
        return {
          kind: 'impossible',
          release: switchRelease,
          message: `${switchRelease} has no deployed colour to release; run the deployment task first`,
        };
      if (activeColor === releasedColor)
        return {
          kind: 'nothing',
          release: switchRelease,
          message: `${activeColor} is already the released colour of ${switchRelease}`,
        };
      return switchColors(switchRelease, { activeColor, releasedColor: activeColor }, switchTo);
    case 'rollback':
      if (releasedColor === null)
        return activeColor === null
          ? {
              kind: 'nothing',
              release: switchRelease,
              message: `${switchRelease} has never been deployed; nothing to roll back`,
            }
          : {
              kind: 'impossible',
              release: switchRelease,
              message: `${switchRelease} has no released colour to return to (traffic is on ${activeColor}, which was never released)`,
            };
      if (activeColor === releasedColor)
        return {
          kind: 'nothing',
          release: switchRelease,
          message: `traffic is already on the released colour ${releasedColor}; nothing to roll back`,
        };
      return switchColors(switchRelease, { activeColor: releasedColor, releasedColor }, switchTo);
  }
}

function switchColors(
  release: string,
  after: BlueGreenState,
  switchTo: (after: BlueGreenState) => string[],
): HelmDecision {
  return { kind: 'run', release, after, commands: [switchTo(after)] };
}

function otherColor(color: BlueGreenColor): BlueGreenColor {
  return color === 'blue' ? 'green' : 'blue';
}
