/**
 * Judges a classic access token by its metadata (the ApiToken object that
 * `POST /api/v2/apiTokens/lookup` returns): enabled, not expired, and holding the scopes the
 * project needs. Pure: the lookup's answer and the time in, the check's result out.
 * https://docs.dynatrace.com/docs/dynatrace-api/environment-api/tokens-v2/api-tokens/post-token-lookup
 */

import { isRecord } from '../../config/guards.js';
import type { ScopeNeed } from './dynatrace-scopes.js';
import { checkResult } from '../../doctor/types.js';
import type { CheckResult } from '../../doctor/types.js';

export const DYNATRACE_CHECK = 'dynatrace';

/** The parts of the ApiToken object the check reads. */
export interface TokenMetadata {
  name?: string;
  enabled?: boolean;
  /** ISO 8601; absent when the token never expires. */
  expirationDate?: string;
  scopes: string[];
}

// A token that runs out within this many days is worth a warning before a 2 a.m. gate fails.
const EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The metadata in a lookup answer, or undefined when the answer is not an ApiToken object. */
export function readTokenMetadata(body: unknown): TokenMetadata | undefined {
  if (!isRecord(body) || !Array.isArray(body['scopes'])) return undefined;
  const { name, enabled, expirationDate } = body;
  return {
    scopes: body['scopes'].filter((scope): scope is string => typeof scope === 'string'),
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof enabled === 'boolean' ? { enabled } : {}),
    ...(typeof expirationDate === 'string' ? { expirationDate } : {}),
  };
}

/** The check's result for a token with this metadata, at `now`. */
export function judgeToken(
  url: string,
  token: TokenMetadata,
  needs: readonly ScopeNeed[],
  now: Date,
): CheckResult {
  const facts = factsOf(token, needs, now);
  const failures = findFailures(facts);
  if (failures.length > 0) {
    return checkResult(DYNATRACE_CHECK, 'fail', `${url}: ${failures.map((f) => f.problem).join('; ')}`, {
      hint: failures.map((f) => f.fix).join('; '),
      failure: 'config',
    });
  }
  const warnings = findWarnings(facts);
  if (warnings.length > 0) {
    return checkResult(DYNATRACE_CHECK, 'warning', `${url}: ${warnings.map((w) => w.problem).join('; ')}`, {
      hint: warnings.map((w) => w.fix).join('; '),
    });
  }
  const lifetime = facts.expiry === undefined ? 'never expires' : `expires on ${day(facts.expiry)}`;
  return checkResult(DYNATRACE_CHECK, 'ok', `${url}: ${facts.named} has ${facts.allScopes}; it ${lifetime}`);
}

interface TokenFacts {
  token: TokenMetadata;
  named: string;
  /** Absent when the token never expires (or the date is unreadable). */
  expiry?: Date;
  now: Date;
  missing: ScopeNeed[];
  allScopes: string;
}

interface Finding {
  problem: string;
  fix: string;
}

function factsOf(token: TokenMetadata, needs: readonly ScopeNeed[], now: Date): TokenFacts {
  const expires = token.expirationDate === undefined ? undefined : new Date(token.expirationDate);
  const expiry = expires === undefined || Number.isNaN(expires.getTime()) ? undefined : expires;
  return {
    token,
    named: token.name === undefined ? 'the token' : `the token "${token.name}"`,
    ...(expiry === undefined ? {} : { expiry }),
    now,
    missing: needs.filter((need) => !token.scopes.includes(need.scope)),
    allScopes: needs.map((need) => need.scope).join(', '),
  };
}

/** What makes a gate (or every call) fail: disabled, expired, a required scope missing. */
function findFailures({ token, named, expiry, now, missing, allScopes }: TokenFacts): Finding[] {
  const findings: Finding[] = [];
  if (token.enabled === false) {
    findings.push({
      problem: `${named} is disabled`,
      fix: 'enable it under Access tokens in Dynatrace, or create a new one',
    });
  }
  if (expiry !== undefined && expiry.getTime() <= now.getTime()) {
    findings.push({
      problem: `${named} expired on ${day(expiry)}`,
      fix: `create a new token with ${allScopes} and set it in the token env var (default DT_API_TOKEN)`,
    });
  }
  const required = missing.filter((need) => need.required);
  if (required.length > 0) {
    findings.push({
      problem: `${named} lacks ${describeMissing(required)}`,
      fix: `add ${scopeList(required)} to the token's scopes under Access tokens`,
    });
  }
  return findings;
}

/** What only send-event needs, and a token about to expire. */
function findWarnings({ named, expiry, now, missing }: TokenFacts): Finding[] {
  const findings: Finding[] = missing.map((need) => ({
    problem: `${named} lacks ${describeMissing([need])}`,
    fix: `add ${need.scope} to the token's scopes`,
  }));
  if (expiry !== undefined && expiry.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * DAY_MS) {
    findings.push({
      problem: `${named} expires on ${day(expiry)}`,
      fix: 'create a new token before it expires',
    });
  }
  return findings;
}

function scopeList(needs: readonly ScopeNeed[]): string {
  return needs.map((need) => need.scope).join(', ');
}

function describeMissing(needs: readonly ScopeNeed[]): string {
  return needs.map((need) => `${need.scope} (for ${need.reason})`).join(', ');
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
