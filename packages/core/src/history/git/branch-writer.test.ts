import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './branch-writer.js';

describe('retryDelayMs', () => {
  it.each([
    [1, 50, 100],
    [2, 100, 200],
    [4, 400, 800],
    [5, 800, 1600],
    [6, 1000, 2000],
    [9, 1000, 2000],
  ])('after attempt %i waits between %i and %i ms', (attempt, least, most) => {
    expect(retryDelayMs(attempt, () => 0)).toBe(least);
    expect(retryDelayMs(attempt, () => 0.999999)).toBe(most);
  });
});
