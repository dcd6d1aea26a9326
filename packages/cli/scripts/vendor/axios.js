// Entry of dist/vendor/axios.mjs (scripts/bundle.js): axios, and the two proxy rules it decides
// with, the very functions its http adapter calls (core's http/axios-proxy-rules.ts names them).
export { default } from 'axios';
export { getProxyForUrl } from 'proxy-from-env';
export { default as shouldBypassProxy } from 'axios/unsafe/helpers/shouldBypassProxy.js';
