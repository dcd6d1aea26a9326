import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../../http/test-support/test-server.js';
import type { TestServer } from '../../http/test-support/test-server.js';
import { checkDynatrace, LOOKUP_PATH, PLATFORM_QUERY_PATH } from './dynatrace-doctor-check.js';
import type { ProjectSurvey } from '../../doctor/project-survey.js';
import type { DoctorDependencies } from '../../doctor/types.js';
import { CLOSED_URL, doctorDeps, writeTree } from '../../doctor/test-support/doctor-deps.js';

const CLASSIC = 'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.SECRETSECRETSECRETSECRETSECRETSECRETSECRETSECRETSECRETSE';
const PLATFORM = 'dt0s16.ABCDEFGHIJKLMNOPQRSTUVWX.PLATFORMSECRETPLATFORMSECRETPLATFORMSECRETPLATFORMSECRE';
const ALL_SCOPES = ['metrics.read', 'slo.read', 'problems.read', 'events.ingest'];

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server answering every request with `status` and `body` (as JSON unless `contentType` is given), recording what it got. */
async function serve(
  status: number,
  body: unknown,
  contentType?: string,
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = await startTestServer((req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      });
      res.writeHead(status, { 'content-type': contentType ?? 'application/json' });
      res.end(contentType === undefined ? JSON.stringify(body) : String(body));
    });
  });
  return { url: server.url, seen };
}

/** A project whose one service queries Dynatrace with the given SLI file. */
function surveyWith(sli: string): ProjectSurvey {
  const root = writeTree({ 'base/carts/sli/dynatrace.yaml': sli });
  return {
    configUnusable: false,
    sliFiles: new Map([['dynatrace', [`${root}/base/carts/sli/dynatrace.yaml`]]]),
  };
}

const SLO_AND_METRICS = [
  'spec_version: "1.0"',
  'indicators:',
  '  availability: "SLO;7d07efde-b714-3e6e-ad95-08490e2540c4"',
  '  response_time_p95: "metricSelector=builtin:service.response.time:percentile(95)&entitySelector=type(SERVICE)"',
  '',
].join('\n');
const NOTHING: ProjectSurvey = { configUnusable: false, sliFiles: new Map() };
const LOGIN_PAGE = '<!DOCTYPE html><html><head><title>Sign in</title></head><body></body></html>';

function everything(value: unknown): string {
  return JSON.stringify(value);
}

