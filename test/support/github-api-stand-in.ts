/**
 * A strict local stand-in for GitHub's REST API (DESIGN.md section 8): a real node:http server on
 * 127.0.0.1:0 answering the issue-comment routes with the recorded responses of fixtures/github/
 * (see SOURCES.md there). Requests must come in the declared order; a request that is not the
 * next expectation, a wrong Authorization header, or a body with anything but `body` is answered
 * with 500 and recorded in `violations`. Tests assert `violations` is empty and `unused()` too.
 * Link headers of the recordings point at api.github.com: they are rewritten to this server.
 * Self-contained (node only), so tests anywhere in the repository can load it.
 */

import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const FIXTURES = new URL('../../fixtures/github/', import.meta.url);

// https://docs.github.com/rest/issues/comments: list, create, update.
const ROUTES: readonly { method: string; pattern: RegExp; params: readonly string[] }[] = [
  { method: 'GET', pattern: /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/, params: ['per_page', 'page'] },
  { method: 'GET', pattern: /^\/repositories\/\d+\/issues\/\d+\/comments$/, params: ['per_page', 'page'] },
  { method: 'POST', pattern: /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/, params: [] },
  { method: 'PATCH', pattern: /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+$/, params: [] },
];

/** What the stand-in saw of one request. */
export interface GitHubRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  /** The parsed JSON body of a POST or PATCH. */
  body?: unknown;
}

/** One expected request; `respond` names a fixture (without `.json`) and may rewrite its body. */
export interface GitHubExpectation {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  query?: Readonly<Record<string, string>>;
  respond: string;
  /** Changes the recorded body before it is sent (e.g. puts in the comment body that was posted). */
  rewrite?: (body: unknown, request: GitHubRequest) => unknown;
}

export interface GitHubApiStandIn {
  /** e.g. http://127.0.0.1:43121 (no trailing slash): what GITHUB_API_URL is set to. */
  url: string;
  requests: GitHubRequest[];
  violations: string[];
  /** Adds expectations (a re-run's requests). */
  expect(...expectations: GitHubExpectation[]): void;
  /** Expectations not met yet. */
  unused(): GitHubExpectation[];
  close(): Promise<void>;
}

/** Starts the stand-in; every request must carry `Authorization: Bearer <token>`. */
export async function startGitHubApiStandIn(token: string): Promise<GitHubApiStandIn> {
  const queue: GitHubExpectation[] = [];
  const requests: GitHubRequest[] = [];
  const violations: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const request: GitHubRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization: req.headers.authorization,
      };
      const text = Buffer.concat(chunks).toString('utf8');
      if (text !== '') request.body = parseJson(text);
      requests.push(request);
      const problem = findProblem(request, queue[0], token, req.headers);
      if (problem !== undefined) {
        violations.push(`${request.method} ${req.url ?? ''}: ${problem}`);
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"stand-in: unexpected"}');
        return;
      }
      const expectation = queue.shift() as GitHubExpectation;
      answer(res, expectation, request, origin());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin(),
    requests,
    violations,
    expect: (...expectations) => queue.push(...expectations),
    unused: () => [...queue],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function findProblem(
  request: GitHubRequest,
  next: GitHubExpectation | undefined,
  token: string,
  headers: http.IncomingHttpHeaders,
): string | undefined {
  const route = ROUTES.find((r) => r.method === request.method && r.pattern.test(request.path));
  if (route === undefined) return 'no such route';
  const extra = Object.keys(request.query).filter((key) => !route.params.includes(key));
  if (extra.length > 0) return `query parameters the route does not take: ${extra.join(', ')}`;
  if (request.authorization !== `Bearer ${token}`) return 'missing or wrong Authorization';
  if (!String(headers.accept ?? '').includes('application/vnd.github+json'))
    return 'Accept is not GitHub JSON';
  if (request.method !== 'GET') {
    const body = request.body as Record<string, unknown> | undefined;
    if (body === undefined || typeof body.body !== 'string' || Object.keys(body).length !== 1)
      return 'the body must be {"body": "..."}';
  }
  if (next === undefined) return 'no request was expected';
  if (next.method !== request.method || next.path !== request.path)
    return `expected ${next.method} ${next.path}`;
  if (JSON.stringify(next.query ?? {}) !== JSON.stringify(request.query))
    return `expected query ${JSON.stringify(next.query ?? {})}`;
  return undefined;
}

function answer(
  res: http.ServerResponse,
  expectation: GitHubExpectation,
  request: GitHubRequest,
  origin: string,
) {
  const recorded = JSON.parse(
    readFileSync(new URL(`${expectation.respond}.json`, FIXTURES), 'utf8'),
  ) as unknown;
  const meta = readHeaders(expectation.respond);
  const status = meta?.status ?? Number(/_(\d{3})_/.exec(expectation.respond)?.[1] ?? 200);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  for (const [name, value] of meta?.headers ?? []) {
    const lower = name.toLowerCase();
    // Bodies are stored decoded: the wire-form headers do not apply.
    if (['content-encoding', 'content-length', 'transfer-encoding', 'content-type'].includes(lower)) continue;
    if (lower === 'link') headers.link = value.replaceAll('https://api.github.com', origin);
  }
  const body = expectation.rewrite === undefined ? recorded : expectation.rewrite(recorded, request);
  res.writeHead(status, headers).end(JSON.stringify(body));
}

function readHeaders(name: string): { status: number; headers: [string, string][] } | undefined {
  try {
    return JSON.parse(readFileSync(new URL(`${name}.headers.json`, FIXTURES), 'utf8')) as {
      status: number;
      headers: [string, string][];
    };
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
