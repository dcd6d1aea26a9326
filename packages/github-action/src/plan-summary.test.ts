import type { StagePlan } from '@ci-connect/core';
import { describe, expect, it } from 'vitest';
import { summarisePlan } from './plan-summary.js';

const setup = { stage: 'hardening', sequence: 'delivery', service: 'carts', project: 'shop' };
const deploy = {
  task: 'deployment',
  runner: 'helm',
  description: 'deploy carts with Helm | direct',
  files: ['.ci-connect/base/carts/helm/values.yaml'],
  commands: [['helm', 'upgrade', '--install', 'carts', './chart', '--values', 'v|1.yaml']],
};
const plan = (trigger: StagePlan['trigger']) =>
  ({
    setup,
    trigger,
    tasks: [deploy],
    onFail: [{ sequence: 'rollback', tasks: [{ ...deploy, task: 'rollback', commands: [] }] }],
  }) as unknown as StagePlan;

describe('summarisePlan', () => {
  it('lists each task with its files and commands, and what runs if it fails', () => {
    const summary = summarisePlan('trigger-deployment', plan({ triggeredBy: 'manual', forced: false }));
    expect(summary.refused).toBe(false);
    expect(summary.headline).toBe(
      'dry run of trigger-deployment: hardening.delivery for carts (project shop); nothing was changed',
    );
    expect(summary.details.split('\n')).toEqual([
      'triggeredOn: manual',
      '',
      '| task | runner | what it would do | files and commands |',
      '|---|---|---|---|',
      '| deployment | helm | deploy carts with Helm \\| direct | `.ci-connect/base/carts/helm/values.yaml`<br>`helm upgrade --install carts ./chart --values v\\|1.yaml` |',
      '',
      'If it fails: hardening.rollback',
      '',
      '| task | runner | what it would do | files and commands |',
      '|---|---|---|---|',
      '| rollback | helm | deploy carts with Helm \\| direct | `.ci-connect/base/carts/helm/values.yaml` |',
    ]);
  });

  it('says when triggeredOn would refuse the real run', () => {
    const summary = summarisePlan('promote', plan({ refused: 'no hardening.delivery run of carts 1.4.2' }));
    expect(summary.refused).toBe(true);
    expect(summary.headline).toContain(
      'the real run would be refused: no hardening.delivery run of carts 1.4.2',
    );
  });
});
