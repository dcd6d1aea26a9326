import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { UsageError } from '../errors.js';
import { GITHUB_ACTION, renderGithub } from './render-github.js';
import { keptnShipyard, planOf, schemaValidator } from './test-support/pipelines.js';

// The run's page lists who approved its deployments; the job itself cannot know.
const RUN_URL = '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}';

type Job = {
  if?: string;
  needs?: string[];
  environment?: string;
  concurrency: unknown;
  steps: { uses: string; with?: Record<string, unknown> }[];
};

function github(plan: Parameters<typeof renderGithub>[0]['plan']) {
  const text = renderGithub({ plan, command: 'ci-connect generate pipeline --ci github' });
  return { text, document: parse(text) as { permissions: unknown; jobs: Record<string, Job> } };
}

describe('renderGithub', () => {
  it('runs the action per job: needs from triggeredOn, environments, reviewers for manual approvals', async () => {
    const plan = planOf(await keptnShipyard('examples-0.7.3_onboarding-carts_shipyard.yaml'));
    const { text, document } = github(plan);
    expect(document.permissions).toEqual({ contents: 'write' });
    const { 'dev-delivery-carts': dev, 'production-delivery-carts': prod } = document.jobs;
    expect(dev!.if).toBe('github.ref_name == github.event.repository.default_branch');
    expect(dev!.needs).toBeUndefined();
    expect(prod!.if).toBeUndefined();
    expect(prod!.needs).toEqual(['staging-delivery-carts']);
    expect(prod!.environment).toBe('production');
    expect(prod!.concurrency).toEqual({ group: 'ci-connect-production-carts', 'cancel-in-progress': false });
    expect(prod!.steps[1]).toEqual({
      id: 'ci-connect',
      uses: GITHUB_ACTION,
      with: {
        command: 'promote',
        stage: 'production',
        service: 'carts',
        version: '${{ github.sha }}',
        history: 'git:ci-connect-history',
        approved_by: `reviewers of environment production: ${RUN_URL}`,
      },
    });
    expect(prod!.steps[0]).toEqual({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
    expect(dev!.steps[1]!.with).not.toHaveProperty('approved_by');
    expect(text).toContain(
      '# required reviewers to it (Settings > Environments) and the job waits for one of them:\n# production.',
    );
  });

  it('asks only for read access without a git: history; a gate stage has no environment', async () => {
    const plan = planOf(await keptnShipyard('examples_onboarding-carts_shipyard-quality-gates.yaml'), {
      history: 'postgres://ci@db.example.com/ci_history',
    });
    const { document } = github(plan);
    expect(document.permissions).toEqual({ contents: 'read' });
    const job = document.jobs['hardening-evaluation-carts']!;
    expect(job.environment).toBeUndefined();
    expect(job.steps[1]!.with).toMatchObject({
      command: 'evaluate',
      history: 'postgres://ci@db.example.com/ci_history',
    });
    expect(schemaValidator('github-workflow')(document)).toBe(true);
  });

  it.each([
    ['project', { project: '${{ secrets.DEPLOY_KEY }}' }],
    ['history', { history: 'git:h@https://x:${{ secrets.PAT }}@github.com/o/r.git' }],
    ['configDir', { configDir: 'conf/${{github.token}}' }],
  ])('refuses a %s holding a GitHub expression, which the workflow would evaluate', async (_, request) => {
    const plan = planOf(await keptnShipyard('examples_quickstart_shipyard.yaml'), request);
    expect(() => github(plan)).toThrow(UsageError);
    expect(() => github(plan)).toThrow(/\$\{\{ .*GitHub evaluates/);
  });

  it('passes the env vars ci-connect reads from repository secrets and variables: GitHub gives a step none', async () => {
    const plan = planOf(await keptnShipyard('examples_quickstart_shipyard.yaml'), {
      env: { secrets: ['PROMETHEUS_TOKEN', 'DT_API_TOKEN'], variables: ['PROMETHEUS_URL'] },
    });
    const { text, document } = github(plan);
    const steps = document.jobs['production-delivery-carts']!.steps as { env?: unknown }[];
    expect(steps[0]!.env).toBeUndefined();
    expect(steps[1]!.env).toEqual({
      DT_API_TOKEN: '${{ secrets.DT_API_TOKEN }}',
      PROMETHEUS_TOKEN: '${{ secrets.PROMETHEUS_TOKEN }}',
      PROMETHEUS_URL: '${{ vars.PROMETHEUS_URL }}',
    });
    expect(text).toContain('# Secrets and variables: ');
    expect(schemaValidator('github-workflow')(document)).toBe(true);
  });
});
