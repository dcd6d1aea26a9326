/**
 * The Dynatrace calls the provider makes, each answering one SLI: metrics query, SLO and
 * problems (Environment API v2), and DQL (Grail, dynatrace-dql.ts). A refused classic query
 * (400, 404) fails that SLI only; a refused token (401, 403) is a ConfigError for the whole gate;
 * an unreachable server (5xx, timeouts, after the client's retries) or a 200 that is not JSON (a
 * login page, a proxy) makes the SLI 'unavailable'; JSON of the wrong shape is that SLI's 'error'.
 * https://docs.dynatrace.com/docs/dynatrace-api/environment-api
 */

import { dynatraceEnvNames, type DynatraceSettings } from './dynatrace-settings.js';
import type { Logger } from '../../environment.js';
import { ConfigError, ExternalSystemError } from '../../errors.js';
import type { SliFailure } from '../../gate/types.js';
import type { HttpClient } from '../../http/http-client.js';
import type { Redactor } from '../../redaction/redaction.js';
import type { TimeWindow } from '../provider.js';
import { fetchDqlValue } from './dynatrace-dql.js';
import type { QueryOutcome } from './query-outcome.js';
import type { DynatraceQuery, MetricsParams } from './dynatrace-query.js';
import { unitDivisor } from './dynatrace-query.js';
import { isClassicToken, requirePlatform, resolveRoutes } from './environment-urls.js';
import type { DynatraceRoutes } from './environment-urls.js';
import type { UsqlQuery } from './legacy-query.js';
import { describeApiError, reduceMetricData, rejectsResolutionInf } from './metric-data.js';
import { reduceUsqlTable } from './usql-result.js';

/** Where the environment is and how to authenticate; `tokenEnv` names the token's env var. */
export interface DynatraceEndpoint {
  url: string;
  token: string;
  tokenEnv: string;
}

/** The base URL and token from ci-connect.yaml and the environment; throws ConfigError if either is missing. */
export function resolveEndpoint(
  settings: DynatraceSettings | undefined,
  env: Readonly<Record<string, string | undefined>>,
): DynatraceEndpoint {
  const { urlEnv, tokenEnv } = dynatraceEnvNames(settings);
  const url = (settings?.url ?? env[urlEnv] ?? '').trim().replace(/\/+$/, '');
  const token = (env[tokenEnv] ?? '').trim();
  const missing = [url === '' ? urlEnv : undefined, token === '' ? tokenEnv : undefined].filter(Boolean);
  if (missing.length > 0)
    throw new ConfigError(`the SLO uses Dynatrace SLIs, but ${missing.join(' and ')} is not set`, {
      hint:
        `set ${urlEnv} to the environment URL (e.g. https://abc12345.live.dynatrace.com) and ${tokenEnv} ` +
        'to a token with metrics.read (and slo.read, problems.read if used); ' +
        'ci-connect.yaml providers.dynatrace.url / urlEnv / tokenEnv name others',
    });
  return { url, token, tokenEnv };
}

/** Classic API tokens (`dt0c01.`) use `Api-Token`; platform and OAuth tokens use `Bearer`. */
export function authorizationHeader(token: string): string {
  return isClassicToken(token) ? `Api-Token ${token}` : `Bearer ${token}`;
}

/** What the API needs: the endpoint, a client, and for DQL a clock, a sleep and a deadline. */
export interface DynatraceApiOptions {
  endpoint: DynatraceEndpoint;
  http: HttpClient;
  redactor: Redactor;
  logger: Logger;
  /** The deadline of one DQL query, polls included. */
  timeoutMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

interface Answer {
  status: number;
  body: unknown;
}

/** Runs SLI queries against one environment. */
export class DynatraceApi {
  private readonly endpoint: DynatraceEndpoint;
  private readonly http: HttpClient;
  private readonly redactor: Redactor;
  private readonly routes: DynatraceRoutes;

  constructor(private readonly options: DynatraceApiOptions) {
    this.endpoint = options.endpoint;
    this.http = options.http;
    this.redactor = options.redactor;
    this.routes = resolveRoutes(options.endpoint.url, options.endpoint.token);
  }

  /** Throws ConfigError unless DQL queries can run here (a platform, a platform token). */
  checkDqlPossible(): void {
    requirePlatform(this.routes, this.endpoint.token, this.endpoint.tokenEnv);
  }

