import { describe, expect, it } from 'vitest';
import { compare, CriterionSyntaxError, parseCriterion, targetValueOf } from './criteria.js';

describe('parseCriterion', () => {
  it.each([
    ['<600', { operator: '<', kind: 'fixed', unit: 'absolute', amount: 600 }],
    ['<=800', { operator: '<=', kind: 'fixed', unit: 'absolute', amount: 800 }],
    ['>20000', { operator: '>', kind: 'fixed', unit: 'absolute', amount: 20000 }],
    ['>=0.5', { operator: '>=', kind: 'fixed', unit: 'absolute', amount: 0.5 }],
    ['=0', { operator: '=', kind: 'fixed', unit: 'absolute', amount: 0 }],
    ['<.5', { operator: '<', kind: 'fixed', unit: 'absolute', amount: 0.5 }],
    ['<=+10%', { operator: '<=', kind: 'relative', unit: 'percent', amount: 10 }],
    ['<=10%', { operator: '<=', kind: 'relative', unit: 'percent', amount: 10 }],
    ['>=-80%', { operator: '>=', kind: 'relative', unit: 'percent', amount: -80 }],
    ['<+50', { operator: '<', kind: 'relative', unit: 'absolute', amount: 50 }],
    ['<-5', { operator: '<', kind: 'relative', unit: 'absolute', amount: -5 }],
    ['<= +10 %', { operator: '<=', kind: 'relative', unit: 'percent', amount: 10 }],
    ['  <  600  ', { operator: '<', kind: 'fixed', unit: 'absolute', amount: 600 }],
    ['<=2.5%', { operator: '<=', kind: 'relative', unit: 'percent', amount: 2.5 }],
    ['<1e3', { operator: '<', kind: 'fixed', unit: 'absolute', amount: 1000 }],
    ['<=+1.5e-1%', { operator: '<=', kind: 'relative', unit: 'percent', amount: 0.15 }],
  ])('%j', (raw, expected) => {
    expect(parseCriterion(raw)).toEqual({ raw, ...expected });
  });

  it.each([
    ['500', 'starts with <, <=, =, >= or >'],
    ['=>5', '>='],
    ['==5', '='],
    ['<500ms', 'plain numbers'],
    ['<', 'write e.g.'],
    ['less than 10%', 'write e.g.'],
    ['', 'write e.g.'],
    ['<1e+', 'write e.g.'],
    ['<Inf', 'write e.g.'],
    ['<10%%', 'write e.g.'],
    ['<+-5', 'write e.g.'],
  ])('rejects %j with a hint', (raw, hint) => {
    const parse = () => parseCriterion(raw);
    expect(parse).toThrow(CriterionSyntaxError);
    try {
      parse();
    } catch (error) {
      expect((error as CriterionSyntaxError).hint).toContain(hint);
    }
  });
});

describe('targetValueOf', () => {
  it.each([
    ['<600', 123, 600],
    ['<600', null, 600],
    ['<=+10%', 200, 220],
    ['<=-10%', 200, 180],
    ['<=+50', 200, 250],
    ['<-5', 200, 195],
    ['<=+10%', null, null],
  ])('%s with baseline %s is %s', (raw, baseline, expected) => {
    expect(targetValueOf(parseCriterion(raw), baseline)).toBe(expected);
  });
});

describe('compare', () => {
  it.each([
    [1, '<', 2, true],
    [2, '<', 2, false],
    [2, '<=', 2, true],
    [2, '=', 2, true],
    [2, '>=', 2, true],
    [2, '>', 2, false],
    [3, '>', 2, true],
  ] as const)('%d %s %d is %s', (value, op, target, expected) => {
    expect(compare(value, op, target)).toBe(expected);
  });
});
