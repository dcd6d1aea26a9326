import { afterEach, describe, expect, it } from 'vitest';
import {
  startGitHubApiStandIn,
  type GitHubApiStandIn,
  type GitHubRequest,
} from '../../../../test/support/github-api-stand-in.js';
import { silentLogger } from '../environment.js';
import { createHttpClient } from '../http/http-client.js';
import { createRedactor } from '../redaction/redaction.js';
import { nextPage, upsertPullRequestComment } from './github-pull-request.js';

const TOKEN = 'ghs_standInToken1234567890abcdefABCDEF';
const MARKER = '<!-- ci-connect:gate shop/hardening/carts -->';
const BODY = `${MARKER}\n### Quality gate: pass\n`;
const LIST = '/repos/shop/carts/issues/7/comments';

let api: GitHubApiStandIn | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function upsert(body = BODY) {
  api ??= await startGitHubApiStandIn(TOKEN);
  const redactor = createRedactor();
  const http = createHttpClient({
    timeoutMs: 5000,
    retries: 0,
    logger: silentLogger,
    redactor,
    userAgent: 'test',
  });
  return upsertPullRequestComment(
    { apiUrl: `${api.url}/`, repository: 'shop/carts', number: 7, token: TOKEN },
    body,
    MARKER,
    { http, logger: silentLogger, redactor },
  );
}

/** The recorded answer with the comment body the request sent (and the id it edited). */
const echo = (body: unknown, request: GitHubRequest) => ({
  ...(body as object),
  body: (request.body as { body: string }).body,
});

function expectStrict(stand: GitHubApiStandIn) {
  expect(stand.violations).toEqual([]);
  expect(stand.unused()).toEqual([]);
}

