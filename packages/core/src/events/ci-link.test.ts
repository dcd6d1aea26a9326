import { describe, expect, it } from 'vitest';
import { ciJobLink } from './ci-link.js';

describe('ciJobLink', () => {
  it.each([
    {
      name: 'GitLab job and pipeline',
      env: {
        GITLAB_CI: 'true',
        CI_JOB_URL: 'https://gitlab.example.com/shop/carts/-/jobs/812',
        CI_PIPELINE_URL: 'https://gitlab.example.com/shop/carts/-/pipelines/77',
        CI_JOB_NAME: 'deploy',
      },
      link: {
        ci: 'gitlab',
        jobUrl: 'https://gitlab.example.com/shop/carts/-/jobs/812',
        pipelineUrl: 'https://gitlab.example.com/shop/carts/-/pipelines/77',
        jobName: 'deploy',
      },
    },
    {
      name: 'GitHub Actions run',
      env: {
        GITHUB_ACTIONS: 'true',
        GITHUB_SERVER_URL: 'https://github.com/',
        GITHUB_REPOSITORY: 'shop/carts',
        GITHUB_RUN_ID: '1234567',
        GITHUB_JOB: 'gate',
      },
      link: { ci: 'github', jobUrl: 'https://github.com/shop/carts/actions/runs/1234567', jobName: 'gate' },
    },
    {
      name: 'Jenkins build',
      env: { JENKINS_URL: 'https://ci.example.com/', BUILD_URL: 'https://ci.example.com/job/carts/42/' },
      link: { ci: 'jenkins', jobUrl: 'https://ci.example.com/job/carts/42/' },
    },
    {
      name: 'GitLab wins when a GitLab job runs a Jenkins-looking env',
      env: { GITLAB_CI: 'true', CI_JOB_URL: 'https://gl/j/1', JENKINS_URL: 'x', BUILD_URL: 'https://j/1' },
      link: { ci: 'gitlab', jobUrl: 'https://gl/j/1' },
    },
  ])('$name', ({ env, link }) => {
    expect(ciJobLink(env)).toEqual(link);
  });

  it.each([
    { name: 'no CI', env: {} },
    { name: 'GitLab without CI_JOB_URL', env: { GITLAB_CI: 'true' } },
    { name: 'CI_JOB_URL outside GitLab', env: { CI_JOB_URL: 'https://gl/j/1' } },
    { name: 'blank CI_JOB_URL', env: { GITLAB_CI: 'true', CI_JOB_URL: '  ' } },
    {
      name: 'GitHub without run id',
      env: { GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'a/b' },
    },
    {
      name: 'GITHUB_ACTIONS not "true"',
      env: {
        GITHUB_ACTIONS: 'false',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'a/b',
        GITHUB_RUN_ID: '1',
      },
    },
    { name: 'Jenkins without BUILD_URL', env: { JENKINS_URL: 'https://ci.example.com/' } },
  ])('undefined for $name', ({ env }) => {
    expect(ciJobLink(env)).toBeUndefined();
  });
});
