import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../errors.js';
import { keptnShipyard, planOf, shipyardOf } from './test-support/pipelines.js';
import type { PipelinePlan } from './types.js';

/** The jobs as `id <- needs [command, manual]` lines: the shape of the pipeline at a glance. */
function shape(plan: PipelinePlan): string[] {
  return plan.jobs.map(
    (j) =>
      `${j.id} <- [${j.needs.join(', ')}] ${j.command}${j.from === undefined ? '' : ` from ${j.from}`}${j.manualApproval ? ' manual' : ''}`,
  );
}

const header = 'apiVersion: spec.keptn.sh/0.2.3\nkind: Shipyard\nmetadata: {name: x}\nspec:\n  stages:\n';

describe('planPipeline', () => {
  it('chains the sock shop: delivery jobs in stage order, triggeredOn as needs, rollback inside its job', async () => {
    const plan = planOf(await keptnShipyard('examples_onboarding-carts_shipyard.yaml'));
    expect(shape(plan)).toEqual([
      'dev-delivery-carts <- [] trigger-deployment',
      'staging-delivery-carts <- [dev-delivery-carts] promote',
      'production-delivery-carts <- [staging-delivery-carts] promote',
    ]);
    expect(plan.stageOrder).toEqual(['dev', 'staging', 'production']);
    expect(plan.jobs[1]!.triggeredBy).toEqual(['dev.delivery.finished']);
    expect(plan.jobs[1]!.followUps).toEqual(['rollback']);
    expect(plan.skipped.map((s) => `${s.stage}.${s.sequence}: ${s.reason}`)).toEqual([
      'dev.delivery-direct: not an entry sequence: start it with ci-connect trigger-deployment --stage dev --sequence delivery-direct, or generate with --sequence delivery-direct',
      'staging.rollback: runs in the job of staging.delivery when that ends with fail',
      'staging.delivery-direct: starts on dev.delivery-direct.finished, and no job of the pipeline runs that',
      'production.rollback: runs in the job of production.delivery when that ends with fail',
      'production.delivery-direct: starts on staging.delivery-direct.finished, and no job of the pipeline runs that',
      'production.remediation: remediation starts on a problem, not in a pipeline: run ci-connect remediate (its triggeredOn production.remediation.finished repeats it while the problem lasts)',
    ]);
  });

  it('starts from the sequences --sequence names instead, and refuses one that nothing can start', async () => {
    const shipyard = await keptnShipyard('examples_onboarding-carts_shipyard.yaml');
    expect(shape(planOf(shipyard, { entrySequences: ['delivery-direct'] }))).toEqual([
      'dev-delivery-direct-carts <- [] trigger-deployment',
      'staging-delivery-direct-carts <- [dev-delivery-direct-carts] promote',
      'production-delivery-direct-carts <- [staging-delivery-direct-carts] promote',
    ]);
    expect(() => planOf(shipyard, { entrySequences: ['rollback'] })).toThrow(UsageError);
  });

  it('runs user_managed deployments with trigger-deployment (promote needs a Helm chart), remediation has no job', async () => {
    const plan = planOf(await keptnShipyard('examples_quickstart_shipyard.yaml'));
    expect(shape(plan)).toEqual([
      'hardening-delivery-carts <- [] trigger-deployment',
      'production-delivery-carts <- [hardening-delivery-carts] trigger-deployment',
    ]);
    expect(plan.skipped.map((s) => s.sequence)).toEqual(['remediation']);
  });

  it('gives a stage with no sequence (a quality gate) an evaluate job', async () => {
    const plan = planOf(await keptnShipyard('examples_onboarding-carts_shipyard-quality-gates.yaml'));
    expect(shape(plan)).toEqual(['hardening-evaluation-carts <- [] evaluate']);
  });

  it('leaves a quality-gate stage out when --sequence does not name evaluation, and says so', async () => {
    const shipyard = await shipyardOf(
      `${header}    - name: dev\n      sequences:\n        - name: delivery\n          tasks: [{name: release}]\n` +
        `    - name: gate\n      sequences: []\n`,
    );
    expect(shape(planOf(shipyard))).toEqual([
      'dev-delivery-carts <- [] trigger-deployment',
      'gate-evaluation-carts <- [] evaluate',
    ]);
    const plan = planOf(shipyard, { entrySequences: ['delivery'] });
    expect(shape(plan)).toEqual(['dev-delivery-carts <- [] trigger-deployment']);
    expect(plan.skipped).toEqual([
      {
        stage: 'gate',
        sequence: 'evaluation',
        reason: 'a quality-gate stage: add --sequence evaluation for its evaluate job',
      },
    ]);
  });

  it('starts from every untriggered sequence when no stage has a delivery (argo, tracetest)', async () => {
    expect(shape(planOf(await keptnShipyard('examples_onboarding-carts_shipyard-argo.yaml')))).toEqual([
      'production-artifact-delivery-carts <- [] trigger-deployment',
    ]);
    expect(shape(planOf(await keptnShipyard('tracetest_shipyard.yaml')))).toEqual([
      'dev-sequence1-carts <- [] trigger-deployment',
    ]);
  });

  it('reads legacy 0.1 approval_strategy: a manual warning makes the job manual', async () => {
    const plan = planOf(await keptnShipyard('examples-0.7.3_onboarding-carts_shipyard.yaml'));
    expect(plan.jobs.map((j) => [j.id, j.manualApproval])).toEqual([
      ['dev-delivery-carts', false],
      ['staging-delivery-carts', false],
      ['production-delivery-carts', true],
    ]);
    expect(plan.jobs.map((j) => j.needs)).toEqual([[], ['dev-delivery-carts'], ['staging-delivery-carts']]);
  });

  it('makes an approval task without properties manual, as Keptn did', async () => {
    const shipyard = await shipyardOf(
      `${header}    - name: dev\n      sequences:\n        - name: delivery\n          tasks: [{name: evaluation}]\n` +
        `    - name: prod\n      sequences:\n        - name: delivery\n          triggeredOn: [{event: dev.delivery.finished}]\n` +
        `          tasks: [{name: approval}, {name: deployment, properties: {deploymentstrategy: direct}}]\n`,
    );
    expect(shape(planOf(shipyard))).toEqual([
      'dev-delivery-carts <- [] trigger-deployment',
      'prod-delivery-carts <- [dev-delivery-carts] trigger-deployment manual',
    ]);
  });

  it('runs stages triggered by the same stage side by side, and a join after both', async () => {
    const seq = (stage: string, after: string[]) =>
      `    - name: ${stage}\n      sequences:\n        - name: delivery\n` +
      (after.length === 0
        ? ''
        : `          triggeredOn: [${after.map((a) => `{event: ${a}.delivery.finished}`).join(', ')}]\n`) +
      `          tasks: [{name: deployment, properties: {deploymentstrategy: direct}}]\n`;
    const shipyard = await shipyardOf(
      header + seq('dev', []) + seq('eu', ['dev']) + seq('us', ['dev']) + seq('global', ['eu', 'us']),
    );
    expect(shape(planOf(shipyard))).toEqual([
      'dev-delivery-carts <- [] trigger-deployment',
      'eu-delivery-carts <- [dev-delivery-carts] promote',
      'us-delivery-carts <- [dev-delivery-carts] promote from dev',
      'global-delivery-carts <- [eu-delivery-carts, us-delivery-carts] promote from eu',
    ]);
  });

  it('orders stages by triggeredOn, not by where the shipyard lists them', async () => {
    const shipyard = await shipyardOf(
      `${header}    - name: prod\n      sequences:\n        - name: delivery\n          triggeredOn: [{event: dev.delivery.finished}]\n          tasks: [{name: release}]\n` +
        `    - name: dev\n      sequences:\n        - name: delivery\n          tasks: [{name: release}]\n`,
    );
    const plan = planOf(shipyard);
    expect(plan.stageOrder).toEqual(['dev', 'prod']);
    expect(shape(plan)).toEqual([
      'dev-delivery-carts <- [] trigger-deployment',
      'prod-delivery-carts <- [dev-delivery-carts] trigger-deployment',
    ]);
  });

  it('refuses stages whose triggeredOn wait for each other (exit 2)', async () => {
    const shipyard = await shipyardOf(
      `${header}    - name: dev\n      sequences:\n        - name: delivery\n          tasks: [{name: release}]\n` +
        `    - name: a\n      sequences:\n        - name: delivery\n          triggeredOn: [{event: dev.delivery.finished}, {event: b.delivery.finished}]\n          tasks: [{name: release}]\n` +
        `    - name: b\n      sequences:\n        - name: delivery\n          triggeredOn: [{event: a.delivery.finished}]\n          tasks: [{name: release}]\n`,
    );
    const error = (() => {
      try {
        planOf(shipyard);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      '.ci-connect/shipyard.yaml: the triggeredOn of stages a, b wait for each other: a waits for b.delivery.finished, b waits for a.delivery.finished',
    );
    expect((error as ConfigError).exitCode).toBe(2);
  });

  it('makes jobs per service, each waiting for its own service', async () => {
    const plan = planOf(await keptnShipyard('examples_quickstart_shipyard.yaml'), {
      services: ['carts', 'orders.v2'],
    });
    expect(shape(plan)).toEqual([
      'hardening-delivery-carts <- [] trigger-deployment',
      'hardening-delivery-orders_v2 <- [] trigger-deployment',
      'production-delivery-carts <- [hardening-delivery-carts] trigger-deployment',
      'production-delivery-orders_v2 <- [hardening-delivery-orders_v2] trigger-deployment',
    ]);
  });

  it.each([['carts shop'], ["o'brien"], ['-flag'], ['a/b'], ['${x}'], ['x'.repeat(64)]])(
    'refuses the service name %j with exit 2',
    async (service) => {
      const shipyard = await keptnShipyard('examples_quickstart_shipyard.yaml');
      expect(() => planOf(shipyard, { services: [service] })).toThrow(UsageError);
    },
  );

  it('refuses two services whose job ids would be the same', async () => {
    const shipyard = await keptnShipyard('examples_quickstart_shipyard.yaml');
    expect(() => planOf(shipyard, { services: ['a.b', 'a_b'] })).toThrow(/would both be named/);
  });
});