describe('checkDynatrace with a classic access token', () => {
  it('looks the token up by itself and is ok when it has every scope the SLI file needs', async () => {
    const dt = await serve(200, { name: 'gate', enabled: true, scopes: ALL_SCOPES });
    const deps = doctorDeps({ DT_URL: dt.url, DT_API_TOKEN: CLASSIC });
    const result = await checkDynatrace(surveyWith(SLO_AND_METRICS), deps);
    expect(result).toEqual({
      name: 'dynatrace',
      status: 'ok',
      detail: `${dt.url}: the token "gate" has metrics.read, slo.read, events.ingest; it never expires`,
    });
    expect(dt.seen).toEqual([
      { method: 'POST', url: LOOKUP_PATH, authorization: `Api-Token ${CLASSIC}`, body: { token: CLASSIC } },
    ]);
  });

  it('fails as a config problem naming slo.read when the SLI file uses SLO; and the token lacks it', async () => {
    const dt = await serve(200, { name: 'gate', enabled: true, scopes: ['metrics.read', 'events.ingest'] });
    const result = await checkDynatrace(
      surveyWith(SLO_AND_METRICS),
      doctorDeps({ DT_URL: dt.url, DT_API_TOKEN: CLASSIC }),
    );
    expect(result).toMatchObject({ status: 'fail', failure: 'config' });
    expect(result.detail).toMatch(
      /lacks slo\.read \(for SLO; queries in .*base\/carts\/sli\/dynatrace\.yaml\)$/,
    );
  });

  it('asks only for the scopes the queries use, plus events.ingest', async () => {
    const dt = await serve(200, { name: 'gate', enabled: true, scopes: ['problems.read', 'events.ingest'] });
    const survey = surveyWith(
      'spec_version: "1.0"\nindicators:\n  problems: "PV2;problemSelector=status(open)"\n',
    );
    const result = await checkDynatrace(survey, doctorDeps({ DT_URL: dt.url, DT_API_TOKEN: CLASSIC }));
    expect(result.status).toBe('ok');
    expect(result.detail).toContain('has problems.read, events.ingest');
  });

  it('asks for DTAQLAccess for USQL; and securityProblems.read for SECPV2; queries', async () => {
    const dt = await serve(200, {
      name: 'gate',
      enabled: true,
      scopes: ['securityProblems.read', 'events.ingest'],
    });
    const survey = surveyWith(
      'indicators:\n  vulns: "SECPV2;securityProblemSelector=status(open)"\n' +
        '  sessions: "USQL;SINGLE_VALUE;;SELECT AVG(duration) FROM usersession"\n',
    );
    const result = await checkDynatrace(survey, doctorDeps({ DT_URL: dt.url, DT_API_TOKEN: CLASSIC }));
    expect(result).toMatchObject({ status: 'fail', failure: 'config' });
    expect(result.detail).toMatch(/lacks DTAQLAccess \(for USQL; queries in .*dynatrace\.yaml\)$/);
  });

  it('fails as a config problem when Dynatrace refuses the token (401), without printing it', async () => {
    const dt = await serve(401, { error: { code: 401, message: 'Token Authentication failed' } });
    const deps = doctorDeps({ DT_URL: dt.url, DT_API_TOKEN: CLASSIC });
    const result = await checkDynatrace(surveyWith(SLO_AND_METRICS), deps);
    expect(result).toMatchObject({ status: 'fail', failure: 'config' });
    expect(result.detail).toContain('HTTP 401: Token Authentication failed');
    expect(result.hint).toContain('invalid, expired, disabled or deleted');
    expect(everything(result)).not.toContain('SECRETSECRET');
  });

  it('fails as unavailable when the environment does not answer', async () => {
    const deps = doctorDeps({ DT_URL: CLOSED_URL, DT_API_TOKEN: CLASSIC });
    const result = await checkDynatrace(surveyWith(SLO_AND_METRICS), deps);
    expect(result).toMatchObject({ status: 'fail', failure: 'unavailable' });
    expect(result.detail).toContain('refused the connection');
    expect(everything(result)).not.toContain('SECRETSECRET');
  });

  it('fails as a config problem when the URL answers with something else than token metadata', async () => {
    const dt = await serve(200, { hello: 'proxy' });
    const result = await checkDynatrace(NOTHING, doctorDeps({ DT_URL: dt.url, DT_API_TOKEN: CLASSIC }));
    expect(result).toMatchObject({ status: 'fail', failure: 'config' });
    expect(result.detail).toContain("not with the token's metadata");
  });

  it('registers the token with the redactor before sending it', async () => {
    const dt = await serve(200, { name: 'gate', enabled: true, scopes: ALL_SCOPES });
    const deps = doctorDeps({ DT_URL: dt.url, DT_API_TOKEN: CLASSIC });
    await checkDynatrace(NOTHING, deps);
    expect(deps.redactor.redact(`token ${CLASSIC}`)).toBe('token ***');
  });
});

describe('checkDynatrace with another token', () => {
  it('says a platform token cannot be looked up, and still checks the environment answers', async () => {
    const dt = await serve(200, { state: 'SUCCEEDED', result: { records: [{ reachable: true }] } });
    const result = await checkDynatrace(
      surveyWith(SLO_AND_METRICS),
      doctorDeps({ DT_URL: dt.url, DT_API_TOKEN: PLATFORM }),
    );
    expect(result.status).toBe('warning');
    expect(result.detail).toBe(
      `${dt.url}: reachable, the platform query API accepted the token; the token is not a classic access token (dt0c01.), so its scopes cannot be looked up (only access tokens can, with /api/v2/apiTokens/lookup)`,
    );
    expect(dt.seen).toHaveLength(1);
    expect(dt.seen[0]).toMatchObject({
      method: 'POST',
      url: PLATFORM_QUERY_PATH,
      authorization: `Bearer ${PLATFORM}`,
      body: { query: 'data record(reachable = true)' },
    });
  });

  it('reports what the platform API said when it is not there, as a warning with the platform URL hint', async () => {
    const dt = await serve(404, { error: { code: 404, message: 'Not Found' } });
    const result = await checkDynatrace(NOTHING, doctorDeps({ DT_URL: dt.url, DT_API_TOKEN: PLATFORM }));
    expect(result.status).toBe('warning');
    expect(result.detail).toContain('the platform query API answered HTTP 404 (Not Found)');
    expect(result.hint).toContain('apps.dynatrace.com');
  });

  it('fails as a config problem when the platform refuses the token', async () => {
    const dt = await serve(401, { error: { code: 401, message: 'Unauthorized' } });
    const result = await checkDynatrace(NOTHING, doctorDeps({ DT_URL: dt.url, DT_API_TOKEN: PLATFORM }));
    expect(result).toMatchObject({ status: 'fail', failure: 'config' });
    expect(everything(result)).not.toContain('PLATFORMSECRET');
  });
});

