import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors.js';
import { requirePlatform, resolveRoutes } from './environment-urls.js';

const CLASSIC =
  'dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM';
const PLATFORM = 'dt0s16.SAMPLE.abcdefghijklmnopqrstuvwxyz0123456789';

describe('resolveRoutes', () => {
  it.each([
    // [configured URL, token, Environment API v2 prefix, platform base URL or "none"]
    [
      'https://abc12345.live.dynatrace.com',
      CLASSIC,
      'https://abc12345.live.dynatrace.com/api/v2',
      'https://abc12345.apps.dynatrace.com',
    ],
    [
      'https://abc12345.live.dynatrace.com',
      PLATFORM,
      'https://abc12345.apps.dynatrace.com/platform/classic/environment-api/v2',
      'https://abc12345.apps.dynatrace.com',
    ],
    [
      'https://abc12345.apps.dynatrace.com',
      PLATFORM,
      'https://abc12345.apps.dynatrace.com/platform/classic/environment-api/v2',
      'https://abc12345.apps.dynatrace.com',
    ],
    // Api-Token is refused on .apps.: classic calls go to the .live. host.
    [
      'https://abc12345.apps.dynatrace.com',
      CLASSIC,
      'https://abc12345.live.dynatrace.com/api/v2',
      'https://abc12345.apps.dynatrace.com',
    ],
    [
      'https://ABC12345.Live.Dynatrace.com',
      CLASSIC,
      'https://abc12345.live.dynatrace.com/api/v2',
      'https://abc12345.apps.dynatrace.com',
    ],
    [
      'https://abc12345.sprint.dynatracelabs.com',
      PLATFORM,
      'https://abc12345.sprint.apps.dynatracelabs.com/platform/classic/environment-api/v2',
      'https://abc12345.sprint.apps.dynatracelabs.com',
    ],
    [
      'https://abc12345.dev.apps.dynatracelabs.com',
      CLASSIC,
      'https://abc12345.dev.dynatracelabs.com/api/v2',
      'https://abc12345.dev.apps.dynatracelabs.com',
    ],
    // Managed and environment ActiveGates: /e/<env-id>, no platform.
    [
      'https://dynatrace.example.com/e/1f2c3d4e-aaaa-bbbb-cccc-0123456789ab',
      CLASSIC,
      'https://dynatrace.example.com/e/1f2c3d4e-aaaa-bbbb-cccc-0123456789ab/api/v2',
      'none',
    ],
    [
      'https://activegate.internal:9999/e/abc12345',
      PLATFORM,
      'https://activegate.internal:9999/e/abc12345/api/v2',
      'none',
    ],
    // Anything else (a proxy, a local stand-in) is used as given for every call.
    ['http://127.0.0.1:43121', CLASSIC, 'http://127.0.0.1:43121/api/v2', 'http://127.0.0.1:43121'],
    [
      'https://dt-proxy.example.com',
      PLATFORM,
      'https://dt-proxy.example.com/api/v2',
      'https://dt-proxy.example.com',
    ],
    // A SaaS host behind a path is not one we can map.
    [
      'https://abc12345.live.dynatrace.com/some/prefix',
      CLASSIC,
      'https://abc12345.live.dynatrace.com/some/prefix/api/v2',
      'https://abc12345.live.dynatrace.com/some/prefix',
    ],
  ])('%s (%#)', (url, token, environmentApi, platform) => {
    const routes = resolveRoutes(url, token);
    expect(routes.environmentApi).toBe(environmentApi);
    expect('url' in routes.platform ? routes.platform.url : 'none').toBe(platform);
  });
});

describe('requirePlatform', () => {
  it('gives the platform URL for a platform token', () => {
    const routes = resolveRoutes('https://abc12345.live.dynatrace.com', PLATFORM);
    expect(requirePlatform(routes, PLATFORM, 'DT_API_TOKEN')).toBe('https://abc12345.apps.dynatrace.com');
  });

  it.each([
    [
      'a Managed URL',
      'https://dynatrace.example.com/e/abc12345',
      PLATFORM,
      /https:\/\/dynatrace\.example\.com\/e\/abc12345 is a Dynatrace Managed or ActiveGate environment URL/,
      /apps\.dynatrace\.com.*metricSelector/,
    ],
    [
      'a classic token',
      'https://abc12345.live.dynatrace.com',
      CLASSIC,
      /MY_TOKEN holds a classic API token \(dt0c01\.\)/,
      /platform token \(dt0s16\.\).*MY_TOKEN.*storage:buckets:read/,
    ],
  ])('refuses %s with a ConfigError and a hint, naming no token', (_name, url, token, message, hint) => {
    const routes = resolveRoutes(url, token);
    const error = ((): unknown => {
      try {
        return requirePlatform(routes, token, 'MY_TOKEN');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(message);
    expect((error as ConfigError).hint).toMatch(hint);
    expect(`${(error as ConfigError).message} ${(error as ConfigError).hint}`).not.toContain(token.slice(7));
  });
});
