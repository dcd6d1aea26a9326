import { describe, expect, it } from 'vitest';
import { InternalError } from '../../errors.js';
import { decideHelmStep, planReads } from './decide.js';
import type { HelmKnownState, HelmRevision } from './decide.js';
import { planHelm } from './plan.js';
import type { BlueGreenColor, HelmAction, HelmTarget } from './types.js';

const target = (overrides: Partial<HelmTarget> = {}): HelmTarget => ({
  project: 'shop',
  stage: 'prod',
  service: 'carts',
  strategy: 'direct',
  chartDir: 'cfg/base/carts/helm',
  valuesFiles: ['cfg/base/carts/helm/values.yaml', 'cfg/stages/prod/carts/values.yaml'],
  ...overrides,
});
const blueGreen = target({ strategy: 'blue_green_service' });
const state = (active: BlueGreenColor | null, released: BlueGreenColor | null): HelmKnownState => ({
  blueGreen: { activeColor: active, releasedColor: released },
});

/** The --set-string values of a command, as key=value. */
const sets = (argv: readonly string[]): string[] =>
  argv.flatMap((word, i) => (argv[i - 1] === '--set-string' ? [word] : []));

describe('direct', () => {
  it('layers the values: chart defaults, base file, stage overlay, then --set-string', () => {
    const decision = decideHelmStep('deployment', target({ image: 'reg/carts:1.10', version: '1.10' }), {});
    if (decision.kind !== 'run') throw new Error(`expected commands, got ${decision.kind}`);
    const [argv = []] = decision.commands;
    const base = argv.indexOf('cfg/base/carts/helm/values.yaml');
    const overlay = argv.indexOf('cfg/stages/prod/carts/values.yaml');
    const firstSet = argv.indexOf('--set-string');
    expect(argv[base - 1]).toBe('--values');
    expect(base).toBeLessThan(overlay);
    expect(overlay).toBeLessThan(firstSet);
    // --set-string keeps "1.10" a string; --set would make it the number 1.1.
    expect(sets(argv)).toEqual(['image=reg/carts:1.10', 'version=1.10']);
  });

  it('leaves out image and version when none are given', () => {
    const decision = decideHelmStep('deployment', target(), {});
    expect(decision.kind === 'run' && decision.commands[0]?.includes('--set-string')).toBe(false);
  });

  it('escapes the characters --set treats specially', () => {
    const decision = decideHelmStep('deployment', target({ image: 'a,b\\c' }), {});
    expect(decision.kind === 'run' && sets(decision.commands[0] ?? [])).toEqual(['image=a\\,b\\\\c']);
  });

  it('uses the target timeout and helm binary', () => {
    const decision = decideHelmStep('deployment', target({ timeoutSeconds: 90 }), {}, '/opt/helm');
    expect(decision.kind === 'run' && decision.commands[0]?.slice(0, 2)).toEqual(['/opt/helm', 'upgrade']);
    expect(decision.kind === 'run' && decision.commands[0]?.join(' ')).toContain('--timeout 90s');
  });

  const revisions = (...entries: [number, string, string][]): HelmRevision[] =>
    entries.map(([revision, status, description]) => ({ revision, status, description }));

  it.each<[string, readonly HelmRevision[] | null, string, string | undefined]>([
    ['no release', null, 'nothing', undefined],
    ['first install only', revisions([1, 'deployed', 'Install complete']), 'impossible', undefined],
    [
      'a good upgrade',
      revisions([1, 'superseded', 'Install complete'], [2, 'deployed', 'Upgrade complete']),
      'run',
      '1',
    ],
    [
      'skips failed revisions',
      revisions(
        [1, 'superseded', 'Install complete'],
        [2, 'failed', 'Upgrade failed'],
        [3, 'superseded', 'Rollback to 1'],
        [4, 'deployed', 'Upgrade complete'],
      ),
      'run',
      '3',
    ],
    [
      'already rolled back (--atomic or an earlier rollback)',
      revisions(
        [1, 'superseded', 'Install complete'],
        [2, 'superseded', 'Upgrade complete'],
        [3, 'deployed', 'Rollback to 1'],
      ),
      'nothing',
      undefined,
    ],
  ])('rollback: %s', (_name, history, kind, revision) => {
    const decision = decideHelmStep('rollback', target(), { history });
    expect(decision.kind).toBe(kind);
    if (decision.kind === 'run')
      expect(decision.commands).toEqual([
        [
          'helm',
          'rollback',
          'shop-prod-carts',
          revision,
          '--namespace',
          'shop-prod',
          '--wait',
          '--timeout',
          '300s',
        ],
      ]);
  });

  it('a rollback decided without the history is a bug, not a guess', () => {
    expect(() => decideHelmStep('rollback', target(), {})).toThrow(InternalError);
  });
});

