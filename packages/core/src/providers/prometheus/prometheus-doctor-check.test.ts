import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../../http/test-support/test-server.js';
import type { TestServer } from '../../http/test-support/test-server.js';
import { checkPrometheus } from './prometheus-doctor-check.js';
import type { ProjectSurvey } from '../../doctor/project-survey.js';
import { CLOSED_URL, doctorDeps } from '../../doctor/test-support/doctor-deps.js';

const TOKEN = 'prom-SECRET-token-4711';
const BUILD_INFO = {
  status: 'success',
  data: { version: '2.45.3', revision: 'abc', branch: 'debian/sid', goVersion: 'go1.22' },
};
const NOTHING: ProjectSurvey = { configUnusable: false, sliFiles: new Map() };
const WITH_SLI_FILE: ProjectSurvey = {
  configUnusable: false,
  sliFiles: new Map([['prometheus', ['base/carts/sli/prometheus.yaml']]]),
};

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An answer; a `contentType` sends the string `body` as it is instead of as JSON. */
type Route = (url: URL) => { status: number; body: unknown; contentType?: string };

async function serve(route: Route): Promise<TestServer> {
  server = await startTestServer((req: http.IncomingMessage, res: http.ServerResponse) => {
    const { status, body, contentType } = route(new URL(req.url ?? '/', 'http://x'));
    res.writeHead(status, { 'content-type': contentType ?? 'application/json' });
    res.end(contentType === undefined ? JSON.stringify(body) : String(body));
  });
  return server;
}

