import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import type { HttpClient } from '../http/http-client.js';
import { createRedactor } from '../redaction/redaction.js';
import { upsertMergeRequestNote } from './gitlab-merge-request.js';

const unused: HttpClient = {
  request: () => Promise.reject(new Error('no request may be sent')),
};

describe('upsertMergeRequestNote', () => {
  it.each(['https://gitlab.example.com', 'gitlab.example.com/api/v4', 'https://gitlab.example.com/api/v3'])(
    'refuses CI_API_V4_URL %s before any request (exit 2)',
    async (apiUrl) => {
      const target = { apiUrl, projectId: '1', mergeRequestIid: 1, token: 'glpat-secretsecretsecret' };
      const attempt = upsertMergeRequestNote(target, 'body', '<!-- m -->', {
        http: unused,
        redactor: createRedactor(),
      });
      await expect(attempt).rejects.toBeInstanceOf(ConfigError);
      await expect(attempt).rejects.toThrow('is not a GitLab API URL');
    },
  );
});
