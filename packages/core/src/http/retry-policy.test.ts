import { describe, expect, it } from 'vitest';
import { computeBackoff, computeRetryWait, serverRequestedWait } from './retry-policy.js';

const NOW = Date.parse('2025-01-01T00:00:00Z');

describe('computeBackoff', () => {
  it.each([
    [0, 1, 100],
    [1, 1, 200],
    [3, 0.5, 400],
    [10, 1, 5_000],
    [2, 0, 0],
  ])('attempt %i with random %f waits %i ms', (attempt, random, expected) => {
    expect(computeBackoff(attempt, { baseDelayMs: 100, maxDelayMs: 5_000 }, () => random)).toBe(expected);
  });
});

describe('serverRequestedWait', () => {
  it.each([
    [{ 'retry-after': '7' }, 7_000],
    [{ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, 30_000],
    [{ 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' }, 0],
    [{ 'retry-after': 'soon' }, undefined],
    [{ 'x-ratelimit-reset': String(NOW / 1000 + 12) }, 12_000],
    [{ 'x-ratelimit-reset': String(NOW + 1_500) }, 1_500],
    [{ 'x-ratelimit-reset': String((NOW + 2_000) * 1000) }, 2_000],
    [{ 'retry-after': '1', 'x-ratelimit-reset': String(NOW / 1000 + 60) }, 1_000],
    [{}, undefined],
  ])('%o → %s ms', (headers, expected) => {
    expect(serverRequestedWait(headers, NOW)).toBe(expected);
  });
});

describe('computeRetryWait', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 10_000, nowMs: NOW, random: () => 1 };

  it('prefers the server wish, capped at maxDelayMs', () => {
    expect(computeRetryWait(0, { 'retry-after': '3' }, options)).toBe(3_000);
    expect(computeRetryWait(0, { 'retry-after': '3600' }, options)).toBe(10_000);
  });

  it('falls back to backoff', () => {
    expect(computeRetryWait(2, {}, options)).toBe(400);
  });
});