  /** The value of one (placeholder-substituted) query over the window; `where` names it in messages. */
  async query(
    query: DynatraceQuery,
    window: TimeWindow,
    where = 'sli/dynatrace.yaml',
  ): Promise<QueryOutcome> {
    try {
      switch (query.kind) {
        case 'metrics':
          return await this.metrics(query.params, unitDivisor(query.unit), window);
        case 'slo':
          return await this.slo(query.id, window);
        case 'problems':
          return await this.problems(query.params, window);
        case 'security-problems':
          return await this.securityProblems(query.params, window);
        case 'usql':
          return await this.usql(query.usql, window);
        case 'dql':
          return await this.dql(query.query, window, where);
      }
    } catch (error) {
      if (!(error instanceof ExternalSystemError)) throw error;
      return {
        value: null,
        failure: 'unavailable',
        message: this.redactor.redact(error.message),
        ...(error.hint === undefined ? {} : { hint: this.redactor.redact(error.hint) }),
      };
    }
  }

  private async metrics(params: MetricsParams, divisor: number, window: TimeWindow): Promise<QueryOutcome> {
    const range = timeRange(window);
    let current: MetricsParams = { ...params, resolution: params.resolution ?? 'Inf' };
    let folded = false;
    for (;;) {
      const answer = await this.get('/metrics/query', { ...current, ...range }, 'metrics.read');
      const described = describeMetricsQuery(current);
      const mayFold = !folded && current.resolution !== undefined;
      if (
        answer.status === 400 &&
        mayFold &&
        params.resolution === undefined &&
        rejectsResolutionInf(answer.body)
      ) {
        current = foldOf(current, params);
        folded = true;
        continue;
      }
      if (answer.status !== 200) return this.refused(answer, described);
      const reduction = reduceMetricData(answer.body);
      switch (reduction.kind) {
        case 'value':
          return { value: reduction.value / divisor };
        case 'no-data':
          return this.failed('no-data', `${described} ${reduction.message}`);
        case 'error':
          return this.failed('error', `${described} ${reduction.message}`);
        case 'several-values':
          if (folded) return this.failed('error', `${described} returned ${reduction.count} values, not one`);
          current = foldOf(current, params);
          folded = true;
      }
    }
  }

  private async slo(id: string, window: TimeWindow): Promise<QueryOutcome> {
    const path = `/slo/${encodeURIComponent(id)}`;
    const answer = await this.get(path, { ...timeRange(window), timeFrame: 'GTF' }, 'slo.read');
    if (answer.status !== 200) return this.refused(answer, `SLO;${id}`);
    const value = isRecord(answer.body) ? answer.body['evaluatedPercentage'] : undefined;
    // Dynatrace sends -1 when the SLO has no data for the window; a body without the field is no SLO.
    if (typeof value !== 'number')
      return this.failed(
        'error',
        `SLO;${id}: the answer has no evaluatedPercentage (not an SLO API v2 answer)`,
      );
    if (!Number.isFinite(value) || value < 0)
      return this.failed('no-data', `SLO;${id} has no evaluatedPercentage for this window`);
    return { value };
  }

  private async problems(
    params: Record<string, string | undefined>,
    window: TimeWindow,
  ): Promise<QueryOutcome> {
    const answer = await this.get('/problems', { ...params, ...timeRange(window) }, 'problems.read');
    const described = `PV2;${describeMetricsQuery(params)}`;
    if (answer.status !== 200) return this.refused(answer, described);
    const count = isRecord(answer.body) ? answer.body['totalCount'] : undefined;
    if (typeof count !== 'number') return this.failed('error', `${described}: the answer has no totalCount`);
    return { value: count };
  }

  private async securityProblems(
    params: { securityProblemSelector?: string },
    window: TimeWindow,
  ): Promise<QueryOutcome> {
    const query = { ...params, ...timeRange(window) };
    const answer = await this.get('/securityProblems', query, 'securityProblems.read');
    const described = `SECPV2;${describeMetricsQuery(params)}`;
    if (answer.status !== 200) return this.refused(answer, described);
    const count = isRecord(answer.body) ? answer.body['totalCount'] : undefined;
    if (typeof count !== 'number') return this.failed('error', `${described}: the answer has no totalCount`);
    return { value: count };
  }

