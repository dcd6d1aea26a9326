import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors.js';
import { colorReleaseName, resolveHelmNames } from './naming.js';
import type { HelmTarget } from './types.js';

const target = (overrides: Partial<HelmTarget>): HelmTarget => ({
  project: 'shop',
  stage: 'prod',
  service: 'carts',
  strategy: 'direct',
  chartDir: 'helm',
  valuesFiles: [],
  ...overrides,
});

describe('resolveHelmNames', () => {
  // Keptn helm-service: <project>-<stage>-<service>, dropping the project, then the stage, while
  // the name (plus suffix) is not shorter than 53 characters.
  it.each<[string, Partial<HelmTarget>, { namespace: string; release: string }]>([
    ['Keptn default', {}, { namespace: 'shop-prod', release: 'shop-prod-carts' }],
    ['no project', { project: undefined }, { namespace: 'prod', release: 'prod-carts' }],
    [
      'project dropped when too long',
      { project: 'p'.repeat(30), service: 's'.repeat(20) },
      { namespace: `${'p'.repeat(30)}-prod`, release: `prod-${'s'.repeat(20)}` },
    ],
    [
      'project and stage dropped',
      { project: 'p', stage: 't'.repeat(20), service: 's'.repeat(40) },
      { namespace: `p-${'t'.repeat(20)}`, release: 's'.repeat(40) },
    ],
    [
      'blue/green keeps room for "-green"',
      { strategy: 'blue_green_service', project: 'p'.repeat(20), stage: 'x', service: 's'.repeat(27) },
      { namespace: `${'p'.repeat(20)}-x`, release: `x-${'s'.repeat(27)}` },
    ],
    ['overrides win', { releaseName: 'carts', namespace: 'apps' }, { namespace: 'apps', release: 'carts' }],
  ])('%s', (_name, overrides, expected) => {
    expect(resolveHelmNames(target(overrides))).toEqual(expected);
  });

  it.each<[string, Partial<HelmTarget>, string]>([
    ['uppercase service', { service: 'Carts' }, '"shop-prod-Carts" cannot be a Helm release name'],
    [
      'service too long even alone',
      { service: 's'.repeat(60) },
      `"${'s'.repeat(60)}" cannot be a Helm release name`,
    ],
    [
      'release override too long for blue/green',
      { strategy: 'blue_green_service', releaseName: 'r'.repeat(50) },
      `"${'r'.repeat(50)}" cannot be a Helm release name`,
    ],
    ['namespace with underscore', { namespace: 'my_apps' }, '"my_apps" cannot be a Kubernetes namespace'],
  ])('refuses %s with a ConfigError that says how to fix it', (_name, overrides, message) => {
    let thrown: unknown;
    try {
      resolveHelmNames(target(overrides));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toMatchObject({ message, exitCode: 2, hint: expect.stringMatching(/set the deployment/) });
  });

  it('names the colour releases after the switch release', () => {
    expect(colorReleaseName('shop-prod-carts', 'green')).toBe('shop-prod-carts-green');
  });
});
