import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { createRedactor } from '../redaction/redaction.js';
import { proxyBypassWarning, upsertMergeRequestNote } from './gitlab-merge-request.js';

const API = 'https://gitlab.example.com/api/v4';

describe('proxyBypassWarning', () => {
  it.each([
    [{}, false],
    [{ HTTPS_PROXY: 'http://proxy:3128' }, true],
    [{ https_proxy: 'http://proxy:3128' }, true],
    [{ HTTPS_PROXY: 'http://proxy:3128', NODE_USE_ENV_PROXY: '1' }, false],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'example.com' }, false],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '.example.com' }, false],
    [{ HTTPS_PROXY: 'http://proxy:3128', no_proxy: '*' }, false],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'ample.com,other.org' }, true],
  ])('%j warns: %s', (env, warns) => {
    const warning = proxyBypassWarning(API, env);
    expect(warning !== undefined).toBe(warns);
    if (warns) expect(warning).toContain('NODE_USE_ENV_PROXY=1');
  });
});

describe('upsertMergeRequestNote', () => {
  it.each(['https://gitlab.example.com', 'gitlab.example.com/api/v4', 'https://gitlab.example.com/api/v3'])(
    'refuses CI_API_V4_URL %s before any request (exit 2)',
    async (apiUrl) => {
      const target = { apiUrl, projectId: '1', mergeRequestIid: 1, token: 'glpat-secretsecretsecret' };
      const attempt = upsertMergeRequestNote(target, 'body', '<!-- m -->', { redactor: createRedactor() });
      await expect(attempt).rejects.toBeInstanceOf(ConfigError);
      await expect(attempt).rejects.toThrow('is not a GitLab API URL');
    },
  );
});
