/**
 * `.gitlab-ci.yml`: one `include` of the ci-connect CI/CD component per job, with the inputs the
 * component defines (docs/ci/gitlab.md): the job's name and GitLab stage, `when: manual` for a
 * manual approval (the component names the environment after the stage: protect it), and the
 * shipyard stage, service and history store. A job's `needs` go in a job of the same name, which
 * GitLab merges into the component's job: the component has no needs input, as its default
 * (`needs: []`) would start a job the moment the pipeline is created.
 */

import { stringify } from 'yaml';
import { commentBlock, headerLines, manualStages } from './header.js';
import { isDefaultSequence, type RenderRequest } from './render-request.js';
import type { PipelineJob, PipelinePlan } from './types.js';

/** The component project and the version these pipelines are written for. */
export const GITLAB_COMPONENT = '$CI_SERVER_FQDN/ci-connect/gitlab-component';
export const GITLAB_COMPONENT_VERSION = '0.1.0';

/** The variable the default history URL takes its push token from. */
export const GITLAB_HISTORY_TOKEN_VARIABLE = 'CI_CONNECT_HISTORY_TOKEN';

/** A branch of the project itself, pushed to with a project access token (CI_JOB_TOKEN cannot push). */
export const GITLAB_DEFAULT_HISTORY = `git:ci-connect-history@https://oauth2:\${${GITLAB_HISTORY_TOKEN_VARIABLE}}@\${CI_SERVER_HOST}/\${CI_PROJECT_PATH}.git`;

/** Renders the plan as a `.gitlab-ci.yml`. */
export function renderGitlab(request: RenderRequest): string {
  const { plan } = request;
  const document = {
    stages: plan.stageOrder,
    // A deployment pipeline: pushes to the default branch, and runs started by hand.
    workflow: {
      rules: [{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }, { if: '$CI_PIPELINE_SOURCE == "web"' }],
    },
    include: plan.jobs.map((job) => ({
      component: `${GITLAB_COMPONENT}/${job.command}@${GITLAB_COMPONENT_VERSION}`,
      inputs: inputsOf(plan, job),
    })),
    // Job ids (`<stage>-<sequence>-<service>`) have a `-`, so none is a top-level keyword.
    ...Object.fromEntries(
      plan.jobs.filter((job) => job.needs.length > 0).map((job) => [job.id, { needs: [...job.needs] }]),
    ),
  };
  const header = headerLines(plan, 'gitlab', request.command, {
    history: historyNotes(plan.history),
    approvals: [
      'Manual approvals: a job runs when a person presses play, and records them as the approver',
      '($GITLAB_USER_LOGIN). Protect the environments of these stages (Settings > CI/CD >',
      `Protected environments) so that only approvers may: ${manualStages(plan).join(', ')}.`,
    ],
  });
  // Quoted as YAML 1.1 needs: GitLab reads .gitlab-ci.yml as YAML 1.1, where a stage named `no`, `on` or `y`
  // would be a boolean.
  return commentBlock(header, '#') + '\n' + stringify(document, { lineWidth: 0, version: '1.1' });
}

/**
 * The image of every job when the history is a `git:` branch: the component's default
 * (node:22-bookworm-slim) has no git, the full Debian image of the same Node.js has.
 */
export const GITLAB_GIT_IMAGE = 'node:22-bookworm';

function inputsOf(plan: PipelinePlan, job: PipelineJob): Record<string, unknown> {
  const sequence = isDefaultSequence(job) ? undefined : job.sequence;
  return {
    job_name: job.id,
    job_stage: job.stage,
    // The component passes --approved-by $GITLAB_USER_LOGIN when a manual job is played.
    ...(job.manualApproval ? { when: 'manual' } : {}),
    stage: job.stage,
    service: job.service,
    ...(plan.project === undefined ? {} : { project: plan.project }),
    ...(plan.configDir === undefined ? {} : { config_dir: plan.configDir }),
    history: plan.history,
    ...(plan.history.startsWith('git:') ? { image: GITLAB_GIT_IMAGE } : {}),
    ...(job.from === undefined ? {} : { from_stage: job.from }),
    // trigger-deployment has a sequence input; promote takes the flag.
    ...(sequence === undefined
      ? {}
      : job.command === 'promote'
        ? { extra_args: `--sequence ${sequence}` }
        : { sequence }),
  };
}

function historyNotes(history: string): string[] {
  const lines = [`History: ${history}`];
  if (history === GITLAB_DEFAULT_HISTORY)
    lines.push(
      'a branch ci-connect-history of this project, which outlives the runners. CI_JOB_TOKEN cannot',
      `push: create a project access token with the write_repository scope (role Developer) and store`,
      `it as a masked CI/CD variable ${GITLAB_HISTORY_TOKEN_VARIABLE}. If the branch is protected, allow the token's bot to push.`,
      `The component's default image (node:22-bookworm-slim) has no git: the jobs run in ${GITLAB_GIT_IMAGE},`,
      'which has. A stage that deploys with Helm needs helm too: give its job an image with both.',
    );
  else if (history.startsWith('file:'))
    lines.push('a file on the runner: it is gone when the job ends, so every gate compares with nothing.');
  return lines;
}
