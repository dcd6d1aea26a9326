import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ScopeNeed } from './dynatrace-scopes.js';
import { EVENTS_SCOPE } from './dynatrace-scopes.js';
import { judgeToken, readTokenMetadata } from './dynatrace-token.js';
import type { TokenMetadata } from './dynatrace-token.js';
import { NOW } from '../../doctor/test-support/doctor-deps.js';

const ENV_URL = 'https://abc12345.live.dynatrace.com';
const METRICS: ScopeNeed = {
  scope: 'metrics.read',
  reason: 'metric queries in sli/dynatrace.yaml',
  required: true,
};
const SLO: ScopeNeed = { scope: 'slo.read', reason: 'SLO; queries in sli/dynatrace.yaml', required: true };
const NEEDS = [METRICS, SLO, EVENTS_SCOPE];

function fixture(name: string): TokenMetadata {
  const text = readFileSync(
    new URL(`../../../../../fixtures/dynatrace/${name}.json`, import.meta.url),
    'utf8',
  );
  const metadata = readTokenMetadata(JSON.parse(text));
  if (metadata === undefined) throw new Error(`${name} is not an ApiToken object`);
  return metadata;
}

describe('readTokenMetadata', () => {
  it('reads name, enabled, expiry and scopes of the documented ApiToken object', () => {
    expect(fixture('api-tokens-lookup_200_metrics-problems-events')).toEqual({
      name: 'ci-connect gate (shop)',
      enabled: true,
      expirationDate: '2099-05-04T09:12:44.000Z',
      scopes: ['metrics.read', 'problems.read', 'events.ingest'],
    });
  });

  it.each([
    ['an HTML page', '<html>login</html>'],
    ['an object without scopes', { name: 'x', enabled: true }],
    ['scopes that are not a list', { scopes: 'metrics.read' }],
    ['null', null],
  ])('rejects %s', (_, body) => {
    expect(readTokenMetadata(body)).toBeUndefined();
  });
});

describe('judgeToken', () => {
  it('is ok with every needed scope, and says when the token expires', () => {
    const result = judgeToken(ENV_URL, fixture('api-tokens-lookup_200_all-scopes'), NEEDS, NOW);
    expect(result).toEqual({
      name: 'dynatrace',
      status: 'ok',
      detail: `${ENV_URL}: the token "ci-connect gate (shop)" has metrics.read, slo.read, events.ingest; it never expires`,
    });
  });

  it('fails as a config problem naming a missing required scope and the file that needs it', () => {
    const result = judgeToken(ENV_URL, fixture('api-tokens-lookup_200_metrics-problems-events'), NEEDS, NOW);
    expect(result.status).toBe('fail');
    expect(result.failure).toBe('config');
    expect(result.detail).toBe(
      `${ENV_URL}: the token "ci-connect gate (shop)" lacks slo.read (for SLO; queries in sli/dynatrace.yaml)`,
    );
    expect(result.hint).toContain("add slo.read to the token's scopes");
  });

  it('fails an expired token, with the day it expired', () => {
    const result = judgeToken(ENV_URL, fixture('api-tokens-lookup_200_expired'), NEEDS, NOW);
    expect(result).toMatchObject({ status: 'fail', failure: 'config' });
    expect(result.detail).toBe(`${ENV_URL}: the token "ci-connect gate (shop)" expired on 2025-07-31`);
    expect(result.hint).toContain('create a new token with metrics.read, slo.read, events.ingest');
  });

  it('fails a disabled token', () => {
    const result = judgeToken(ENV_URL, fixture('api-tokens-lookup_200_disabled'), NEEDS, NOW);
    expect(result).toMatchObject({ status: 'fail', failure: 'config' });
    expect(result.detail).toContain('is disabled');
  });

  it('only warns when events.ingest (send-event) is missing', () => {
    const token: TokenMetadata = { name: 'gate', enabled: true, scopes: ['metrics.read', 'slo.read'] };
    const result = judgeToken(ENV_URL, token, NEEDS, NOW);
    expect(result).toEqual({
      name: 'dynatrace',
      status: 'warning',
      detail: `${ENV_URL}: the token "gate" lacks events.ingest (for send-event)`,
      hint: "add events.ingest to the token's scopes",
    });
  });

  it.each([
    ['in 3 days', '2026-11-23T10:00:00.000Z', 'warning'],
    ['in 30 days', '2026-12-20T10:00:00.000Z', 'ok'],
    ['right now', NOW.toISOString(), 'fail'],
  ])('judges a token that expires %s as %s', (_, expirationDate, status) => {
    const token: TokenMetadata = {
      enabled: true,
      expirationDate,
      scopes: ['metrics.read', 'slo.read', 'events.ingest'],
    };
    expect(judgeToken(ENV_URL, token, NEEDS, NOW).status).toBe(status);
  });

  it('lists every problem when there are several', () => {
    const token: TokenMetadata = { enabled: false, expirationDate: '2026-01-01T00:00:00Z', scopes: [] };
    const result = judgeToken(ENV_URL, token, NEEDS, NOW);
    expect(result.detail).toBe(
      `${ENV_URL}: the token is disabled; the token expired on 2026-01-01; the token lacks metrics.read (for metric queries in sli/dynatrace.yaml), slo.read (for SLO; queries in sli/dynatrace.yaml)`,
    );
  });
});