describe('blue_green_service', () => {
  it.each<[string, HelmAction, BlueGreenColor | null, BlueGreenColor | null, string, string[][]]>([
    [
      'first deployment',
      'deployment',
      null,
      null,
      'run',
      [
        ['blueGreen.role=color', 'blueGreen.color=blue'],
        ['blueGreen.role=switch', 'blueGreen.activeColor=blue'],
      ],
    ],
    [
      'deployment after a release',
      'deployment',
      'blue',
      'blue',
      'run',
      [
        ['blueGreen.role=color', 'blueGreen.color=green'],
        ['blueGreen.role=switch', 'blueGreen.activeColor=green', 'blueGreen.releasedColor=blue'],
      ],
    ],
    [
      'deployment over an unreleased colour keeps the released one',
      'deployment',
      'green',
      'blue',
      'run',
      [
        ['blueGreen.role=color', 'blueGreen.color=green'],
        ['blueGreen.role=switch', 'blueGreen.activeColor=green', 'blueGreen.releasedColor=blue'],
      ],
    ],
    [
      'deployment before the first release',
      'deployment',
      'blue',
      null,
      'run',
      [
        ['blueGreen.role=color', 'blueGreen.color=green'],
        ['blueGreen.role=switch', 'blueGreen.activeColor=green'],
      ],
    ],
    [
      'release',
      'release',
      'green',
      'blue',
      'run',
      [['blueGreen.role=switch', 'blueGreen.activeColor=green', 'blueGreen.releasedColor=green']],
    ],
    ['release again', 'release', 'green', 'green', 'nothing', []],
    ['release before any deployment', 'release', null, null, 'impossible', []],
    [
      'rollback',
      'rollback',
      'green',
      'blue',
      'run',
      [['blueGreen.role=switch', 'blueGreen.activeColor=blue', 'blueGreen.releasedColor=blue']],
    ],
    ['rollback when nothing changed', 'rollback', 'blue', 'blue', 'nothing', []],
    ['rollback of a never-released first deployment', 'rollback', 'blue', null, 'impossible', []],
    ['rollback before anything', 'rollback', null, null, 'nothing', []],
  ])('%s', (_name, action, active, released, kind, expectedSets) => {
    const decision = decideHelmStep(action, blueGreen, state(active, released));
    expect(decision.kind).toBe(kind);
    const commands = decision.kind === 'run' ? decision.commands : [];
    expect(commands.map((argv) => sets(argv).filter((set) => set.startsWith('blueGreen.')))).toEqual(
      expectedSets,
    );
  });

  it('deploys the colour release and then upgrades the switch release', () => {
    const decision = decideHelmStep('deployment', blueGreen, state('blue', 'blue'));
    expect(decision.kind === 'run' && decision.commands.map((argv) => argv[3])).toEqual([
      'shop-prod-carts-green',
      'shop-prod-carts',
    ]);
  });
});

describe('user_managed', () => {
  it.each<HelmAction>(['deployment', 'release', 'rollback'])('%s runs no Helm command', (action) => {
    const target_ = target({ strategy: 'user_managed' });
    expect(planReads(action, target_)).toEqual([]);
    expect(decideHelmStep(action, target_, {})).toMatchObject({ kind: 'nothing', release: null });
  });
});

describe('planHelm', () => {
  it('lists reads first, then the changes', () => {
    const plan = planHelm('release', blueGreen, state('green', 'blue'));
    expect(plan.commands.map((argv) => argv.slice(1, 3))).toEqual([
      ['get', 'values'],
      ['upgrade', '--install'],
    ]);
    expect(plan.description).toBe('release (blue_green_service) of shop-prod-carts in shop-prod');
  });

  it.each<[HelmAction, HelmTarget, string]>([
    [
      'deployment',
      blueGreen,
      'upgrade shop-prod-carts-blue or shop-prod-carts-green (whichever is not released) and switch shop-prod-carts to it, after reading the colours of shop-prod-carts',
    ],
    [
      'rollback',
      target(),
      'roll shop-prod-carts back to its last successful revision, after reading its history',
    ],
  ])(
    'without the reads\u2019 answers, %s lists the reads and says what they decide',
    (action, target_, description) => {
      const plan = planHelm(action, target_);
      expect(plan).toEqual({ commands: planReads(action, target_), description });
    },
  );

  it('is complete without reads for a direct deployment', () => {
    const plan = planHelm('deployment', target());
    expect(plan.commands).toHaveLength(1);
    expect(plan.decision?.kind).toBe('run');
  });
});
