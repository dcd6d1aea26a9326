import { parseCriterion } from '../gate/criteria.js';
import type { ObjectiveResult, TargetResult } from '../gate/types.js';

/** Numbers for people: integers as they are, others with 2 decimals, tiny ones with 3 digits. */
export function formatNumber(value: number | null): string {
  if (value === null) return '—';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  const text = abs >= 1 || abs === 0 ? value.toFixed(2) : value.toPrecision(3);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/**
 * Targets for people: relative criteria with the threshold they became, violated ones marked.
 * Criteria of one alternative are joined with "and", alternatives with "or" (parenthesised when
 * one has several criteria): `(✗ <=+10% (528.11) and <600) or <=800`. Targets that do not all say
 * which alternative they came from (records from before `alternative`, imported Keptn
 * evaluations) are listed as they were: `<=+10% (528.11), <600`.
 */
export function formatTargets(targets: readonly TargetResult[]): string {
  const alternatives = groupByAlternative(targets);
  if (alternatives === undefined) return targets.map(formatTarget).join(', ');
  const texts = alternatives.map((criteria) => criteria.map(formatTarget).join(' and '));
  if (texts.length === 1) return texts[0]!;
  return texts.map((text, i) => (alternatives[i]!.length > 1 ? `(${text})` : text)).join(' or ');
}

/** The targets per alternative, in the order they first appear; undefined unless every target has one. */
function groupByAlternative(targets: readonly TargetResult[]): TargetResult[][] | undefined {
  const groups = new Map<number, TargetResult[]>();
  for (const target of targets) {
    const { alternative } = target;
    if (alternative === undefined || !Number.isSafeInteger(alternative) || alternative < 0) return undefined;
    const group = groups.get(alternative);
    if (group === undefined) groups.set(alternative, [target]);
    else group.push(target);
  }
  return [...groups.values()];
}

function formatTarget(target: TargetResult): string {
  const threshold = !isRelative(target.criteria)
    ? ''
    : target.targetValue === null
      ? ' (no baseline)'
      : ` (${formatNumber(target.targetValue)})`;
  return `${target.violated ? '✗ ' : ''}${target.criteria}${threshold}`;
}

function isRelative(criteria: string): boolean {
  try {
    return parseCriterion(criteria).kind === 'relative';
  } catch {
    return false; // a record from elsewhere: show the criterion as written
  }
}

/** Change against the baseline, absolute and relative: `+12.5 (+2.4%)`. */
export function formatDelta(objective: Pick<ObjectiveResult, 'value' | 'comparedValue'>): string {
  const { value, comparedValue } = objective;
  if (value === null || comparedValue === null) return '';
  const delta = value - comparedValue;
  const sign = delta > 0 ? '+' : delta < 0 ? '-' : '±';
  const absolute = `${sign}${formatNumber(Math.abs(delta))}`;
  if (comparedValue === 0) return absolute;
  const percent = (delta / Math.abs(comparedValue)) * 100;
  return `${absolute} (${sign}${formatNumber(Math.abs(percent))}%)`;
}

/** The name people know an objective by. */
export function objectiveName(objective: Pick<ObjectiveResult, 'sli' | 'displayName'>): string {
  return objective.displayName === '' ? objective.sli : `${objective.displayName} (${objective.sli})`;
}

/**
 * The objectives that did not pass, one phrase each, bounded: `Error rate (error_rate): fail (5);
 * response_time_p95: warning (612.5)`. Empty when all passed. For event properties and one-line
 * task messages, where a person reading a failed run needs the reason first.
 */
export function summariseNotPassed(objectives: readonly ObjectiveResult[], maxLength = 1000): string {
  const text = objectives
    .filter((o) => o.status === 'fail' || o.status === 'warning')
    .map((o) => `${objectiveName(o)}: ${o.status} (${o.value === null ? 'no value' : formatNumber(o.value)})`)
    .join('; ');
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}
