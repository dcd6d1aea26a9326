/**
 * Where the Prometheus API is and how to authenticate, from ci-connect.yaml `providers.prometheus`
 * and the env vars it names (DESIGN.md section 4: PROMETHEUS_URL with PROMETHEUS_TOKEN or
 * PROMETHEUS_USER/PROMETHEUS_PASSWORD). Every secret is registered with the Redactor here,
 * before any request is built.
 */
import { prometheusEnvNames, type PrometheusSettings } from './prometheus-settings.js';
import { ConfigError } from '../../errors.js';
import { registerUrlCredentials, type Redactor } from '../../redaction/redaction.js';

/** The endpoint and the headers every query carries. */
export interface PrometheusConnection {
  /** `<base>/api/v1/query`. */
  queryUrl: string;
  headers: Record<string, string>;
  /** Hints for refused credentials (401/403), naming the env vars to fix. */
  authHints: Readonly<Record<number, string>>;
}

/** Resolves the connection; throws ConfigError when the URL or half of the basic-auth pair is missing. */
export function resolvePrometheusConnection(
  settings: PrometheusSettings,
  env: Readonly<Record<string, string | undefined>>,
  redactor: Redactor,
): PrometheusConnection {
  const { urlEnv, tokenEnv, userEnv, passwordEnv } = prometheusEnvNames(settings);
  const token = nonEmpty(env[tokenEnv]);
  const user = nonEmpty(env[userEnv]);
  const password = nonEmpty(env[passwordEnv]);
  redactor.add(token, password);
  const headers: Record<string, string> = {};
  if (token !== undefined) {
    headers['Authorization'] = `Bearer ${token}`;
  } else if (user !== undefined || password !== undefined) {
    if (user === undefined || password === undefined) {
      const missing = user === undefined ? userEnv : passwordEnv;
      throw new ConfigError(
        `Prometheus basic auth needs both ${userEnv} and ${passwordEnv}; ${missing} is not set`,
        {
          hint: `set ${missing}, or use a bearer token in ${tokenEnv}`,
        },
      );
    }
    const basic = Buffer.from(`${user}:${password}`).toString('base64');
    redactor.add(basic);
    headers['Authorization'] = `Basic ${basic}`;
  }
  const url = nonEmpty(settings.url) ?? nonEmpty(env[urlEnv]);
  if (url === undefined) {
    throw new ConfigError('the SLO uses Prometheus indicators, but no Prometheus URL is configured', {
      hint: `set ${urlEnv} (e.g. https://prometheus.example.com), or providers.prometheus.url in ci-connect.yaml`,
    });
  }
  const urlCredentials = credentialsIn(url, redactor);
  if (urlCredentials && headers['Authorization'] !== undefined) {
    const given = token !== undefined ? tokenEnv : `${userEnv}/${passwordEnv}`;
    const source = nonEmpty(settings.url) === undefined ? urlEnv : 'providers.prometheus.url';
    throw new ConfigError(
      `Prometheus credentials are given twice: in ${source} (user:password@) and in ${given}`,
      {
        hint: `remove user:password@ from ${source}, or unset ${given}: one of them would silently win`,
      },
    );
  }
  const refused = urlCredentials
    ? `Prometheus refused the user:password in ${urlEnv}`
    : `Prometheus refused the credentials: check ${tokenEnv} (bearer token) or ${userEnv}/${passwordEnv} (basic auth)`;
  return {
    queryUrl: `${url.replace(/\/+$/, '')}/api/v1/query`,
    headers,
    authHints: { 401: refused, 403: `${refused}; the account may lack access to this server` },
  };
}

/** Whether the URL has user-info; its password (and the Basic header made of it) is registered. */
function credentialsIn(url: string, redactor: Redactor): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  registerUrlCredentials(redactor, parsed);
  return parsed.username !== '' || parsed.password !== '';
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
