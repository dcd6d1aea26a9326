// Stands in for core's http/axios-proxy-rules.ts in the action's bundle (scripts/bundle.js): a
// runner has no axios installation to load the rules from, so they are bundled with axios itself,
// the very functions its http adapter calls. Same names, same contract.
import { getProxyForUrl } from 'proxy-from-env';
import shouldBypassProxy from 'axios/unsafe/helpers/shouldBypassProxy.js';

export async function loadAxiosProxyRules() {
  return { getProxyForUrl, shouldBypassProxy };
}
