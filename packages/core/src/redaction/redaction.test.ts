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

describe('Redactor.watch', () => {
  it('hands on every form registered before and after, once each', () => {
    const redactor = createRedactor(['first-secret']);
    const seen: string[] = [];
    redactor.watch((form) => seen.push(form));
    redactor.add('second/secret', 'first-secret');
    expect(seen).toContain('first-secret');
    expect(seen).toContain('second/secret');
    expect(seen).toContain('second%2Fsecret');
    expect(seen).toContain(Buffer.from('second/secret').toString('base64'));
    expect(seen.filter((form) => form === 'first-secret')).toHaveLength(1);
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

describe('Redactor: every form a secret travels in', () => {
  const SECRET = 'k8Jd2#pQ9"zX4/wL';
  const redactor = createRedactor([SECRET]);

  it.each([
    ['raw', SECRET],
    ['percent-encoded', encodeURIComponent(SECRET)],
    ['JSON-escaped', JSON.stringify(SECRET).slice(1, -1)],
    ['base64', Buffer.from(SECRET).toString('base64')],
  ])('masks it %s', (_, form) => {
    expect(redactor.redact(`before ${form} after`)).toBe('before *** after');
  });

  it.each([0, 1, 2, 5])('masks its base64 inside a longer base64 value (%i bytes before it)', (before) => {
    const encoded = Buffer.from(`${'u'.repeat(before)}:${SECRET}:tail`).toString('base64');
    const shown = redactor.redact(encoded);
    expect(shown).toContain('***');
    // What is left around the mask encodes the neighbours, at most 2 characters of the secret's edges.
    expect(shown.replace('***', '').length).toBeLessThan(encoded.length - 16);
  });

  it('masks a user:password Basic header value, raw and decoded', () => {
    const basic = createRedactor().addBasicCredentials('me%40corp', 'p%40ss-w0rd-long');
    for (const pair of ['me%40corp:p%40ss-w0rd-long', 'me@corp:p@ss-w0rd-long'])
      expect(basic.redact(`Basic ${Buffer.from(pair).toString('base64')}`)).toBe('Basic ***');
    expect(basic.redact('p@ss-w0rd-long and p%40ss-w0rd-long')).toBe('*** and ***');
  });
});

describe('Redactor: partial secrets', () => {
  const TOKEN = 'tok_9Hq3Lm7Zx2Wv5Rb8Nc4';
  const redactor = createRedactor([TOKEN, 'short-pw']);

  it('clip redacts before it cuts: no beginning of a secret survives the cut', () => {
    for (let cut = 1; cut < 40; cut++) {
      const text = `${'x'.repeat(10)} ${TOKEN} tail`;
      const clipped = redactor.clip(text, cut);
      expect(clipped.endsWith('…') || clipped === redactor.redact(text)).toBe(true);
      expect(clipped).not.toContain(TOKEN.slice(0, 4));
    }
  });

  it('clips a long text by redacting a bounded head, as if it had redacted it all', () => {
    const text = `${TOKEN} ${'x'.repeat(290)}${TOKEN}${'... tail '.repeat(200_000)}`;
    const clipped = redactor.clip(text, 300);
    expect(clipped).toBe(`${redactor.redact(text).slice(0, 300)}…`);
    expect(clipped).toHaveLength(301);
  });

  it('masks a secret cut short by someone else, before or after the cut mark', () => {
    expect(redactor.redact(`said: ${TOKEN.slice(0, 6)}…`)).toBe('said: ***…');
    expect(redactor.redact(`said: ${TOKEN.slice(0, 5)}...`)).toBe('said: ***...');
    expect(redactor.redact(`…${TOKEN.slice(-7)} rest`)).toBe('…*** rest');
  });

  it('masks any 8 characters of a long secret in a row, wherever they stand', () => {
    expect(redactor.redact(`x ${TOKEN.slice(3, 14)} y`)).toBe('x *** y');
    expect(redactor.redact(`x ${TOKEN.slice(3, 10)} y`)).toBe(`x ${TOKEN.slice(3, 10)} y`);
    // A short secret is masked whole only: its parts are ordinary words.
    expect(redactor.redact('a short note')).toBe('a short note');
  });
});

describe('Redactor.redactJson', () => {
  it('redacts every string, keys too, and keeps the JSON valid whatever the secret holds', () => {
    const redactor = createRedactor(['"quote}', 'k3y-secret-123']);
    const value = {
      a: 'x "quote} y',
      n: 1.5,
      ok: false,
      list: [null, 'k3y-secret-123'],
      'k3y-secret-123': 'v',
    };
    expect(redactor.redactJson(value)).toEqual({
      a: 'x *** y',
      n: 1.5,
      ok: false,
      list: [null, '***'],
      '***': 'v',
    });
  });
});
