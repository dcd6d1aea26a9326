/**
 * The Dynatrace Problems API v2 calls `remediate` makes: read a problem (by problemId, or by its
 * `P-…` display id through the list's `displayId("…")` problemSelector), comment on it, close it.
 * https://docs.dynatrace.com/docs/dynatrace-api/environment-api/problems-v2
 * A refused token (401, 403) is a ConfigError naming the scope the call needs (problems.read,
 * problems.write), an unknown problem (404) a ConfigError, a server or network failure an
 * ExternalSystemError (the client retries GETs only: a POST that timed out is never sent again,
 * which would post a second comment).
 */

import { ConfigError, ExternalSystemError, UsageError } from '../errors.js';
import type { HttpClient, HttpMethod } from '../http/http-client.js';
import { authorizationHeader, type DynatraceEndpoint } from '../providers/dynatrace/dynatrace-api.js';
import { isClassicToken, resolveRoutes } from '../providers/dynatrace/environment-urls.js';
import type { Redactor } from '../redaction/redaction.js';
import { problemOfApi, readProblemPage } from './problems-v2-model.js';
import { describeApiError } from '../providers/dynatrace/metric-data.js';
import type { Problem } from './types.js';

/** The Problems API, as remediate uses it. */
export interface DynatraceProblems {
  /** The problem with this problemId or `P-…` display id; ConfigError when there is none. */
  get(id: string): Promise<Problem>;
  /** Posts a comment (context "ci-connect") on the problem. */
  comment(problem: Problem, message: string): Promise<void>;
  /** Closes the problem with a closing comment; 'already-closed' when Dynatrace had closed it. */
  close(problem: Problem, message: string): Promise<'closed' | 'already-closed'>;
}

/** What the client needs: the environment and token, the HTTP client, the redactor. */
export interface DynatraceProblemsOptions {
  endpoint: DynatraceEndpoint;
  http: HttpClient;
  redactor: Redactor;
}

/** The comment context Dynatrace shows beside each comment ci-connect posts. */
export const COMMENT_CONTEXT = 'ci-connect';
/** How far back a display id is looked up: problems older than this are not remediated from CI. */
export const DISPLAY_ID_LOOKBACK = 'now-30d';
/** Pages of the list read at most when looking up a display id (the selector normally answers one). */
const MAX_PAGES = 20;
const DISPLAY_ID = /^P-\d+$/i;
const ID_HINT =
  'give --problem-id a problemId such as -6004362228644432354_1638271020000V2, or a display id such as P-211117376';

interface Answer {
  status: number;
  body: unknown;
}

/** Creates the Problems API client for one environment. */
export function createDynatraceProblems(options: DynatraceProblemsOptions): DynatraceProblems {
  return new DynatraceProblemsClient(options);
}

class DynatraceProblemsClient implements DynatraceProblems {
  private readonly endpoint: DynatraceEndpoint;
  private readonly http: HttpClient;
  private readonly redactor: Redactor;
  private readonly api: string;
  /** The problem's page in the classic UI (what a notification's {ProblemURL} links to). */
  private readonly uiBase: string;

  constructor(options: DynatraceProblemsOptions) {
    this.endpoint = options.endpoint;
    this.http = options.http;
    this.redactor = options.redactor;
    this.api = resolveRoutes(options.endpoint.url, options.endpoint.token).environmentApi;
    this.uiBase = uiBaseOf(this.api);
  }

  get(id: string): Promise<Problem> {
    const trimmed = id.trim();
    if (trimmed === '') return Promise.reject(new UsageError('--problem-id is empty', { hint: ID_HINT }));
    // A bare number is a display id as older notifications wrote it ({ProblemID} "746" is P-746).
    if (/^\d+$/.test(trimmed)) return this.byDisplayId(`P-${trimmed}`);
    return DISPLAY_ID.test(trimmed) ? this.byDisplayId(trimmed.toUpperCase()) : this.byProblemId(trimmed);
  }

  async comment(problem: Problem, message: string): Promise<void> {
    const problemId = await this.problemIdOf(problem);
    const body = { message, context: COMMENT_CONTEXT };
    const answer = await this.call('POST', `/problems/${encodeURIComponent(problemId)}/comments`, { body });
    if (answer.status === 404) throw this.notFound(problemId, answer);
  }

  async close(problem: Problem, message: string): Promise<'closed' | 'already-closed'> {
    const problemId = await this.problemIdOf(problem);
    const path = `/problems/${encodeURIComponent(problemId)}/close`;
    const answer = await this.call('POST', path, { body: { message } });
    if (answer.status === 404) throw this.notFound(problemId, answer);
    // 204, no body: "the problem is closed already, the request hasn't been executed".
    if (answer.status === 204) return 'already-closed';
    if (answer.status === 200) return 'closed';
    throw new ExternalSystemError(
      this.redactor.redact(`POST ${this.api}${path} answered HTTP ${answer.status}, not 200 or 204`),
      { hint: 'look at the problem in Dynatrace: it may or may not be closed' },
    );
  }

