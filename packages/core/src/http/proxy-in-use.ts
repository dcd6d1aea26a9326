/**
 * Which proxy axios sends a request through, so a network error can name the proxy rather than
 * the server behind it (a refused connection to the proxy is not the API being down).
 *
 * axios decides this itself from HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY (http-client.ts
 * leaves `proxy` unset): `getProxyForUrl` from proxy-from-env, then its own NO_PROXY check
 * (lib/adapters/http.js, setProxy). Both come from axios (axios-proxy-rules.ts), not copied, so
 * the answer is axios' answer. They read process.env, as axios does.
 */

import { loadAxiosProxyRules } from './axios-proxy-rules.js';

/** The proxy a request goes through: host:port (never its user:password) and the env var naming it. */
export interface ProxyInUse {
  address: string;
  envVar: string;
}

/** The proxy axios would use for a URL; undefined when it connects directly. */
export type ProxyResolver = (url: string) => ProxyInUse | undefined;

type GetProxyForUrl = (url: string) => string;
type ShouldBypassProxy = (url: string) => boolean;

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/**
 * Loads axios' proxy rules. Should a later axios move them, messages fall back to naming the
 * server (as before this existed) rather than failing the request: a test pins the loading.
 */
export async function loadProxyResolver(): Promise<ProxyResolver> {
  try {
    const { getProxyForUrl, shouldBypassProxy } = await loadAxiosProxyRules();
    return (url) => findProxy(url, getProxyForUrl, shouldBypassProxy);
  } catch {
    return () => undefined;
  }
}

function findProxy(
  url: string,
  getProxyForUrl: GetProxyForUrl,
  shouldBypassProxy: ShouldBypassProxy,
): ProxyInUse | undefined {
  const proxyUrl = getProxyForUrl(url);
  if (proxyUrl === '' || shouldBypassProxy(url)) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(proxyUrl);
  } catch {
    return undefined;
  }
  const port = proxy.port === '' ? (DEFAULT_PORTS[proxy.protocol] ?? '') : proxy.port;
  const address = port === '' ? proxy.hostname : `${proxy.hostname}:${port}`;
  return { address, envVar: proxyEnvVar(new URL(url).protocol) };
}

/** The variable proxy-from-env took the proxy from: lower case first, then upper, then ALL_PROXY. */
function proxyEnvVar(protocol: string): string {
  const scheme = protocol.replace(/:$/, '');
  const names = [`${scheme}_proxy`, `${scheme.toUpperCase()}_PROXY`, 'all_proxy', 'ALL_PROXY'];
  return names.find((name) => (process.env[name] ?? '') !== '') ?? `${scheme.toUpperCase()}_PROXY`;
}
