/**
 * Network failure codes from Node, axios and OpenSSL, said in words with a way to fix them.
 */

import type { ProxyInUse } from './proxy-in-use.js';

/** A failure said in words, with a hint when there is one. */
export interface NetworkErrorWords {
  message: string;
  hint?: string;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

const CA_HINT =
  'if the server uses a private CA, pass its certificate with --ca-file or set NODE_EXTRA_CA_CERTS; TLS verification cannot be turned off';

/** A failed TLS handshake or certificate check: the request itself was never sent. */
export function isTlsErrorCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');
}

// Behind a proxy, the client's own socket goes only to the proxy (the proxy resolves and
// connects to the server, and reports that in its answer), so these failures are the proxy's.
const PROXY_CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Describes a network error code for a host in words; `proxy`: the request went through one. */
export function describeNetworkError(code: string, host: string, proxy?: ProxyInUse): NetworkErrorWords {
  if (proxy === undefined) return describeDirect(code, host);
  if (PROXY_CONNECT_CODES.has(code)) return describeProxyFailure(code, proxy);
  // Anything else may be the server's (TLS is checked end to end through the tunnel): said as
  // for a direct call, with the proxy named for context.
  const words = describeDirect(code, host);
  return { ...words, message: `${words.message}, through the proxy ${proxy.address} (${proxy.envVar})` };
}

function describeProxyFailure(code: string, proxy: ProxyInUse): NetworkErrorWords {
  const the = `the proxy ${proxy.address} (from ${proxy.envVar})`;
  const hint = `check ${proxy.envVar}: the proxy must run and be reachable from this runner; a host that needs no proxy goes in NO_PROXY`;
  switch (code) {
    case 'ECONNREFUSED':
      return { message: `${the} refused the connection (ECONNREFUSED)`, hint };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { message: `the host name of ${the} could not be resolved (DNS lookup failed, ${code})`, hint };
    default:
      return { message: `${the} could not be reached (${code})`, hint };
  }
}

function describeDirect(code: string, host: string): NetworkErrorWords {
  if (isTlsErrorCode(code)) {
    return { message: `the TLS certificate of ${host} could not be verified (${code})`, hint: CA_HINT };
  }
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        message: `the host name ${host} could not be resolved (DNS lookup failed, ${code})`,
        hint: 'check the host name in the URL, DNS, and HTTPS_PROXY/NO_PROXY if a proxy is needed',
      };
    case 'ECONNREFUSED':
      return {
        message: `${host} refused the connection (ECONNREFUSED)`,
        hint: 'check the port in the URL and that the service is running',
      };
    case 'ECONNRESET':
    case 'EPIPE':
      return { message: `${host} closed the connection unexpectedly (${code})` };
    case 'ETIMEDOUT':
    case 'ECONNABORTED':
      return {
        message: `${host} did not answer in time (timeout)`,
        hint: 'the service may be overloaded; raise the timeout if the query is known to be slow',
      };
    case 'ERR_CANCELED':
      return { message: `the request to ${host} was cancelled` };
    default:
      return { message: `the request to ${host} failed (${code})` };
  }
}
