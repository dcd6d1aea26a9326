/**
 * `.github/workflows/ci-connect.yml`: one job per planned job, each checking out the repository
 * and running the ci-connect action (docs/ci/github.md) with its inputs. `needs` carries
 * triggeredOn; a deploying job names the stage as its GitHub environment, where required
 * reviewers make the manual approvals; jobs of one stage and service queue (`concurrency`),
 * as Keptn queued sequences of one stage and service.
 */

import { stringify } from 'yaml';
import { UsageError } from '../errors.js';
import { commentBlock, headerLines, manualStages } from './header.js';
import { isDefaultSequence, type RenderRequest } from './render-request.js';
import type { PipelineJob, PipelinePlan } from './types.js';

export const GITHUB_ACTION = 'ci-connect/ci-connect/packages/github-action@v0.1.0';
export const GITHUB_CHECKOUT = 'actions/checkout@v4';

/** The run's page, which lists who reviewed its deployments. */
const RUN_URL = '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}';

/** A branch of the repository, pushed to with the job's GITHUB_TOKEN (`contents: write`). */
export const GITHUB_DEFAULT_HISTORY = 'git:ci-connect-history';

/** Renders the plan as a GitHub Actions workflow. */
export function renderGithub(request: RenderRequest): string {
  const { plan } = request;
  const document = {
    name: 'ci-connect',
    on: { push: { branches: ['**'] }, workflow_dispatch: {} },
    // git: history pushes a branch of this repository; nothing else writes.
    permissions: { contents: plan.history.startsWith('git:') ? 'write' : 'read' },
    jobs: Object.fromEntries(plan.jobs.map((job) => [job.id, jobOf(plan, job)])),
  };
  const header = headerLines(plan, 'github', request.command, {
    history: [...historyNotes(plan.history), ...envNotes(plan)],
    approvals: [
      'Manual approvals: these jobs deploy to a GitHub environment named after the stage; add',
      'required reviewers to it (Settings > Environments) and the job waits for one of them:',
      `${manualStages(plan).join(', ')}. (Private repositories need GitHub Enterprise for reviewers.)`,
    ],
  });
  // Quoted as YAML 1.1 needs: YAML 1.1 readers (and yamllint) see `on`, where a stage named `no`, `on` or `y`
  // would be a boolean.
  return commentBlock(header, '#') + '\n' + stringify(document, { lineWidth: 0, version: '1.1' });
}

function jobOf(plan: PipelinePlan, job: PipelineJob): Record<string, unknown> {
  const deploys = job.command !== 'evaluate';
  return {
    name: `${job.stage} ${job.sequence} (${job.service})`,
    // The pipeline starts on the default branch only; later jobs are skipped with the jobs they need.
    ...(job.needs.length === 0
      ? { if: 'github.ref_name == github.event.repository.default_branch' }
      : { needs: [...job.needs] }),
    'runs-on': 'ubuntu-latest',
    ...(deploys ? { environment: job.stage } : {}),
    concurrency: { group: `ci-connect-${job.stage}-${job.service}`, 'cancel-in-progress': false },
    steps: [
      // promote reads the chart and values of the commit the earlier stage recorded.
      { uses: GITHUB_CHECKOUT, ...(job.command === 'promote' ? { with: { 'fetch-depth': 0 } } : {}) },
      {
        id: 'ci-connect',
        uses: GITHUB_ACTION,
        with: inputsOf(plan, job),
        // A step sees no secret and no repository variable unless the workflow maps them; only
        // this step gets them (not checkout). One left unset is empty: ci-connect reads it as unset.
        ...(envOf(plan) === undefined ? {} : { env: envOf(plan) }),
      },
    ],
  };
}

function inputsOf(plan: PipelinePlan, job: PipelineJob): Record<string, string> {
  return {
    command: job.command,
    stage: job.stage,
    service: job.service,
    version: '${{ github.sha }}',
    ...(plan.project === undefined ? {} : { project: literal(plan.project, '--project') }),
    ...(plan.configDir === undefined ? {} : { config_dir: literal(plan.configDir, '--config-dir') }),
    history: literal(plan.history, '--history'),
    ...(isDefaultSequence(job) ? {} : { sequence: job.sequence }),
    ...(job.from === undefined ? {} : { from_stage: job.from }),
    // GitHub does not tell a job who approved it (github.actor is who started the run): the
    // record names the environment's reviewers and the run, whose page shows who approved.
    ...(job.manualApproval ? { approved_by: `reviewers of environment ${job.stage}: ${RUN_URL}` } : {}),
  };
}

/**
 * A value as the workflow must pass it: GitHub evaluates `${{ ... }}` anywhere in a `with:` value
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/expressions), so such a
 * value would reach secrets and record them in the history. Stage, sequence and service names
 * cannot hold it; these can.
 */
function literal(value: string, flag: string): string {
  if (!value.includes('${{')) return value;
  throw new UsageError(
    `${flag} ${JSON.stringify(value)} holds \${{ ... }}, which GitHub evaluates in a workflow (secrets included)`,
    { hint: `give ${flag} a plain value (or its setting in ci-connect.yaml), without \${{` },
  );
}

/** `NAME: ${{ secrets.NAME }}` per secret, `${{ vars.NAME }}` per variable, by name. */
function envOf(plan: PipelinePlan): Record<string, string> | undefined {
  const entries = [
    ...plan.env.secrets.map((name) => [literalName(name), `\${{ secrets.${name} }}`] as const),
    ...plan.env.variables.map((name) => [literalName(name), `\${{ vars.${name} }}`] as const),
  ].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** An env var name that is also a secret or variable name GitHub can look up. */
function literalName(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  throw new UsageError(
    `ci-connect.yaml names the env var ${JSON.stringify(name)}, which no GitHub secret can be`,
    {
      hint: 'name env vars with letters, digits and "_" (e.g. PROMETHEUS_TOKEN)',
    },
  );
}

function envNotes(plan: PipelinePlan): string[] {
  if (plan.env.secrets.length + plan.env.variables.length === 0) return [];
  return [
    '',
    `Secrets and variables: the jobs read ${plan.env.secrets.join(', ') || 'no secret'} from repository (or`,
    `environment) secrets and ${plan.env.variables.join(', ') || 'no variable'} from variables of the same names`,
    '(Settings > Secrets and variables > Actions); one left unset is empty, which ci-connect reads as unset.',
  ];
}

function historyNotes(history: string): string[] {
  const lines = [`History: ${history}`];
  if (history === GITHUB_DEFAULT_HISTORY)
    lines.push(
      'a branch ci-connect-history of this repository, which outlives the runners: the jobs push it',
      'with their GITHUB_TOKEN (permissions: contents: write; actions/checkout keeps the token).',
      'A branch protection rule or ruleset matching it must let github-actions[bot] push.',
    );
  else if (history.startsWith('file:'))
    lines.push('a file on the runner: it is gone when the job ends, so every gate compares with nothing.');
  return lines;
}