describe('upsertPullRequestComment', () => {
  it('creates the comment when no comment carries the marker', async () => {
    api = await startGitHubApiStandIn(TOKEN);
    api.expect(
      { method: 'GET', path: LIST, query: { per_page: '100' }, respond: 'issue-comments-list_200_empty_pr' },
      { method: 'POST', path: LIST, respond: 'issue-comment-create_201_pr', rewrite: echo },
    );
    const outcome = await upsert();
    expect(outcome).toEqual({
      kind: 'created',
      id: 1254853699,
      url: 'https://github.com/hub4j-test-org/github-api/pull/461#issuecomment-1254853699',
    });
    expect(api.requests[1]?.body).toEqual({ body: BODY });
    expectStrict(api);
  });

  it('follows Link rel="next" through every page and edits the marked comment in place', async () => {
    api = await startGitHubApiStandIn(TOKEN);
    // 2016818677: the one comment of the recorded last page, the one an earlier run left.
    const markedId = 2016818677;
    api.expect(
      {
        method: 'GET',
        path: LIST,
        query: { per_page: '100' },
        respond: 'issue-comments-list_200_page1-of-3_link-next-last_has-bot-comment',
      },
      {
        method: 'GET',
        path: '/repositories/3544490/issues/1136/comments',
        query: { per_page: '3', page: '2' },
        respond: 'issue-comments-list_200_page2-of-3_link-prev-next-last-first',
      },
      {
        method: 'GET',
        path: '/repositories/3544490/issues/1136/comments',
        query: { per_page: '3', page: '3' },
        respond: 'issue-comments-list_200_page3-of-3_link-prev-first',
        rewrite: (body) =>
          (body as object[]).map((comment) => ({ ...comment, body: `${MARKER}\nold result` })),
      },
      {
        method: 'PATCH',
        path: `/repos/shop/carts/issues/comments/${markedId}`,
        respond: 'issue-comment-update_200_pr',
        rewrite: (body, request) => ({ ...echo(body, request), id: markedId }),
      },
    );
    const outcome = await upsert();
    expect(outcome).toMatchObject({ kind: 'updated', id: markedId });
    expect(api.requests.at(-1)?.body).toEqual({ body: BODY });
    expectStrict(api);
  });

  it("leaves another gate's comment alone: a second gate in the same pull request gets its own", async () => {
    api = await startGitHubApiStandIn(TOKEN);
    const others = [
      '<!-- ci-connect:gate shop/production/carts -->\nproduction',
      '<!-- ci-connect:gate shop/hardening/carts-db -->\ncarts-db',
      '<!-- ci-connect:gate x-shop/hardening/carts -->\nanother project',
    ];
    api.expect(
      {
        method: 'GET',
        path: LIST,
        query: { per_page: '100' },
        respond: 'issue-comments-list_200_single-page_no-link-header',
        rewrite: (body) => (body as object[]).map((c, i) => ({ ...c, body: others[i % others.length] })),
      },
      { method: 'POST', path: LIST, respond: 'issue-comment-create_201_pr', rewrite: echo },
    );
    expect(await upsert()).toMatchObject({ kind: 'created' });
    expectStrict(api);
  });

  it('leaves a reply that quotes ours alone: only a comment that starts with the marker is ours', async () => {
    api = await startGitHubApiStandIn(TOKEN);
    api.expect(
      {
        method: 'GET',
        path: LIST,
        query: { per_page: '100' },
        respond: 'issue-comments-list_200_single-page_no-link-header',
        rewrite: (body) => (body as object[]).map((c) => ({ ...c, body: `> ${MARKER}\n> pass\n\nwhy?` })),
      },
      { method: 'POST', path: LIST, respond: 'issue-comment-create_201_pr', rewrite: echo },
    );
    expect(await upsert()).toMatchObject({ kind: 'created' });
    expectStrict(api);
  });

  it('creates a new comment when the marked one was deleted before the edit (404)', async () => {
    api = await startGitHubApiStandIn(TOKEN);
    api.expect(
      {
        method: 'GET',
        path: LIST,
        query: { per_page: '100' },
        respond: 'issue-comments-list_200_one-earlier-comment_pr',
        rewrite: (body, request) =>
          (body as object[]).map((c) => ({ ...c, body: `${MARKER} ${request.path}` })),
      },
      {
        method: 'PATCH',
        path: '/repos/shop/carts/issues/comments/1254853699',
        respond: 'error_404_issue-comment-update_comment-not-found',
      },
      { method: 'POST', path: LIST, respond: 'issue-comment-create_201_pr', rewrite: echo },
    );
    expect(await upsert()).toMatchObject({ kind: 'created' });
    expectStrict(api);
  });

  it('reports a token that may not write (a fork pull request: 403) as refused, not as an error', async () => {
    api = await startGitHubApiStandIn(TOKEN);
    api.expect(
      { method: 'GET', path: LIST, query: { per_page: '100' }, respond: 'issue-comments-list_200_empty_pr' },
      {
        method: 'POST',
        path: LIST,
        respond: 'error_403_resource-not-accessible-by-integration_installation-token',
      },
    );
    expect(await upsert()).toEqual({
      kind: 'refused',
      status: 403,
      message: 'Resource not accessible by integration',
    });
    expectStrict(api);
  });

  it('refuses a body without its marker (it could never be found again)', async () => {
    api = await startGitHubApiStandIn(TOKEN);
    await expect(upsert('no marker')).rejects.toThrow(/sticky marker/);
    expectStrict(api);
  });
});

describe('nextPage', () => {
  const root = new URL('https://api.github.com');
  it.each([
    [
      '<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=3>; rel="last"',
      'https://api.github.com/x?page=2',
    ],
    ['<https://api.github.com/x?page=1>; rel="prev"', undefined],
    // The token is sent to the next page: never to another host.
    ['<https://evil.example/x?page=2>; rel="next"', undefined],
    [undefined, undefined],
  ])('%s → %s', (link, expected) => {
    expect(nextPage(link, root)).toBe(expected);
  });
});
