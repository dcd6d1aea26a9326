/**
 * Where a call goes for the one environment URL the user configured. Dynatrace SaaS has two hosts
 * per environment: the classic `https://<env>.live.dynatrace.com` (Environment API v2 under
 * `/api/v2`, `Api-Token` auth) and the platform `https://<env>.apps.dynatrace.com` (Grail under
 * `/platform/storage/...`, and the same Environment API v2 under
 * `/platform/classic/environment-api/v2`, both with `Bearer` platform or OAuth tokens only).
 * The token decides which host answers the classic calls, as `Api-Token` is refused on `.apps.`.
 * Managed and ActiveGate URLs (`https://<host>/e/<env-id>`) have no platform, so no DQL.
 * https://docs.dynatrace.com/docs/manage/identity-access-management/access-tokens-and-oauth-clients/platform-tokens
 */

import { ConfigError } from '../../errors.js';

/** The base URLs of one environment, derived from the configured URL and token. */
export interface DynatraceRoutes {
  /** Prefix of Environment API v2 paths, e.g. `https://abc.live.dynatrace.com/api/v2`. */
  environmentApi: string;
  /** Base URL of the platform APIs (Grail), or why there is none. */
  platform: { url: string } | { unavailable: string };
}

/** True for classic API tokens (`dt0c01.`), which use `Api-Token` auth and only work on classic hosts. */
export function isClassicToken(token: string): boolean {
  return token.startsWith('dt0c01.');
}

// <env>.live.dynatrace.com ↔ <env>.apps.dynatrace.com; the same for the sprint and dev labs domains.
const SAAS_HOST =
  /^([a-z0-9-]+)\.(?:(live|apps)\.dynatrace\.com|(sprint|dev)\.(apps\.)?dynatracelabs\.com)$/i;

interface SaasHosts {
  classic: string;
  platform: string;
  configuredIsPlatform: boolean;
}

function saasHostsOf(hostname: string): SaasHosts | undefined {
  const match = SAAS_HOST.exec(hostname);
  if (match === null) return undefined;
  const [, env, saasKind, labsStage, labsApps] = match;
  if (saasKind !== undefined)
    return {
      classic: `${env}.live.dynatrace.com`,
      platform: `${env}.apps.dynatrace.com`,
      configuredIsPlatform: saasKind.toLowerCase() === 'apps',
    };
  return {
    classic: `${env}.${labsStage}.dynatracelabs.com`,
    platform: `${env}.${labsStage}.apps.dynatracelabs.com`,
    configuredIsPlatform: labsApps !== undefined,
  };
}

/**
 * Routes for a configured URL (no trailing slash) and token. Unknown hosts (a proxy, a local
 * stand-in) are used as given for every call.
 */
export function resolveRoutes(url: string, token: string): DynatraceRoutes {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { environmentApi: `${url}/api/v2`, platform: { url } };
  }
  if (/^\/e\/[^/]+$/.test(parsed.pathname))
    return {
      environmentApi: `${url}/api/v2`,
      platform: {
        unavailable: `${url} is a Dynatrace Managed or ActiveGate environment URL, which has no Grail`,
      },
    };
  const saas = parsed.pathname === '/' ? saasHostsOf(parsed.hostname) : undefined;
  if (saas === undefined) return { environmentApi: `${url}/api/v2`, platform: { url } };
  const origin = (host: string) =>
    `${parsed.protocol}//${host}${parsed.port === '' ? '' : `:${parsed.port}`}`;
  const environmentApi = isClassicToken(token)
    ? `${origin(saas.classic)}/api/v2`
    : `${origin(saas.platform)}/platform/classic/environment-api/v2`;
  return { environmentApi, platform: { url: origin(saas.platform) } };
}

/**
 * The platform base URL for DQL queries; throws ConfigError when the environment has none or the
 * token cannot be used there. `tokenEnv` names the token's env var for the hint.
 */
export function requirePlatform(routes: DynatraceRoutes, token: string, tokenEnv: string): string {
  if ('unavailable' in routes.platform)
    throw new ConfigError(
      `DQL; queries need a Dynatrace platform environment: ${routes.platform.unavailable}`,
      {
        hint:
          'point DT_URL (or providers.dynatrace.url) at a SaaS environment (https://<env>.apps.dynatrace.com), ' +
          'or write these SLIs as metrics queries (metricSelector=...)',
      },
    );
  if (isClassicToken(token))
    throw new ConfigError(
      `DQL; queries need a platform token, but ${tokenEnv} holds a classic API token (dt0c01.), which Grail refuses`,
      {
        hint:
          `put a platform token (dt0s16.) or an OAuth access token in ${tokenEnv}, with the scopes ` +
          'storage:buckets:read and storage:<table>:read for the tables the queries read (e.g. storage:metrics:read)',
      },
    );
  return routes.platform.url;
}
