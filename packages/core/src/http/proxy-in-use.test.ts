import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadProxyResolver } from './proxy-in-use.js';

const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY'].flatMap((n) => [
  n,
  n.toLowerCase(),
]);

/** A clean proxy environment plus `vars` (axios and proxy-from-env read process.env). */
function stubProxyEnv(vars: Record<string, string>): void {
  for (const name of PROXY_VARS) vi.stubEnv(name, '');
  for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('loadProxyResolver', () => {
  it('loads axios’ own rules from the installed axios (an upgrade that moves them fails here)', async () => {
    stubProxyEnv({ HTTPS_PROXY: 'http://10.0.0.1:3128' });
    const proxyFor = await loadProxyResolver();
    expect(proxyFor('https://prometheus.example:9090/api')).toEqual({
      address: '10.0.0.1:3128',
      envVar: 'HTTPS_PROXY',
    });
  });

  it.each([
    ['no proxy set', {}, 'https://prometheus.example/api', undefined],
    [
      'credentials are never part of the address; the default port is shown',
      { https_proxy: 'http://user:secret@proxy.corp' },
      'https://prometheus.example/api',
      { address: 'proxy.corp:80', envVar: 'https_proxy' },
    ],
    [
      'a proxy without a scheme takes the target’s',
      { HTTPS_PROXY: 'proxy.corp' },
      'https://prometheus.example/api',
      { address: 'proxy.corp:443', envVar: 'HTTPS_PROXY' },
    ],
    [
      'plain HTTP goes through HTTP_PROXY, not HTTPS_PROXY',
      { HTTPS_PROXY: 'http://a:1', HTTP_PROXY: 'http://b:2' },
      'http://prometheus.example/api',
      { address: 'b:2', envVar: 'HTTP_PROXY' },
    ],
    [
      'ALL_PROXY when the scheme has none',
      { ALL_PROXY: 'http://c:3' },
      'https://prometheus.example/api',
      { address: 'c:3', envVar: 'ALL_PROXY' },
    ],
    [
      'NO_PROXY lists the host',
      { HTTPS_PROXY: 'http://a:1', NO_PROXY: '.example' },
      'https://prometheus.example/api',
      undefined,
    ],
    // axios' own NO_PROXY check, stricter than proxy-from-env's: localhost covers 127.0.0.1.
    [
      'NO_PROXY=localhost covers 127.0.0.1',
      { HTTPS_PROXY: 'http://a:1', NO_PROXY: 'localhost' },
      'https://127.0.0.1:9/',
      undefined,
    ],
  ])('%s', async (_name, vars, url, expected) => {
    stubProxyEnv(vars);
    const proxyFor = await loadProxyResolver();
    expect(proxyFor(url)).toEqual(expected);
  });
});
