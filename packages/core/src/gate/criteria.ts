import type { Criterion, Operator } from './types.js';

/** A criterion string that cannot be parsed; `hint` says what to write instead. */
export class CriterionSyntaxError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'CriterionSyntaxError';
  }
}

// Longest operators first, so "<=" is not read as "<" followed by "=5".
const OPERATORS: readonly Operator[] = ['<=', '>=', '<', '>', '='];
// Keptn parsed the number with Go's ParseFloat, so exponents (1e3) are numbers too.
const NUMBER = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const EXAMPLES = 'write e.g. "<=+10%", "<600" or ">=-5%"';

/**
 * Parses a Keptn criterion (keptn lighthouse `parseCriteriaString`): spaces are ignored; a number
 * with no sign is a fixed threshold; a leading `+`/`-` or a trailing `%` makes it relative to the
 * baseline, and a `%` without a sign means an increase (`<=10%` is `<=+10%`).
 */
export function parseCriterion(raw: string): Criterion {
  const text = raw.replace(/\s+/g, '');
  if (text === '') throw new CriterionSyntaxError('empty criterion', EXAMPLES);
  const operator = OPERATORS.find((op) => text.startsWith(op));
  if (operator === undefined) {
    const hint = NUMBER.test(text.replace(/%$/, '').replace(/^[+-]/, ''))
      ? `a criterion starts with <, <=, =, >= or >: write e.g. "<=${text}"`
      : text.startsWith('=>') || text.startsWith('=<') || text.startsWith('==')
        ? `the operators are <, <=, =, >= and >: write e.g. "${text[1] === '=' ? '=' : `${text[1]}=`}${text.slice(2)}"`
        : EXAMPLES;
    throw new CriterionSyntaxError(`${JSON.stringify(raw)} is not a criterion`, hint);
  }
  let rest = text.slice(operator.length);
  const percent = rest.endsWith('%');
  if (percent) rest = rest.slice(0, -1);
  let sign: '+' | '-' | '' = '';
  if (rest.startsWith('+') || rest.startsWith('-')) {
    sign = rest[0] as '+' | '-';
    rest = rest.slice(1);
  }
  if (!NUMBER.test(rest)) {
    const unit = /^\d+(\.\d+)?[a-zA-Z]+$/.test(rest)
      ? `criteria take plain numbers in the SLI's own unit: write "${operator}${sign}${rest.replace(/[a-zA-Z]+$/, '')}"`
      : EXAMPLES;
    throw new CriterionSyntaxError(`${JSON.stringify(raw)} is not a criterion`, unit);
  }
  const magnitude = Number(rest);
  const relative = percent || sign !== '';
  return {
    raw,
    operator,
    kind: relative ? 'relative' : 'fixed',
    unit: percent ? 'percent' : 'absolute',
    amount: sign === '-' ? -magnitude : magnitude,
  };
}

/** The threshold a criterion compares with; null for a relative criterion without baseline. */
export function targetValueOf(criterion: Criterion, baseline: number | null): number | null {
  if (criterion.kind === 'fixed') return criterion.amount;
  if (baseline === null) return null;
  return criterion.unit === 'percent'
    ? (baseline * (100 + criterion.amount)) / 100
    : baseline + criterion.amount;
}

/** Whether `value <operator> target` holds. */
export function compare(value: number, operator: Operator, target: number): boolean {
  switch (operator) {
    case '<':
      return value < target;
    case '<=':
      return value <= target;
    case '=':
      return value === target;
    case '>=':
      return value >= target;
    case '>':
      return value > target;
  }
}
