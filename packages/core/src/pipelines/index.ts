/**
 * CI pipelines from a shipyard: the plan (pure), and one renderer per CI system, each a pure
 * function from the plan to the file's text. RENDERERS is the registry `generate pipeline` uses.
 */

import { GITHUB_DEFAULT_HISTORY, renderGithub } from './render-github.js';
import { GITLAB_DEFAULT_HISTORY, renderGitlab } from './render-gitlab.js';
import { JENKINS_DEFAULT_HISTORY, renderJenkins } from './render-jenkins.js';
import type { RenderRequest } from './render-request.js';
import type { PipelineCi } from './types.js';

export interface PipelineRenderer {
  render: (request: RenderRequest) => string;
  /** Where the CI looks for the file, relative to the repository root. */
  defaultPath: string;
  /** A history store that outlives the CI's runners, with the least set-up. */
  defaultHistory: string;
}

export const RENDERERS: Readonly<Record<PipelineCi, PipelineRenderer>> = {
  gitlab: { render: renderGitlab, defaultPath: '.gitlab-ci.yml', defaultHistory: GITLAB_DEFAULT_HISTORY },
  github: {
    render: renderGithub,
    defaultPath: '.github/workflows/ci-connect.yml',
    defaultHistory: GITHUB_DEFAULT_HISTORY,
  },
  jenkins: { render: renderJenkins, defaultPath: 'Jenkinsfile', defaultHistory: JENKINS_DEFAULT_HISTORY },
};

export { GENERATED_MARKER } from './header.js';
export { planPipeline, type PipelinePlanRequest } from './plan-pipeline.js';
export type { RenderRequest } from './render-request.js';
export { PIPELINE_CIS } from './types.js';
export type {
  PipelineCi,
  PipelineCommand,
  PipelineEnv,
  PipelineJob,
  PipelinePlan,
  SkippedSequence,
} from './types.js';
