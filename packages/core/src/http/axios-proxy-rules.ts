/**
 * axios' own proxy rules, loaded from axios' installation rather than copied: `getProxyForUrl`
 * from proxy-from-env (axios' dependency, not ours, so resolved from axios' own location) and
 * axios' NO_PROXY check (lib/helpers/shouldBypassProxy.js).
 *
 * The CLI bundles axios into a file of its own and swaps this module for one that takes both rules
 * from that file (packages/cli/scripts/vendor/axios-proxy-rules.js): same names, same contract.
 */

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** The two functions axios itself uses to pick a proxy for a URL. */
export interface AxiosProxyRules {
  /** The proxy URL for a request URL from HTTP(S)_PROXY / ALL_PROXY, or '' for none. */
  getProxyForUrl: (url: string) => string;
  /** Whether NO_PROXY exempts the URL. */
  shouldBypassProxy: (url: string) => boolean;
}

/** Loads the rules; rejects when axios moved them (the caller falls back to naming the server). */
export async function loadAxiosProxyRules(): Promise<AxiosProxyRules> {
  const fromHere = createRequire(import.meta.url);
  const fromAxios = createRequire(fromHere.resolve('axios'));
  const { getProxyForUrl } = fromAxios('proxy-from-env') as Pick<AxiosProxyRules, 'getProxyForUrl'>;
  // An ES module: imported by file URL (require() of ESM warns on Node 20 and 22).
  const bypassFile = fromHere.resolve('axios/unsafe/helpers/shouldBypassProxy.js');
  const bypass = (await import(pathToFileURL(bypassFile).href)) as {
    default: AxiosProxyRules['shouldBypassProxy'];
  };
  return { getProxyForUrl, shouldBypassProxy: bypass.default };
}