  /** The User sessions API is v1 only: `/api/v1/...` beside the configured `/api/v2`. */
  private async usql(usql: UsqlQuery, window: TimeWindow): Promise<QueryOutcome> {
    const query = {
      query: usql.query,
      explain: 'false',
      addDeepLinkFields: 'false',
      startTimestamp: String(window.start.getTime()),
      endTimestamp: String(window.end.getTime()),
    };
    const v1 = this.routes.environmentApi.replace(/\/v2$/, '/v1');
    const answer = await this.get('/userSessionQueryLanguage/table', query, USQL_SCOPE, v1);
    const described = `USQL;${usql.resultType};${usql.dimension};${usql.query}`;
    if (answer.status !== 200) return this.refused(answer, described);
    const reduction = reduceUsqlTable(answer.body, usql);
    if (reduction.kind === 'value') return { value: reduction.value };
    return this.failed(reduction.kind, `${described} ${reduction.message}`);
  }

  private dql(query: string, window: TimeWindow, where: string): Promise<QueryOutcome> {
    const { endpoint, http, redactor, logger, timeoutMs, now, sleep } = this.options;
    return fetchDqlValue(query, window, where, {
      platformUrl: requirePlatform(this.routes, endpoint.token, endpoint.tokenEnv),
      authorization: authorizationHeader(endpoint.token),
      tokenEnv: endpoint.tokenEnv,
      http,
      redactor,
      logger,
      timeoutMs,
      now,
      sleep,
    });
  }

  private async get(
    path: string,
    query: Record<string, string | undefined>,
    scope: string,
    base = this.routes.environmentApi,
  ): Promise<Answer> {
    const response = await this.http.request({
      method: 'GET',
      url: `${base}${path}`,
      query,
      headers: { Authorization: authorizationHeader(this.endpoint.token), Accept: 'application/json' },
      acceptStatuses: [400, 401, 403, 404],
      // A 200 that is not JSON (SSO login page, proxy) makes the SLI unavailable, not "no data".
      expect: 'json',
    });
    const answer = { status: response.status, body: response.data };
    if (answer.status === 401 || answer.status === 403)
      throw this.tokenRefused(answer, `${base}${path}`, scope);
    return answer;
  }

  private tokenRefused(answer: Answer, url: string, scope: string): ConfigError {
    const said = describeApiError(answer.body, this.redactor);
    const classic = isClassicToken(this.endpoint.token);
    // Platform tokens name the same permission `environment-api:<area>:read` (metrics.read → …:metrics:read).
    const scopeForToken = classic
      ? scope
      : (PLATFORM_SCOPES[scope] ?? `environment-api:${scope.replace(/\.read$/, '')}:read`);
    const needed = /Use one of: ([\w.:-]+)/.exec(said)?.[1] ?? scopeForToken;
    const message = `Dynatrace refused the token for GET ${url} with HTTP ${answer.status}: ${said}`;
    const hint =
      answer.status === 401
        ? `the token is missing, invalid or expired: check ${this.endpoint.tokenEnv}`
        : scope === USQL_SCOPE && !classic
          ? `the User sessions API (USQL;) takes a classic access token (dt0c01.) with the scope ${USQL_SCOPE}: ` +
            `set ${this.endpoint.tokenEnv} to one`
          : `give the token the scope ${needed}`;
    return new ConfigError(this.redactor.redact(message), { hint: this.redactor.redact(hint) });
  }

  private refused(answer: Answer, described: string): QueryOutcome {
    const said = describeApiError(answer.body, this.redactor);
    return this.failed('error', `${described} was refused with HTTP ${answer.status}: ${said}`);
  }

  private failed(failure: SliFailure, message: string): QueryOutcome {
    return { value: null, failure, message: this.redactor.redact(message) };
  }
}

/** The User sessions API's scope; it has no platform-token form (docs/monitoring.md). */
const USQL_SCOPE = 'DTAQLAccess';

/** Platform scopes not spelt `environment-api:<classic name without .read>:read`. */
const PLATFORM_SCOPES: Readonly<Record<string, string>> = {
  'securityProblems.read': 'environment-api:security-problems:read',
};

function timeRange(window: TimeWindow): { from: string; to: string } {
  return { from: String(window.start.getTime()), to: String(window.end.getTime()) };
}

/**
 * `(<selector>):fold` reduces every series to one value where `resolution=Inf` is not supported.
 * Only ci-connect's own `Inf` is dropped: a resolution the user wrote stays, as dynatrace-service kept it.
 */
function foldOf(current: MetricsParams, written: MetricsParams): MetricsParams {
  const { resolution: _ours, ...rest } = current;
  const folded = { ...rest, metricSelector: `(${current.metricSelector}):fold` };
  return written.resolution === undefined ? folded : { ...folded, resolution: written.resolution };
}

function describeMetricsQuery(params: object): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
