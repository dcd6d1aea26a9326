/**
 * A strict local stand-in for the GitLab REST API's merge request notes (DESIGN.md section 8): a
 * real node:http server on 127.0.0.1:0 answering declared requests with the recorded bodies and
 * headers of fixtures/gitlab/. An unknown route, a wrong or missing PRIVATE-TOKEN, a query
 * parameter the route does not take, a body key the API does not document, or a request nobody
 * declared is answered with 500 and recorded in `violations`; tests assert `violations` is empty
 * and every expectation was used. API: https://docs.gitlab.com/api/notes/#merge-requests
 */

import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

const FIXTURES = new URL('../../fixtures/gitlab/', import.meta.url);
const NOTES = '^/api/v4/projects/[^/]+/merge_requests/\\d+/notes';

interface Route {
  method: 'GET' | 'POST' | 'PUT';
  pattern: RegExp;
  params: readonly string[];
  bodyKeys?: readonly string[];
}

const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    pattern: new RegExp(`${NOTES}$`),
    params: ['page', 'per_page', 'order_by', 'sort', 'activity_filter'],
  },
  {
    method: 'POST',
    pattern: new RegExp(`${NOTES}$`),
    params: [],
    bodyKeys: ['body', 'internal', 'merge_request_diff_head_sha', 'created_at'],
  },
  { method: 'PUT', pattern: new RegExp(`${NOTES}/\\d+$`), params: [], bodyKeys: ['body', 'confidential'] },
];

/** A fixture name (status from `_<status>_`) or an explicit JSON answer. */
export type GitLabAnswer = string | { status: number; body: unknown };

export interface GitLabExpectation {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  /** Exactly these query parameters (decoded); default none. */
  query?: Readonly<Record<string, string>>;
  respond: GitLabAnswer;
}

export interface GitLabRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  privateToken: string | undefined;
  body?: Record<string, unknown>;
}

export interface GitLabStandIn {
  /** http://127.0.0.1:<port>/api/v4, as CI_API_V4_URL. */
  apiUrl: string;
  requests: GitLabRequest[];
  violations: string[];
  expect(expectation: GitLabExpectation): GitLabStandIn;
  unusedExpectations(): string[];
  close(): Promise<void>;
}

/** Reads fixtures/gitlab/<name>.json and its recorded headers, when there are any. */
export function readGitLabFixture(name: string): {
  status: number;
  body: string;
  headers: [string, string][];
} {
  const status = Number(/_(\d{3})(?:_|$)/.exec(name)?.[1] ?? 200);
  const body = readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8');
  let headers: [string, string][] = [['Content-Type', 'application/json']];
  try {
    const recorded = JSON.parse(readFileSync(new URL(`${name}.headers.json`, FIXTURES), 'utf8')) as {
      headers: [string, string][];
    };
    headers = recorded.headers.filter(([key]) => !/^(content-length|connection|date)$/i.test(key));
  } catch {
    // documented examples have no recorded headers
  }
  return { status, body, headers };
}

/** Starts the stand-in (over HTTPS with `tls`); every request must carry `PRIVATE-TOKEN: <token>`. */
export async function startGitLabStandIn(options: {
  token: string;
  tls?: { key: Buffer; cert: Buffer };
}): Promise<GitLabStandIn> {
  const pending: (GitLabExpectation & { used: boolean })[] = [];
  const standIn: GitLabStandIn = {
    apiUrl: '',
    requests: [],
    violations: [],
    expect(expectation) {
      if (typeof expectation.respond === 'string') readGitLabFixture(expectation.respond); // fail early
      pending.push({ ...expectation, used: false });
      return standIn;
    },
    unusedExpectations: () => pending.filter((e) => !e.used).map((e) => `${e.method} ${e.path}`),
    close: () =>
      new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const header = req.headers['private-token'];
      const seen: GitLabRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        privateToken: Array.isArray(header) ? header.join(',') : header,
      };
      standIn.requests.push(seen);
      const problem = checkRequest(
        seen,
        url.searchParams,
        req.headers,
        Buffer.concat(chunks).toString('utf8'),
        options.token,
      );
      const match = problem === undefined ? pending.find((e) => !e.used && matches(e, seen)) : undefined;
      if (match === undefined) {
        standIn.violations.push(problem ?? `undeclared request ${seen.method} ${req.url ?? ''}`);
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'stand-in: unexpected request' }));
        return;
      }
      match.used = true;
      const answer =
        typeof match.respond === 'string'
          ? readGitLabFixture(match.respond)
          : {
              status: match.respond.status,
              body: JSON.stringify(match.respond.body),
              headers: [['Content-Type', 'application/json']] as [string, string][],
            };
      res.writeHead(answer.status, answer.headers.flat());
      res.end(answer.body);
    });
  };
  const server =
    options.tls === undefined ? http.createServer(handler) : https.createServer(options.tls, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const scheme = options.tls === undefined ? 'http' : 'https';
  standIn.apiUrl = `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
  return standIn;
}

function checkRequest(
  seen: GitLabRequest,
  params: URLSearchParams,
  headers: http.IncomingHttpHeaders,
  text: string,
  token: string,
): string | undefined {
  const where = `${seen.method} ${seen.path}`;
  const route = ROUTES.find((r) => r.method === seen.method && r.pattern.test(seen.path));
  if (route === undefined) return `unknown route ${where}`;
  if (seen.privateToken !== token)
    return `${where}: wrong or missing PRIVATE-TOKEN header (${seen.privateToken === undefined ? 'none' : 'a different value'})`;
  if (headers.authorization !== undefined || headers['job-token'] !== undefined)
    return `${where}: a second credential header besides PRIVATE-TOKEN`;
  for (const key of params.keys())
    if (!route.params.includes(key)) return `${where}: unexpected query parameter "${key}"`;
  if (route.bodyKeys === undefined) return text === '' ? undefined : `${where}: takes no body`;
  if (!/^application\/json\b/i.test(headers['content-type'] ?? ''))
    return `${where}: the body is not sent as JSON`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `${where}: the body is not JSON`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return `${where}: the body is not an object`;
  const unknown = Object.keys(body).filter((key) => !route.bodyKeys?.includes(key));
  if (unknown.length > 0) return `${where}: unknown body keys ${unknown.join(', ')}`;
  if (typeof (body as { body?: unknown }).body !== 'string') return `${where}: no "body" string`;
  seen.body = body as Record<string, unknown>;
  return undefined;
}

function matches(expectation: GitLabExpectation, seen: GitLabRequest): boolean {
  const want = Object.entries(expectation.query ?? {});
  return (
    expectation.method === seen.method &&
    expectation.path === seen.path &&
    want.length === Object.keys(seen.query).length &&
    want.every(([key, value]) => seen.query[key] === value)
  );
}
