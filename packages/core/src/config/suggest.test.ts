import { describe, expect, it } from 'vitest';
import { editDistance, suggestKey } from './suggest.js';

const SLO_OBJECTIVE = ['sli', 'displayName', 'pass', 'warning', 'weight', 'key_sli'];

describe('suggestKey', () => {
  it.each([
    ['key_slo', SLO_OBJECTIVE, 'key_sli'],
    ['keysli', SLO_OBJECTIVE, 'key_sli'],
    ['displayname', SLO_OBJECTIVE, 'displayName'],
    ['weigth', SLO_OBJECTIVE, 'weight'],
    ['objectivs', ['spec_version', 'filter', 'comparison', 'objectives', 'total_score'], 'objectives'],
    ['totalscore', ['spec_version', 'filter', 'comparison', 'objectives', 'total_score'], 'total_score'],
    ['compare-with', ['compare_with', 'aggregate_function'], 'compare_with'],
    ['promethues', ['prometheus', 'dynatrace', 'jmeter'], 'prometheus'],
    ['labels', SLO_OBJECTIVE, undefined],
    ['x', SLO_OBJECTIVE, undefined],
    ['anything', [], undefined],
  ])('%j → %j', (word, candidates, expected) => {
    expect(suggestKey(word, candidates)).toBe(expected);
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', 'abd', 1],
    ['abc', 'acb', 1],
    ['kitten', 'sitting', 3],
    ['a', 'a'.repeat(40), 39],
  ])('%j ↔ %j = %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});
