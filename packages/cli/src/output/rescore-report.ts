import {
  formatNumber,
  formatScore,
  formatTargets,
  objectiveName,
  type HistoryRescoreResult,
  type ObjectiveChange,
  type RescoreEntry,
} from '@ci-connect/core';
import type { Palette } from './palette.js';
import { formatTable } from './table.js';

const HEADERS = ['evaluation', 'time', 'version', 'before', 'after', ''];

/** The what-if: a line per evaluation (before → after), the objectives that changed under it, a summary. */
export function renderRescore(result: HistoryRescoreResult, palette: Palette): string {
  const service = `${result.project}/${result.stage}/${result.service}`;
  if (result.evaluations.length === 0)
    return `no evaluations of ${service} in ${result.history}: nothing to re-score\n`;
  const out = [
    `${palette.bold('SLO what-if')} ${service} with ${result.slo}: the newest ${plural(result.evaluations.length, 'evaluation')} re-scored`,
    palette.dim(
      'each with the SLI values it recorded and the baseline it was compared with; nothing is recorded',
    ),
    '',
  ];
  const rows = result.evaluations.map((e) => [
    e.id,
    e.evaluatedAt.replace(/\.\d+Z$/, 'Z'),
    e.version === '' ? '-' : e.version,
    verdict(e.before),
    verdict(e.after),
    e.flippedByNotRecordedOnly ? 'flips (not recorded)' : e.flipped ? 'FLIPS' : '',
  ]);
  const [header, ...lines] = formatTable(HEADERS, rows);
  out.push(palette.dim(header ?? ''));
  result.evaluations.forEach((e, index) => {
    const line = lines[index] ?? '';
    out.push(e.flipped && !e.flippedByNotRecordedOnly ? palette.warning(line) : line);
    out.push(...e.objectives.filter((o) => o.changed).map((o) => `    ${describeChange(o)}`));
    if (e.missingBaseline.length > 0)
      out.push(
        palette.dim(
          `    baseline records no longer in the history, left out: ${e.missingBaseline.join(', ')}`,
        ),
      );
  });
  out.push('', summarise(result));
  if (result.notRecorded.length > 0)
    out.push(`not recorded, so scored as no data (a failed objective): ${result.notRecorded.join(', ')}`);
  return `${out.join('\n')}\n`;
}

function verdict(outcome: { result: string; score: number }): string {
  return `${outcome.result} ${formatScore(outcome.score)}`;
}

/**
 * `rt 550: pass → fail; pass criteria: ✗ <=500`, `cpu (new): fail, no data: not recorded in this
 * evaluation`. The criteria follow a `;`, not in parentheses: grouped alternatives have their own.
 */
function describeChange(o: ObjectiveChange): string {
  const name = objectiveName(o);
  const value = o.notRecorded ? '' : o.value === null ? ' (no value)' : ` ${formatNumber(o.value)}`;
  if (o.after === null) return `${name}${value}: ${o.before?.status ?? ''} → removed from the SLO`;
  const criteria = formatTargets(o.after.passTargets);
  const detail =
    o.after.message !== '' ? `, ${o.after.message}` : criteria === '' ? '' : `; pass criteria: ${criteria}`;
  if (o.before === null) return `${name}${value} (new): ${o.after.status}${detail}`;
  const weight = o.before.weight === o.after.weight ? '' : ` (weight ${o.before.weight} → ${o.after.weight})`;
  return `${name}${value}: ${o.before.status} → ${o.after.status}${weight}${detail}`;
}

function summarise(result: HistoryRescoreResult): string {
  const total = result.evaluations.length;
  if (result.flips === 0) return `no verdict would change (${plural(total, 'evaluation')})`;
  const directions = new Map<string, number>();
  for (const e of result.evaluations.filter((x: RescoreEntry) => x.flipped)) {
    const key = `${e.before.result} → ${e.after.result}`;
    directions.set(key, (directions.get(key) ?? 0) + 1);
  }
  const detail = [...directions].map(([key, n]) => `${n} ${key}`).join(', ');
  const only = result.flipsByNotRecordedOnly;
  const cause =
    only === 0 ? '' : `; ${only} of them only because of SLIs ${only === 1 ? 'it' : 'they'} did not record`;
  return `${result.flips} of ${total} verdicts would change: ${detail}${cause}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