describe('checkPrometheus', () => {
  it('reports the version from /api/v1/status/buildinfo, sending the bearer token', async () => {
    const prometheus = await serve(() => ({ status: 200, body: BUILD_INFO }));
    const deps = doctorDeps({ PROMETHEUS_URL: `${prometheus.url}/`, PROMETHEUS_TOKEN: TOKEN });
    const result = await checkPrometheus(NOTHING, deps);
    expect(result).toEqual({
      name: 'prometheus',
      status: 'ok',
      detail: `${prometheus.url}: Prometheus 2.45.3, bearer token accepted`,
    });
    expect(prometheus.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/api/v1/status/buildinfo', `Bearer ${TOKEN}`],
    ]);
  });

  it('sends basic auth from the env vars ci-connect.yaml names', async () => {
    const prometheus = await serve(() => ({ status: 200, body: BUILD_INFO }));
    const survey: ProjectSurvey = {
      ...NOTHING,
      config: {
        root: '/',
        helm: {},
        defaults: {},
        events: {},
        tasks: {},
        providers: { prometheus: { url: prometheus.url, userEnv: 'PROM_USER', passwordEnv: 'PROM_PASS' } },
      },
    };
    const result = await checkPrometheus(survey, doctorDeps({ PROM_USER: 'gate', PROM_PASS: 'pw-SECRET' }));
    expect(result.detail).toBe(`${prometheus.url}: Prometheus 2.45.3, basic auth accepted`);
    const expected = `Basic ${Buffer.from('gate:pw-SECRET').toString('base64')}`;
    expect(prometheus.requests[0]?.headers.authorization).toBe(expected);
  });

  it('fails as a config problem naming the token env var when Prometheus refuses the credentials', async () => {
    await serve(() => ({ status: 401, body: 'Unauthorized' }));
    const deps = doctorDeps({ PROMETHEUS_URL: server?.url, PROMETHEUS_TOKEN: TOKEN });
    const result = await checkPrometheus(NOTHING, deps);
    expect(result).toMatchObject({ status: 'fail', failure: 'config' });
    expect(result.detail).toContain('was refused with HTTP 401');
    expect(result.hint).toContain(
      'check PROMETHEUS_TOKEN (bearer token) or PROMETHEUS_USER/PROMETHEUS_PASSWORD',
    );
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('falls back to a query when the server has no build information', async () => {
    const prometheus = await serve((url) =>
      url.pathname === '/api/v1/query'
        ? { status: 200, body: { status: 'success', data: { resultType: 'scalar', result: [0, '1'] } } }
        : { status: 404, body: '404 page not found' },
    );
    const result = await checkPrometheus(NOTHING, doctorDeps({ PROMETHEUS_URL: prometheus.url }));
    expect(result).toEqual({
      name: 'prometheus',
      status: 'ok',
      detail: `${prometheus.url}: answers queries (no build information), no authentication`,
    });
    expect(prometheus.requests.map((r) => r.url)).toEqual([
      '/api/v1/status/buildinfo',
      '/api/v1/query?query=1',
    ]);
  });

  it('fails as a config problem when the URL is not the Prometheus API', async () => {
    const other = await serve(() => ({ status: 404, body: { message: 'no such page' } }));
    const result = await checkPrometheus(NOTHING, doctorDeps({ PROMETHEUS_URL: `${other.url}/prometheus` }));
    expect(result).toMatchObject({ status: 'fail', failure: 'config' });
    expect(result.detail).toBe(
      `${other.url}/prometheus answered HTTP 404, but not as the Prometheus HTTP API does`,
    );
    expect(result.hint).toContain('without /api/v1');
  });

  it('fails as unavailable when nothing answers', async () => {
    const result = await checkPrometheus(NOTHING, doctorDeps({ PROMETHEUS_URL: CLOSED_URL }));
    expect(result).toMatchObject({ status: 'fail', failure: 'unavailable' });
    expect(result.detail).toContain('refused the connection (ECONNREFUSED)');
    expect(result.hint).toContain('check the port in the URL');
  });

  it('fails as unavailable, saying what came back, when a login page answers instead of the API', async () => {
    const sso = await serve(() => ({
      status: 200,
      body: '<html><head><title>Company SSO</title></head><body>Log in</body></html>',
      contentType: 'text/html',
    }));
    const result = await checkPrometheus(NOTHING, doctorDeps({ PROMETHEUS_URL: sso.url }));
    expect(result).toMatchObject({ status: 'fail', failure: 'unavailable' });
    expect(result.detail).toBe(
      `GET ${sso.url}/api/v1/status/buildinfo answered HTTP 200 with an HTML page titled "Company SSO" (a login page or a proxy?) instead of JSON`,
    );
    expect(result.hint).toContain('single sign-on');
  });

  it('fails as unavailable when Prometheus answers 503', async () => {
    await serve(() => ({ status: 503, body: 'Service Unavailable' }));
    const result = await checkPrometheus(NOTHING, doctorDeps({ PROMETHEUS_URL: server?.url }));
    expect(result).toMatchObject({ status: 'fail', failure: 'unavailable' });
  });

  it('fails as a config problem when an SLI file uses Prometheus but no URL is set', async () => {
    const result = await checkPrometheus(WITH_SLI_FILE, doctorDeps({}));
    expect(result).toMatchObject({ status: 'fail', failure: 'config' });
    expect(result.hint).toContain('set PROMETHEUS_URL');
  });

  it('fails as a config problem when only half of basic auth is set', async () => {
    const result = await checkPrometheus(
      NOTHING,
      doctorDeps({ PROMETHEUS_URL: CLOSED_URL, PROMETHEUS_USER: 'u' }),
    );
    expect(result).toMatchObject({ status: 'fail', failure: 'config' });
    expect(result.detail).toContain('PROMETHEUS_PASSWORD is not set');
  });

  it('is skipped when nothing uses Prometheus, and says why', async () => {
    const result = await checkPrometheus({ ...NOTHING, configUnusable: true }, doctorDeps({}));
    expect(result).toEqual({
      name: 'prometheus',
      status: 'skipped',
      detail:
        'not used: no providers.prometheus in ci-connect.yaml, no PROMETHEUS_URL, no sli/prometheus.yaml (ci-connect.yaml has errors, see the config check)',
    });
  });
});
