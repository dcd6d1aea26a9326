/**
 * A strict local stand-in for a Dynatrace environment (DESIGN.md section 8): a real node:http
 * server on 127.0.0.1:0 answering declared requests with the recorded bodies of
 * fixtures/dynatrace/. An unknown route, a missing or wrong Authorization header, a query
 * parameter the route does not take, or a request nobody declared is answered with 500 and
 * recorded in `violations`; tests assert `violations` is empty and every expectation was used.
 * POST routes take a JSON body (only the keys the API documents, for query:execute), which is
 * recorded in `requests[].body`. Paths under /platform/ take Bearer tokens only, as Dynatrace's do.
 * Self-contained (node only), so tests anywhere in the repository can load it.
 */

import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const FIXTURES = new URL('../../fixtures/dynatrace/', import.meta.url);

// Environment API v2 paths: `/api/v2/...` on classic hosts, `/platform/classic/environment-api/v2/...`
// on platform hosts (Bearer only).
const V2 = '(?:/api/v2|/platform/classic/environment-api/v2)';
const v2 = (path: string) => new RegExp(`^${V2}${path}$`);

interface Route {
  method: string;
  pattern: RegExp;
  /** Query parameters the route accepts. */
  params: readonly string[];
  /** Keys a JSON body may have, and those it must have; absent: any JSON body. */
  bodyKeys?: readonly string[];
  requiredBodyKeys?: readonly string[];
  /** A POST that takes no body. */
  noBody?: true;
}

const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    pattern: v2('/metrics/query'),
    params: ['metricSelector', 'entitySelector', 'resolution', 'mzSelector', 'from', 'to'],
  },
  { method: 'GET', pattern: v2('/slo/[^/]+'), params: ['from', 'to', 'timeFrame'] },
  {
    method: 'GET',
    pattern: v2('/problems'),
    params: ['problemSelector', 'entitySelector', 'from', 'to', 'nextPageKey', 'pageSize', 'fields', 'sort'],
  },
  // Problems API v2 (remediate): one problem, a comment on it, closing it.
  { method: 'GET', pattern: v2('/problems/[^/]+'), params: ['fields'] },
  {
    method: 'POST',
    pattern: v2('/problems/[^/]+/comments'),
    params: [],
    bodyKeys: ['message', 'context'],
    requiredBodyKeys: ['message'],
  },
  {
    method: 'POST',
    pattern: v2('/problems/[^/]+/close'),
    params: [],
    bodyKeys: ['message'],
    requiredBodyKeys: ['message'],
  },
  { method: 'POST', pattern: /^\/api\/v2\/events\/ingest$/, params: [] },
  // Token metadata (scopes) by the token itself, for `doctor`; any scope may call it.
  { method: 'POST', pattern: /^\/api\/v2\/apiTokens\/lookup$/, params: [] },
  // Grail query API (platform environments, Bearer tokens); the ExecuteRequest model's keys.
  {
    method: 'POST',
    pattern: /^\/platform\/storage\/query\/v1\/query:execute$/,
    params: [],
    bodyKeys: [
      'query',
      'defaultTimeframeStart',
      'defaultTimeframeEnd',
      'timezone',
      'locale',
      'maxResultRecords',
      'maxResultBytes',
      'fetchTimeoutSeconds',
      'requestTimeoutMilliseconds',
      'enablePreview',
      'defaultSamplingRatio',
      'defaultScanLimitGbytes',
      'includeTypes',
    ],
    requiredBodyKeys: ['query'],
  },
  {
    method: 'GET',
    pattern: /^\/platform\/storage\/query\/v1\/query:poll$/,
    params: ['request-token', 'request-timeout-milliseconds'],
  },
  {
    method: 'POST',
    pattern: /^\/platform\/storage\/query\/v1\/query:cancel$/,
    params: ['request-token'],
    noBody: true,
  },
];

/**
 * A fixture file name (without `.json`; status taken from `_<status>_` in it) or an explicit answer;
 * a string body is sent as it is, with `contentType` (default application/json, as Dynatrace).
 */
export type StandInResponse = string | { status: number; body: unknown; contentType?: string };

/** One request a test expects, and what to answer it with. */
export interface StandInExpectation {
  /** Default GET; POST routes take a JSON body. */
  method?: 'GET' | 'POST';
  path: string;
  /** Exactly the query parameters the request must carry (decoded). */
  query: Readonly<Record<string, string>>;
  respond: StandInResponse;
  /** Hold the answer this long (to observe concurrency). */
  delayMs?: number;
  /** How many requests it answers; default 1. */
  times?: number;
}

/** What the stand-in saw of one request. */
export interface StandInRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  /** The parsed JSON body of a POST (undefined for GET). */
  body?: unknown;
}

export interface DynatraceStandIn {
  /** Base URL, e.g. http://127.0.0.1:43121 (no trailing slash). */
  url: string;
  requests: StandInRequest[];
  violations: string[];
  /** The most requests that were in flight at once. */
  maxInFlight: number;
  expect(expectation: StandInExpectation): DynatraceStandIn;
  /** Expectations not (fully) used, described. */
  unusedExpectations(): string[];
  close(): Promise<void>;
}

/** The Authorization header a token must arrive with (classic dt0c01 → Api-Token, else Bearer). */
export function expectedAuthorization(token: string): string {
  return token.startsWith('dt0c01.') ? `Api-Token ${token}` : `Bearer ${token}`;
}

