/**
 * The Dynatrace check: the environment URL and token a gate would use (resolveEndpoint), then
 * - a classic access token (`dt0c01.`): its metadata by `POST /api/v2/apiTokens/lookup`, judged
 *   against the scopes the project's SLI files need (dynatrace-token.ts);
 * - any other token (platform `dt0s16.`, OAuth; sent as Bearer): the lookup only knows access
 *   tokens, so its scopes stay unknown; a trivial DQL query on the platform query API shows
 *   whether the environment answers and accepts the token.
 * The token travels in the lookup's body and headers only; it is registered with the Redactor
 * before the first request, so no message can carry it.
 */

import type { HttpResponse } from '../../http/http-client.js';
import { extractServerMessage } from '../../http/http-errors.js';
import type { Redactor } from '../../redaction/redaction.js';
import { authorizationHeader, resolveEndpoint } from './dynatrace-api.js';
import { resolveRoutes } from './environment-urls.js';
import { dynatraceEnvNames, dynatraceSettingsOf } from './dynatrace-settings.js';
import type { DynatraceEndpoint } from './dynatrace-api.js';
import { failedCheck } from '../../doctor/check-errors.js';
import { findNeededScopes } from './dynatrace-scopes.js';
import { DYNATRACE_CHECK, judgeToken, readTokenMetadata } from './dynatrace-token.js';
import type { ProjectSurvey } from '../../doctor/project-survey.js';
import { checkResult } from '../../doctor/types.js';
import type { CheckResult, DoctorDependencies } from '../../doctor/types.js';

export { DYNATRACE_CHECK } from './dynatrace-token.js';

export const LOOKUP_PATH = '/api/v2/apiTokens/lookup';
export const PLATFORM_QUERY_PATH = '/platform/storage/query/v1/query:execute';

type DynatraceDependencies = Pick<DoctorDependencies, 'env' | 'http' | 'redactor' | 'clock'>;

const TOKEN_REFUSED_HINT =
  'Dynatrace does not accept the token: it is invalid, expired, disabled or deleted; create a new one and set it in the token env var (default DT_API_TOKEN)';
const URL_HINT =
  'set the URL env var (default DT_URL) to the environment URL, e.g. https://abc12345.live.dynatrace.com or https://<activegate>/e/<environment-id>';

/** Checks Dynatrace when ci-connect.yaml, the environment or an SLI file says it is used. */
export async function checkDynatrace(
  survey: ProjectSurvey,
  deps: DynatraceDependencies,
): Promise<CheckResult> {
  const settings = survey.config === undefined ? undefined : dynatraceSettingsOf(survey.config.providers);
  // The same default as resolveEndpoint: only needed here to tell "unused" apart.
  const { urlEnv } = dynatraceEnvNames(settings);
  const sliFiles = survey.sliFiles.get('dynatrace') ?? [];
  const used = settings !== undefined || (deps.env[urlEnv] ?? '').trim() !== '' || sliFiles.length > 0;
  if (!used) {
    const unusable = survey.configUnusable ? ' (ci-connect.yaml has errors, see the config check)' : '';
    return checkResult(
      DYNATRACE_CHECK,
      'skipped',
      `not used: no providers.dynatrace in ci-connect.yaml, no ${urlEnv}, no sli/dynatrace.yaml${unusable}`,
    );
  }
  try {
    const endpoint = resolveEndpoint(settings, deps.env);
    deps.redactor.add(endpoint.token);
    const header = authorizationHeader(endpoint.token);
    if (header.startsWith('Api-Token ')) return await lookUpToken(endpoint, header, sliFiles, deps);
    return await probePlatform(endpoint, header, deps);
  } catch (error) {
    return failedCheck(DYNATRACE_CHECK, error, deps.redactor);
  }
}

async function lookUpToken(
  endpoint: DynatraceEndpoint,
  authorization: string,
  sliFiles: readonly string[],
  deps: DynatraceDependencies,
): Promise<CheckResult> {
  const needs = await findNeededScopes(sliFiles);
  const response = await deps.http.request({
    method: 'POST',
    // A classic token is looked up on the classic host, also when DT_URL names the .apps. one.
    url: `${resolveRoutes(endpoint.url, endpoint.token).environmentApi}${LOOKUP_PATH.slice('/api/v2'.length)}`,
    // A lookup changes nothing: safe to retry like a GET.
    idempotent: true,
    headers: jsonHeaders(authorization),
    body: { token: endpoint.token },
    expect: 'json',
    hints: {
      401: TOKEN_REFUSED_HINT,
      403: 'the token may not call this environment: is it from another environment, or limited to other IP addresses?',
      404: `the token lookup API is not at this URL; ${URL_HINT}`,
    },
  });
  const metadata = readTokenMetadata(response.data);
  if (metadata === undefined) {
    return checkResult(
      DYNATRACE_CHECK,
      'fail',
      `${endpoint.url}${LOOKUP_PATH} answered HTTP ${response.status}, but not with the token's metadata`,
      { hint: URL_HINT, failure: 'config' },
    );
  }
  return judgeToken(endpoint.url, metadata, needs, deps.clock.now());
}

async function probePlatform(
  endpoint: DynatraceEndpoint,
  authorization: string,
  deps: DynatraceDependencies,
): Promise<CheckResult> {
  const unknownScopes =
    'not a classic access token (dt0c01.), so its scopes cannot be looked up (only access tokens can, with /api/v2/apiTokens/lookup)';
  // A platform token answers on the platform host (.apps.), also when DT_URL names the .live. one.
  const routes = resolveRoutes(endpoint.url, endpoint.token);
  const base = 'url' in routes.platform ? routes.platform.url : endpoint.url;
  const response = await deps.http.request({
    method: 'POST',
    url: `${base}${PLATFORM_QUERY_PATH}`,
    // `data` makes one record without reading any bucket: nothing is scanned, nothing changes.
    idempotent: true,
    headers: jsonHeaders(authorization),
    body: { query: 'data record(reachable = true)', requestTimeoutMilliseconds: 5000 },
    hints: { 401: TOKEN_REFUSED_HINT },
    acceptStatuses: [400, 403, 404],
    // A login page at 200 is not "the platform accepted the token".
    expect: 'json',
  });
  const answered = describeAnswer(response, deps.redactor);
  const hint =
    response.status < 300
      ? 'make sure the token has the scopes the SLI queries need; the gate will report a missing one'
      : `platform tokens work against the platform URL, e.g. https://abc12345.apps.dynatrace.com; ${URL_HINT}`;
  return checkResult(
    DYNATRACE_CHECK,
    'warning',
    `${endpoint.url}: reachable, ${answered}; the token is ${unknownScopes}`,
    {
      hint,
    },
  );
}

function describeAnswer(response: HttpResponse, redactor: Redactor): string {
  if (response.status < 300) return 'the platform query API accepted the token';
  const said = extractServerMessage(
    typeof response.data === 'string' ? response.data : JSON.stringify(response.data),
    response.headers['content-type'],
    redactor,
  );
  return `the platform query API answered HTTP ${response.status}${said === '' ? '' : ` (${said})`}`;
}

function jsonHeaders(authorization: string): Record<string, string> {
  return {
    Authorization: authorization,
    'Content-Type': 'application/json; charset=utf-8',
    Accept: 'application/json',
  };
}
