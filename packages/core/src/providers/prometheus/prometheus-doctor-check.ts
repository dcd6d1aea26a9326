/**
 * The Prometheus check: the server named by ci-connect.yaml or PROMETHEUS_URL answers
 * `GET /api/v1/status/buildinfo` with the credentials a gate would send, and says its version.
 * https://prometheus.io/docs/prometheus/latest/querying/api/#build-information
 */

import { isRecord } from '../../config/guards.js';
import { settingsOf } from '../../config/provider-settings.js';
import { prometheusEnvNames, prometheusSettings } from './prometheus-settings.js';
import { resolvePrometheusConnection } from './prometheus-connection.js';
import type { PrometheusConnection } from './prometheus-connection.js';
import { failedCheck } from '../../doctor/check-errors.js';
import type { ProjectSurvey } from '../../doctor/project-survey.js';
import { checkResult } from '../../doctor/types.js';
import type { CheckResult, DoctorDependencies } from '../../doctor/types.js';

export const PROMETHEUS_CHECK = 'prometheus';
const QUERY_PATH = '/api/v1/query';

type PrometheusDependencies = Pick<DoctorDependencies, 'env' | 'http' | 'redactor'>;

/** Checks Prometheus when ci-connect.yaml, the environment or an SLI file says it is used. */
export async function checkPrometheus(
  survey: ProjectSurvey,
  deps: PrometheusDependencies,
): Promise<CheckResult> {
  const settings =
    survey.config === undefined ? undefined : settingsOf(survey.config.providers, prometheusSettings);
  // The same default as resolvePrometheusConnection: only needed here to tell "unused" apart.
  const { urlEnv } = prometheusEnvNames(settings);
  const used =
    settings !== undefined || (deps.env[urlEnv] ?? '').trim() !== '' || survey.sliFiles.has('prometheus');
  if (!used) {
    const unusable = survey.configUnusable ? ' (ci-connect.yaml has errors, see the config check)' : '';
    return checkResult(
      PROMETHEUS_CHECK,
      'skipped',
      `not used: no providers.prometheus in ci-connect.yaml, no ${urlEnv}, no sli/prometheus.yaml${unusable}`,
    );
  }
  try {
    const connection = resolvePrometheusConnection(settings ?? {}, deps.env, deps.redactor);
    return await probe(connection, deps);
  } catch (error) {
    return failedCheck(PROMETHEUS_CHECK, error, deps.redactor);
  }
}

async function probe(connection: PrometheusConnection, deps: PrometheusDependencies): Promise<CheckResult> {
  const base = connection.queryUrl.slice(0, -QUERY_PATH.length);
  const auth = describeAuth(connection.headers['Authorization']);
  const request = {
    method: 'GET' as const,
    headers: { ...connection.headers, Accept: 'application/json' },
    hints: connection.authHints,
    acceptStatuses: [404],
    expect: 'json' as const,
  };
  const buildInfo = await deps.http.request({ ...request, url: `${base}/api/v1/status/buildinfo` });
  if (buildInfo.status === 200 && isPrometheusAnswer(buildInfo.data)) {
    const version = (buildInfo.data.data as { version?: unknown } | undefined)?.version;
    const named = typeof version === 'string' ? `Prometheus ${version}` : 'Prometheus (version not given)';
    return checkResult(PROMETHEUS_CHECK, 'ok', `${base}: ${named}, ${auth}`);
  }
  // Prometheus-compatible servers (and older Prometheus) may lack buildinfo: a query still works.
  const query = await deps.http.request({ ...request, url: `${base}${QUERY_PATH}`, query: { query: '1' } });
  if (query.status === 200 && isPrometheusAnswer(query.data)) {
    return checkResult(PROMETHEUS_CHECK, 'ok', `${base}: answers queries (no build information), ${auth}`);
  }
  return checkResult(
    PROMETHEUS_CHECK,
    'fail',
    `${base} answered HTTP ${query.status}, but not as the Prometheus HTTP API does`,
    {
      hint: "give the server's base URL, without /api/v1 (e.g. https://prometheus.example.com), in the URL env var or providers.prometheus.url",
      failure: 'config',
    },
  );
}

/** The envelope of every Prometheus API answer: `{"status": "success", "data": ...}`. */
function isPrometheusAnswer(body: unknown): body is { status: 'success'; data?: unknown } {
  return isRecord(body) && body['status'] === 'success';
}

function describeAuth(authorization: string | undefined): string {
  if (authorization === undefined) return 'no authentication';
  return authorization.startsWith('Bearer ') ? 'bearer token accepted' : 'basic auth accepted';
}