  private async byProblemId(problemId: string): Promise<Problem> {
    const path = `/problems/${encodeURIComponent(problemId)}`;
    const answer = await this.call('GET', path, {});
    if (answer.status === 404) throw this.notFound(problemId, answer);
    return problemOfApi(answer.body, this.uiBase, `GET ${this.api}${path}`);
  }

  /** The list filtered by `displayId("P-…")`, followed page by page until the problem is found. */
  private async byDisplayId(displayId: string): Promise<Problem> {
    let query: Record<string, string> = {
      problemSelector: `displayId("${displayId}")`,
      from: DISPLAY_ID_LOOKBACK,
    };
    const where = `GET ${this.api}/problems`;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.call('GET', '/problems', { query });
      if (answer.status === 404) throw this.notFound(displayId, answer);
      const { problems, nextPageKey } = readProblemPage(answer.body, where);
      // Checked here too: the selector should answer this problem alone, and a page is cheap to check.
      const found = problems.find((item) => displayIdOfItem(item) === displayId);
      if (found !== undefined) return problemOfApi(found, this.uiBase, where);
      if (nextPageKey === undefined) break;
      // A follow-up page takes nextPageKey alone (the API refuses the other parameters beside it).
      query = { nextPageKey };
    }
    throw this.notFound(displayId);
  }

  private async problemIdOf(problem: Problem): Promise<string> {
    if (problem.problemId !== undefined) return problem.problemId;
    if (problem.displayId !== undefined) {
      const found = await this.byDisplayId(problem.displayId);
      if (found.problemId !== undefined) return found.problemId;
    }
    throw new ConfigError(`the problem "${problem.title}" has no Dynatrace problem id to write to`, {
      hint: 'pass --problem-id, or an --event-file whose PID or ProblemID names the Dynatrace problem',
    });
  }

  private async call(
    method: HttpMethod,
    path: string,
    extra: { query?: Record<string, string>; body?: unknown },
  ): Promise<Answer> {
    const response = await this.http.request({
      method,
      url: `${this.api}${path}`,
      headers: { Authorization: authorizationHeader(this.endpoint.token), Accept: 'application/json' },
      ...extra,
      acceptStatuses: [401, 403, 404],
      ...(method === 'GET' ? { expect: 'json' as const } : {}),
    });
    const answer = { status: response.status, body: response.data };
    if (answer.status === 401 || answer.status === 403) throw this.tokenRefused(method, path, answer);
    return answer;
  }

  private tokenRefused(method: HttpMethod, path: string, answer: Answer): ConfigError {
    const scope = method === 'GET' ? 'problems.read' : 'problems.write';
    // Platform tokens name the same permission environment-api:problems:read / :write.
    const needed = isClassicToken(this.endpoint.token) ? scope : `environment-api:${scope.replace('.', ':')}`;
    const said = describeApiError(answer.body, this.redactor);
    const hint =
      answer.status === 401
        ? `the token is missing, invalid or expired: check ${this.endpoint.tokenEnv}`
        : `give the token in ${this.endpoint.tokenEnv} the scope ${needed}`;
    const message = `Dynatrace refused the token for ${method} ${this.api}${path} with HTTP ${answer.status}: ${said}`;
    return new ConfigError(this.redactor.redact(message), { hint: this.redactor.redact(hint) });
  }

  private notFound(id: string, answer?: Answer): ConfigError {
    const said = answer === undefined ? '' : describeApiError(answer.body, this.redactor);
    const since = DISPLAY_ID.test(id) ? ` since ${DISPLAY_ID_LOOKBACK}` : '';
    const message = `no problem ${id} in the Dynatrace environment ${this.uiBase}${since}${said === '' ? '' : `: ${said}`}`;
    return new ConfigError(this.redactor.redact(message), {
      hint: `${ID_HINT}; check DT_URL (or providers.dynatrace.url) names the environment that has it`,
    });
  }
}

/**
 * Where a problem's page is: the environment of the classic API (`https://<env>.live.dynatrace.com`,
 * a Managed `/e/<env-id>`); for a SaaS platform host its classic twin, which forwards a problem
 * link to the Problems app.
 */
function uiBaseOf(api: string): string {
  const base = api.replace(/\/(?:api\/v2|platform\/classic\/environment-api\/v2)$/, '');
  return base.replace(/^(https:\/\/[a-z0-9-]+)\.apps\.dynatrace\.com/i, '$1.live.dynatrace.com');
}

function displayIdOfItem(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const id = (item as Record<string, unknown>).displayId;
  return typeof id === 'string' ? id.trim().toUpperCase() : undefined;
}
