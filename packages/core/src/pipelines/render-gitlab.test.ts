import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GITLAB_DEFAULT_HISTORY, renderGitlab } from './render-gitlab.js';
import { keptnShipyard, planOf, schemaValidator, shipyardOf } from './test-support/pipelines.js';

type Include = { component: string; inputs: Record<string, unknown> };

function gitlab(plan: Parameters<typeof renderGitlab>[0]['plan']) {
  const text = renderGitlab({ plan, command: 'ci-connect generate pipeline --ci gitlab' });
  return {
    text,
    document: parse(text) as { stages: string[]; include: Include[]; workflow: unknown } & Record<
      string,
      unknown
    >,
  };
}

describe('renderGitlab', () => {
  it('includes the component per job with the fixed inputs, a manual approval as when: manual', async () => {
    const plan = planOf(await keptnShipyard('examples-0.7.3_onboarding-carts_shipyard.yaml'), {
      history: GITLAB_DEFAULT_HISTORY,
    });
    const { text, document } = gitlab(plan);
    expect(document.stages).toEqual(['dev', 'staging', 'production']);
    expect(document.include.map((i) => i.component)).toEqual([
      '$CI_SERVER_FQDN/ci-connect/gitlab-component/trigger-deployment@0.1.0',
      '$CI_SERVER_FQDN/ci-connect/gitlab-component/promote@0.1.0',
      '$CI_SERVER_FQDN/ci-connect/gitlab-component/promote@0.1.0',
    ]);
    expect(document.include[2]!.inputs).toEqual({
      job_name: 'production-delivery-carts',
      job_stage: 'production',
      when: 'manual',
      stage: 'production',
      service: 'carts',
      history: GITLAB_DEFAULT_HISTORY,
      // The component's default image has no git, which the git: history needs.
      image: 'node:22-bookworm',
    });
    expect(document.include[0]!.inputs).not.toHaveProperty('when');
    // needs: in a job of the same name, which GitLab merges into the component's job; the first
    // job has none (it follows stage order: never needs: [], which would start it at once).
    expect(document['production-delivery-carts']).toEqual({ needs: ['staging-delivery-carts'] });
    expect(document['staging-delivery-carts']).toEqual({ needs: ['dev-delivery-carts'] });
    expect(document).not.toHaveProperty('dev-delivery-carts');
    expect(text).not.toContain('needs: []');
    expect(text).toContain('# Protected environments) so that only approvers may: production.');
    expect(text).toContain('CI/CD variable CI_CONNECT_HISTORY_TOKEN');
    // git: history in the component's default image, which has no git, would fail every job.
    expect(text).toContain(
      "# The component's default image (node:22-bookworm-slim) has no git: the jobs run in node:22-bookworm,",
    );
  });

  it('passes a sequence other than delivery, the source stage of a promotion, project and config dir', async () => {
    const shipyard = await shipyardOf(
      'apiVersion: spec.keptn.sh/0.2.3\nkind: Shipyard\nmetadata: {name: x}\nspec:\n  stages:\n' +
        '    - name: dev\n      sequences:\n        - name: ship\n          tasks: [{name: deployment, properties: {deploymentstrategy: direct}}]\n' +
        '    - name: qa\n      sequences: []\n' +
        '    - name: prod\n      sequences:\n        - name: ship\n          triggeredOn: [{event: dev.ship.finished}]\n          tasks: [{name: deployment, properties: {deploymentstrategy: direct}}]\n',
    );
    const plan = planOf(shipyard, { project: 'shop: "main" #1', configDir: 'deploy/ci connect' });
    const { document } = gitlab(plan);
    const prod = document.include.find((i) => i.inputs.job_name === 'prod-ship-carts')!;
    expect(prod.inputs).toMatchObject({
      project: 'shop: "main" #1',
      config_dir: 'deploy/ci connect',
      from_stage: 'dev',
      extra_args: '--sequence ship',
    });
    expect(document.include[0]!.inputs).toMatchObject({ sequence: 'ship' });
    expect(document.include[0]!.inputs).not.toHaveProperty('extra_args');
    expect(document.include.map((i) => i.inputs.job_name)).toEqual([
      'dev-ship-carts',
      'qa-evaluation-carts',
      'prod-ship-carts',
    ]);
    expect(document.include[1]!.component).toMatch(/\/evaluate@0\.1\.0$/);
    expect(schemaValidator('gitlab-ci')(document)).toBe(true);
  });

  it('runs on the default branch and on runs started by hand', async () => {
    const { document } = gitlab(planOf(await keptnShipyard('examples_quickstart_shipyard.yaml')));
    expect(document.workflow).toEqual({
      rules: [{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }, { if: '$CI_PIPELINE_SOURCE == "web"' }],
    });
  });
});

describe("docs/ci/generate-pipeline.md's GitLab example", () => {
  it('is what generate pipeline writes for the shipyard the page shows', async () => {
    const page = readFileSync(
      fileURLToPath(new URL('../../../../docs/ci/generate-pipeline.md', import.meta.url)),
      'utf8',
    );
    const example = /`generate pipeline --ci gitlab` writes[^\n]*\n\n```yaml\n([\s\S]*?)```/.exec(page)![1]!;
    const shipyard = await shipyardOf(
      'apiVersion: spec.keptn.sh/0.2.2\nkind: Shipyard\nmetadata: {name: shipyard-sockshop}\nspec:\n  stages:\n' +
        '    - name: hardening\n      sequences:\n        - name: delivery\n          tasks:\n' +
        '            - {name: deployment, properties: {deploymentstrategy: direct}}\n' +
        '            - {name: test, properties: {teststrategy: performance}}\n            - name: evaluation\n' +
        '    - name: production\n      sequences:\n        - name: delivery\n' +
        '          triggeredOn: [{event: hardening.delivery.finished}]\n          tasks:\n' +
        '            - {name: approval, properties: {pass: automatic, warning: manual}}\n' +
        '            - {name: deployment, properties: {deploymentstrategy: direct}}\n            - name: release\n' +
        '        - name: remediation\n' +
        '          triggeredOn: [{event: production.remediation.finished, selector: {match: {evaluation.result: fail}}}]\n' +
        '          tasks: [{name: get-action}, {name: action}, {name: evaluation}]\n',
    );
    const { text } = gitlab(planOf(shipyard, { history: GITLAB_DEFAULT_HISTORY }));
    // The page shortens the header: its comment lines are the file's; the rest is the file's as it is.
    const body = (yaml: string) => yaml.slice(yaml.indexOf('\nstages:\n') + 1);
    expect(body(example)).toBe(body(text));
    for (const line of example.split('\n').filter((l) => l.startsWith('#') && l !== '# ...'))
      expect(text.split('\n'), line).toContain(line);
  });
});