describe('checkDynatrace configuration', () => {
  it('is skipped when nothing uses Dynatrace', async () => {
    const result = await checkDynatrace(NOTHING, doctorDeps({}));
    expect(result).toEqual({
      name: 'dynatrace',
      status: 'skipped',
      detail: 'not used: no providers.dynatrace in ci-connect.yaml, no DT_URL, no sli/dynatrace.yaml',
    });
  });

  it('fails as a config problem naming the env var when an SLI file uses Dynatrace but no token is set', async () => {
    const result = await checkDynatrace(surveyWith(SLO_AND_METRICS), doctorDeps({ DT_URL: CLOSED_URL }));
    expect(result).toMatchObject({ status: 'fail', failure: 'config' });
    expect(result.detail).toContain('DT_API_TOKEN is not set');
  });

  it('reads the env var names ci-connect.yaml gives', async () => {
    const dt = await serve(200, { name: 'gate', enabled: true, scopes: ALL_SCOPES });
    const survey: ProjectSurvey = {
      configUnusable: false,
      sliFiles: new Map(),
      config: {
        root: '/',
        helm: {},
        defaults: {},
        events: {},
        tasks: {},
        providers: { dynatrace: { urlEnv: 'SHOP_DT_URL', tokenEnv: 'SHOP_DT_TOKEN' } },
      },
    };
    const result = await checkDynatrace(survey, doctorDeps({ SHOP_DT_URL: dt.url, SHOP_DT_TOKEN: CLASSIC }));
    expect(result.status).toBe('ok');
  });
});

describe('checkDynatrace on a SaaS environment URL', () => {
  /** A client that records the URLs it was asked for and answers every call with `data`. */
  function recordingHttp(data: unknown): { urls: string[]; http: DoctorDependencies['http'] } {
    const urls: string[] = [];
    return {
      urls,
      http: {
        request: (request) => {
          urls.push(request.url);
          return Promise.resolve({ status: 200, headers: {}, data });
        },
      },
    };
  }

  it('looks a classic token up on the classic host, also when DT_URL names the .apps. one', async () => {
    const { urls, http } = recordingHttp({ name: 'gate', enabled: true, scopes: ALL_SCOPES });
    const deps = doctorDeps(
      { DT_URL: 'https://abc12345.apps.dynatrace.com', DT_API_TOKEN: CLASSIC },
      { http },
    );
    await checkDynatrace(surveyWith(SLO_AND_METRICS), deps);
    expect(urls).toEqual([`https://abc12345.live.dynatrace.com${LOOKUP_PATH}`]);
  });

  it('probes a platform token on the platform host, also when DT_URL names the .live. one', async () => {
    const { urls, http } = recordingHttp({ state: 'SUCCEEDED', result: { records: [{ reachable: true }] } });
    const deps = doctorDeps(
      { DT_URL: 'https://abc12345.live.dynatrace.com', DT_API_TOKEN: PLATFORM },
      { http },
    );
    await checkDynatrace(surveyWith(SLO_AND_METRICS), deps);
    expect(urls).toEqual([`https://abc12345.apps.dynatrace.com${PLATFORM_QUERY_PATH}`]);
  });
});

// A 200 that is not JSON says nothing about the token: the API is not usable from here (exit 3 class).
describe('checkDynatrace behind a login page', () => {
  it.each([
    ['classic', CLASSIC, LOOKUP_PATH],
    ['platform', PLATFORM, PLATFORM_QUERY_PATH],
  ])(
    'fails as unavailable when a login page answers instead of the API (%s token)',
    async (_kind, token, path) => {
      const dt = await serve(200, LOGIN_PAGE, 'text/html');
      const result = await checkDynatrace(NOTHING, doctorDeps({ DT_URL: dt.url, DT_API_TOKEN: token }));
      expect(result).toMatchObject({ status: 'fail', failure: 'unavailable' });
      expect(result.detail).toBe(
        `POST ${dt.url}${path} answered HTTP 200 with an HTML page titled "Sign in" (a login page or a proxy?) instead of JSON`,
      );
      expect(everything(result)).not.toContain('SECRET');
    },
  );
});
