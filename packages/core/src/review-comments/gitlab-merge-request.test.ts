import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../http/http-client.js';
import { createRedactor } from '../redaction/redaction.js';
import { stickyMarker } from './comment-body.js';
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

/** An HttpClient answering from a list, recording what it was asked. */
function scriptedHttp(answers: HttpResponse[]): { http: HttpClient; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const http: HttpClient = {
    request: (request) => {
      sent.push(request);
      const answer = answers.shift();
      return answer === undefined ? Promise.reject(new Error('unexpected request')) : Promise.resolve(answer);
    },
  };
  return { http, sent };
}

const json = (status: number, data: unknown): HttpResponse => ({ status, headers: {}, data });
const TARGET = {
  apiUrl: 'https://gitlab.example.com/api/v4/',
  projectId: 'shop/carts',
  mergeRequestIid: 7,
  token: 'glpat-Zq8vN3xTr7KpLm2Wd5Yb',
};
const NOTES = 'https://gitlab.example.com/api/v4/projects/shop%2Fcarts/merge_requests/7/notes';

describe('upsertMergeRequestNote through the HTTP client', () => {
  it('lists (retryable), then creates (sent once) with the token as PRIVATE-TOKEN', async () => {
    const { http, sent } = scriptedHttp([
      json(200, [{ id: 1, body: 'LGTM', system: false }]),
      json(201, { id: 9, body: 'x' }),
    ]);
    const outcome = await upsertMergeRequestNote(TARGET, '<!-- m -->\nbody', '<!-- m -->', {
      http,
      redactor: createRedactor(),
    });
    expect(outcome).toEqual({ action: 'created', noteId: 9 });
    expect(sent.map((r) => [r.method, r.url, r.query, r.body, r.idempotent])).toEqual([
      ['GET', NOTES, { per_page: 100 }, undefined, true],
      ['POST', NOTES, {}, { body: '<!-- m -->\nbody' }, false],
    ]);
    expect(sent.every((r) => r.headers?.['private-token'] === TARGET.token)).toBe(true);
    expect(sent.every((r) => r.acceptStatuses?.includes(403))).toBe(true);
  });

  it('edits the note carrying the marker, never a system note that quotes it', async () => {
    const { http, sent } = scriptedHttp([
      json(200, [
        { id: 3, body: 'mentioned <!-- m -->', system: true },
        { id: 4, body: '<!-- m -->\nold', system: false },
      ]),
      json(200, { id: 4, body: 'new' }),
    ]);
    const outcome = await upsertMergeRequestNote(TARGET, '<!-- m -->\nnew', '<!-- m -->', {
      http,
      redactor: createRedactor(),
    });
    expect(outcome).toEqual({ action: 'updated', noteId: 4 });
    expect(sent[1]).toMatchObject({ method: 'PUT', url: `${NOTES}/4`, idempotent: true });
  });

  it("edits its own note, not a reviewer's newer reply that quotes it (GitLab lists newest first)", async () => {
    // Editing the reviewer's note would be refused (403) on every later run: the note would freeze.
    const { http, sent } = scriptedHttp([
      json(200, [
        { id: 5, body: '> <!-- m -->\n> old\n\nWhy is p95 up?', system: false },
        { id: 4, body: '<!-- m -->\nold', system: false },
      ]),
      json(200, { id: 4, body: 'new' }),
    ]);
    const outcome = await upsertMergeRequestNote(TARGET, '<!-- m -->\nnew', '<!-- m -->', {
      http,
      redactor: createRedactor(),
    });
    expect(outcome).toEqual({ action: 'updated', noteId: 4 });
    expect(sent[1]).toMatchObject({ method: 'PUT', url: `${NOTES}/4` });
  });

  it('a second gate in the same merge request (another stage, a service whose name extends the first) posts its own note', async () => {
    const first = stickyMarker({ project: 'shop', stage: 'hardening', service: 'carts' });
    for (const other of [
      { project: 'shop', stage: 'production', service: 'carts' },
      { project: 'shop', stage: 'hardening', service: 'cart' },
      { project: 'shop', stage: 'hardening', service: 'carts-db' },
    ]) {
      const { http, sent } = scriptedHttp([
        json(200, [{ id: 4, body: `${first}\nthe first gate`, system: false }]),
        json(201, { id: 9, body: 'x' }),
      ]);
      const marker = stickyMarker(other);
      const outcome = await upsertMergeRequestNote(TARGET, `${marker}\nsecond`, marker, {
        http,
        redactor: createRedactor(),
      });
      expect(outcome, other.service).toEqual({ action: 'created', noteId: 9 });
      expect(sent.map((r) => r.method)).toEqual(['GET', 'POST']);
    }
  });

  it.each([401, 403] as const)('reports %d as refused, with the API message', async (status) => {
    const { http } = scriptedHttp([json(200, []), json(status, { message: `${status} Forbidden` })]);
    const outcome = await upsertMergeRequestNote(TARGET, 'b', '<!-- m -->', {
      http,
      redactor: createRedactor(),
    });
    expect(outcome).toEqual({ action: 'refused', status, message: `${status} Forbidden` });
  });

  it('says which merge request GitLab does not know (404 on the listing, exit 2)', async () => {
    const { http } = scriptedHttp([json(404, { message: '404 Not found' })]);
    const attempt = upsertMergeRequestNote(TARGET, 'b', '<!-- m -->', { http, redactor: createRedactor() });
    await expect(attempt).rejects.toThrow(
      'GitLab answered 404 for the notes of merge request !7 of project shop/carts',
    );
  });
});
