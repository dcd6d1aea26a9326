// Stands in for core's http/axios-proxy-rules.js in the CLI bundle (scripts/bundle.js): there is no
// axios installation to load the rules from, they come with the bundled axios. `axios` is mapped
// to ./vendor/axios.mjs like every other import of it.
export async function loadAxiosProxyRules() {
  const { getProxyForUrl, shouldBypassProxy } = await import('axios');
  if (typeof getProxyForUrl !== 'function' || typeof shouldBypassProxy !== 'function') {
    throw new TypeError('the bundled axios carries no proxy rules');
  }
  return { getProxyForUrl, shouldBypassProxy };
}
