import { describe, expect, it } from 'vitest';
import { describeNetworkError } from './network-errors.js';

const proxy = { address: '10.0.0.1:3128', envVar: 'HTTPS_PROXY' };

describe('describeNetworkError', () => {
  it.each([
    ['ECONNREFUSED', 'the proxy 10.0.0.1:3128 (from HTTPS_PROXY) refused the connection (ECONNREFUSED)'],
    ['ENOTFOUND', 'the host name of the proxy 10.0.0.1:3128 (from HTTPS_PROXY) could not be resolved'],
    ['EHOSTUNREACH', 'the proxy 10.0.0.1:3128 (from HTTPS_PROXY) could not be reached (EHOSTUNREACH)'],
  ])('blames the proxy, not the server, for %s behind it', (code, message) => {
    const words = describeNetworkError(code, 'prometheus.example', proxy);
    expect(words.message).toContain(message);
    expect(words.message).not.toContain('prometheus.example');
    expect(words.hint).toMatch(/^check HTTPS_PROXY: .*NO_PROXY/);
  });

  it('keeps the server as the subject of a TLS failure through the tunnel, and the CA hint', () => {
    const words = describeNetworkError('DEPTH_ZERO_SELF_SIGNED_CERT', 'prometheus.example', proxy);
    expect(words.message).toBe(
      'the TLS certificate of prometheus.example could not be verified (DEPTH_ZERO_SELF_SIGNED_CERT), through the proxy 10.0.0.1:3128 (HTTPS_PROXY)',
    );
    expect(words.hint).toContain('--ca-file');
  });

  it('says the server refused when there is no proxy', () => {
    expect(describeNetworkError('ECONNREFUSED', 'prometheus.example').message).toBe(
      'prometheus.example refused the connection (ECONNREFUSED)',
    );
  });
});
