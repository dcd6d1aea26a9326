import { describe, expect, it } from 'vitest';
import { createRedactor, registerRequestSecrets } from './redaction.js';

describe('Redactor', () => {
  it('masks every occurrence of a registered secret, longest first, and its URL-encoded form', () => {
    const redactor = createRedactor(['abc', 'abc/def+1', undefined, '']);
    expect(redactor.redact('abc and abc/def+1 and abc%2Fdef%2B1')).toBe('*** and *** and ***');
  });

  it('masks a secret shorter than 4 characters too', () => {
    expect(createRedactor(['pw']).redact('user pw')).toBe('user ***');
  });

  it.each([
    ['Authorization: Api-Token dt0c01.ABC.DEF', 'Authorization: ***'],
    ['{"Authorization":"Bearer eyJhbGci"}', '{"Authorization":"***"}'],
    ['proxy-authorization=Basic dXNlcjpwYXNz', 'proxy-authorization=***'],
    ['sent Api-Token dt0c01.ABC and Bearer eyJhbGci', 'sent Api-Token *** and Bearer ***'],
    ['https://user:s3cret@example.com/path', 'https://user:***@example.com/path'],
    ['postgres://ci:pa:ss@db:5432/x', 'postgres://ci:***@db:5432/x'],
    ['GET /api?api-token=xyz&q=up', 'GET /api?api-token=***&q=up'],
    ['GET /api?q=up&access_token=xyz#frag', 'GET /api?q=up&access_token=***#frag'],
    ['Basic authentication failed; Bearer', 'Basic authentication failed; Bearer'],
    ['https://example.com/path?q=token', 'https://example.com/path?q=token'],
  ])('masks generic credentials: %s', (text, expected) => {
    expect(createRedactor().redact(text)).toBe(expected);
  });
});

describe('registerRequestSecrets', () => {
  it('registers auth header values, the URL password and token query parameters', () => {
    const redactor = createRedactor();
    registerRequestSecrets(redactor, {
      url: new URL('https://me:p%40ss@example.com/?token=t0k&q=keep'),
      headers: { Authorization: 'Api-Token dt0c01.X', 'X-Other': 'keep2', 'PRIVATE-TOKEN': 'glpat-1' },
    });
    expect(redactor.redact('dt0c01.X p@ss p%40ss t0k glpat-1 keep keep2')).toBe(
      '*** *** *** *** *** keep keep2',
    );
  });
});