/** Reads fixtures/dynatrace/<name>.json; the status is the number between underscores in the name. */
export function readDynatraceFixture(name: string): { status: number; body: string } {
  const status = Number(/_(\d{3})_/.exec(name)?.[1] ?? 200);
  return { status, body: readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8') };
}

/** Starts the stand-in; requests must carry the Authorization header for `token`. */
export async function startDynatraceStandIn(options: { token: string }): Promise<DynatraceStandIn> {
  const pending: (StandInExpectation & { left: number })[] = [];
  let inFlight = 0;
  const standIn: DynatraceStandIn = {
    url: '',
    requests: [],
    violations: [],
    maxInFlight: 0,
    expect(expectation) {
      if (typeof expectation.respond === 'string') readDynatraceFixture(expectation.respond); // fail early
      pending.push({ ...expectation, left: expectation.times ?? 1 });
      return standIn;
    },
    unusedExpectations: () =>
      pending.filter((e) => e.left > 0).map((e) => `${e.path}?${new URLSearchParams(e.query).toString()}`),
    close: () =>
      new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(req, res, Buffer.concat(chunks).toString('utf8')));
  });

  function answer(req: http.IncomingMessage, res: http.ServerResponse, text: string): void {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const query = Object.fromEntries(url.searchParams);
    const seen: StandInRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query,
      authorization: req.headers.authorization,
    };
    standIn.requests.push(seen);
    let problem = checkRequest(seen, url.searchParams, options.token);
    if (problem === undefined && seen.method === 'POST')
      problem = readBody(seen, req.headers['content-type'], text);
    const match = problem === undefined ? pending.find((e) => e.left > 0 && matches(e, seen)) : undefined;
    if (match === undefined) {
      standIn.violations.push(problem ?? `undeclared request ${req.method} ${req.url}`);
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 500, message: 'stand-in: unexpected request' } }));
      return;
    }
    match.left--;
    inFlight++;
    standIn.maxInFlight = Math.max(standIn.maxInFlight, inFlight);
    const { status, body, contentType } = answerOf(match.respond);
    setTimeout(() => {
      inFlight--;
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    }, match.delayMs ?? 0);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

function checkRequest(seen: StandInRequest, params: URLSearchParams, token: string): string | undefined {
  const where = `${seen.method} ${seen.path}`;
  const route = ROUTES.find((r) => r.method === seen.method && r.pattern.test(seen.path));
  if (route === undefined) return `unknown route ${where}`;
  if (seen.authorization !== expectedAuthorization(token))
    return `${where}: wrong or missing Authorization header (${seen.authorization === undefined ? 'none' : 'a different value'})`;
  // Platform hosts refuse Api-Token auth.
  if (seen.path.startsWith('/platform/') && !seen.authorization.startsWith('Bearer '))
    return `${where}: platform paths take Bearer tokens only`;
  for (const key of params.keys()) {
    if (!route.params.includes(key)) return `${where}: unexpected query parameter "${key}"`;
    if (params.getAll(key).length > 1) return `${where}: query parameter "${key}" sent twice`;
  }
  return undefined;
}

/** Records a POST's JSON body in `seen`, or says what is wrong with it for its route. */
function readBody(seen: StandInRequest, contentType: string | undefined, text: string): string | undefined {
  const route = ROUTES.find((r) => r.method === seen.method && r.pattern.test(seen.path));
  const where = `${seen.method} ${seen.path}`;
  if (route?.noBody === true) return text === '' ? undefined : `${where}: takes no body`;
  const parsed = parseJsonBody(contentType, text);
  if (typeof parsed === 'string') return `${where}: ${parsed}`;
  seen.body = parsed.body;
  if (route?.bodyKeys === undefined) return undefined;
  const body = parsed.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return `${where}: the body is not a JSON object`;
  const unknown = Object.keys(body).filter((key) => !route.bodyKeys?.includes(key));
  if (unknown.length > 0) return `${where}: unknown body keys ${unknown.join(', ')}`;
  const missing = (route.requiredBodyKeys ?? []).filter((key) => !(key in body));
  return missing.length > 0 ? `${where}: the body lacks ${missing.join(', ')}` : undefined;
}

function matches(expectation: StandInExpectation, seen: StandInRequest): boolean {
  const want = Object.entries(expectation.query);
  return (
    (expectation.method ?? 'GET') === seen.method &&
    expectation.path === seen.path &&
    want.length === Object.keys(seen.query).length &&
    want.every(([key, value]) => seen.query[key] === value)
  );
}

function answerOf(respond: StandInResponse): { status: number; body: string; contentType: string } {
  const contentType = (typeof respond === 'string' ? undefined : respond.contentType) ?? 'application/json';
  if (typeof respond === 'string') return { ...readDynatraceFixture(respond), contentType };
  const body = typeof respond.body === 'string' ? respond.body : JSON.stringify(respond.body);
  return { status: respond.status, body, contentType };
}

/** The JSON body of a POST, or what is wrong with it. */
function parseJsonBody(contentType: string | undefined, text: string): { body: unknown } | string {
  if (!/^application\/json\b/i.test(contentType ?? ''))
    return `Content-Type is ${contentType ?? 'missing'}, not application/json`;
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return 'the body is not JSON';
  }
}
