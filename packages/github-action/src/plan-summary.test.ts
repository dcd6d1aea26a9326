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
const plan = (trigger: StagePlan['trigger'], checks: StagePlan['checks'] = { problems: [], notes: [] }) =>
  ({
    setup,
    trigger,
    tasks: [deploy],
    onFail: [{ sequence: 'rollback', tasks: [{ ...deploy, task: 'rollback', commands: [] }] }],
    checks,
  }) as unknown as StagePlan;

describe('summarisePlan', () => {
  it('lists each task with its files and commands, and what runs if it fails', () => {
    const summary = summarisePlan('trigger-deployment', plan({ triggeredBy: 'manual', forced: false }));
    expect(summary.refused).toBe(false);
    expect(summary.problems).toBeUndefined();
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
      '',
      'Checks: no problems found; the run would start',
    ]);
  });

  it('lists the problems the checks before the run found, and their notes', () => {
    const summary = summarisePlan(
      'trigger-deployment',
      plan(
        { triggeredBy: 'manual', forced: false },
        {
          problems: [
            {
              where: 'hardening.delivery task 2 (tests)',
              message: 'the shipyard task "tests" has no runner',
              hint: 'did you mean "test"?',
              exitCode: 2,
            },
          ],
          notes: ['hardening.delivery task 4 (approval): a warning result needs a manual approval'],
        },
      ),
    );
    expect(summary.headline).toContain('; the real run would stop before its first task: 1 problem');
    // The step's error annotation (all a reader of the run page sees) says which, where and how.
    expect(summary.problems).toBe(
      '1. hardening.delivery task 2 (tests): the shipyard task "tests" has no runner\n   hint: did you mean "test"?',
    );
    expect(summary.details.split('\n').slice(-7)).toEqual([
      'Checks: the run would stop before its first task',
      '',
      '- hardening.delivery task 2 (tests): the shipyard task "tests" has no runner (did you mean "test"?)',
      '',
      'Notes',
      '',
      '- hardening.delivery task 4 (approval): a warning result needs a manual approval',
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
