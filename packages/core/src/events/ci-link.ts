/**
 * Which CI system runs this job, and the link back to it, from an env map the caller passes in
 * (STYLE.md: environment injected; danger-js builds its CI sources the same way). Variables:
 * GitLab https://docs.gitlab.com/ci/variables/predefined_variables/, GitHub
 * https://docs.github.com/actions/reference/variables-reference, Jenkins `${JENKINS_URL}env-vars.html`.
 */

/** The CI systems ci-connect links back to. */
export type CiName = 'gitlab' | 'github' | 'jenkins';

/** Where the job that sent an event can be found. */
export interface CiJobLink {
  ci: CiName;
  /** The job (GitLab, Jenkins build) or workflow run (GitHub) page. */
  jobUrl: string;
  /** The whole pipeline, where the CI has a page for it apart from the job. */
  pipelineUrl?: string;
  jobName?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const DETECTORS: readonly ((env: Env) => CiJobLink | undefined)[] = [gitlab, github, jenkins];

/** The CI job link from env, or undefined outside a CI system we know (or without its URL variables). */
export function ciJobLink(env: Env): CiJobLink | undefined {
  for (const detect of DETECTORS) {
    const link = detect(env);
    if (link !== undefined) return link;
  }
  return undefined;
}

function gitlab(env: Env): CiJobLink | undefined {
  const jobUrl = value(env, 'CI_JOB_URL');
  if (value(env, 'GITLAB_CI') === undefined || jobUrl === undefined) return undefined;
  return withOptional({ ci: 'gitlab', jobUrl }, value(env, 'CI_PIPELINE_URL'), value(env, 'CI_JOB_NAME'));
}

function github(env: Env): CiJobLink | undefined {
  const server = value(env, 'GITHUB_SERVER_URL')?.replace(/\/+$/, '');
  const repository = value(env, 'GITHUB_REPOSITORY');
  const runId = value(env, 'GITHUB_RUN_ID');
  if (value(env, 'GITHUB_ACTIONS') !== 'true' || !server || !repository || !runId) return undefined;
  const jobUrl = `${server}/${repository}/actions/runs/${runId}`;
  return withOptional({ ci: 'github', jobUrl }, undefined, value(env, 'GITHUB_JOB'));
}

function jenkins(env: Env): CiJobLink | undefined {
  const jobUrl = value(env, 'BUILD_URL');
  if (value(env, 'JENKINS_URL') === undefined || jobUrl === undefined) return undefined;
  return withOptional({ ci: 'jenkins', jobUrl }, undefined, value(env, 'JOB_NAME'));
}

function withOptional(link: CiJobLink, pipelineUrl?: string, jobName?: string): CiJobLink {
  return {
    ...link,
    ...(pipelineUrl === undefined ? {} : { pipelineUrl }),
    ...(jobName === undefined ? {} : { jobName }),
  };
}

/** A set, non-blank variable, trimmed. */
function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}
