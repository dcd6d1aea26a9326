import {
  formatDelta,
  formatNumber,
  formatScore,
  formatTargets,
  objectiveName,
  type EvaluationRecord,
  type GateResult,
  type ObjectiveStatus,
} from '@ci-connect/core';
import type { Palette } from './palette.js';

const HEADERS = ['status', 'objective', 'value', 'pass', 'warning', 'baseline', 'change'] as const;

/** The gate as a person reads it in a CI log: a table per objective, then score and result. */
export function renderEvaluation(evaluation: EvaluationRecord, palette: Palette): string {
  const rows = evaluation.objectives.map((o) => [
    o.status.toUpperCase(),
    `${objectiveName(o)}${o.keySli ? ' [key]' : ''}`,
    o.value === null ? '—' : formatNumber(o.value),
    formatTargets(o.passTargets),
    formatTargets(o.warningTargets),
    formatNumber(o.comparedValue),
    formatDelta(o),
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [
    `${palette.bold('Quality gate')} ${evaluation.project} / ${evaluation.stage} / ${evaluation.service}${evaluation.version === '' ? '' : ` ${evaluation.version}`}`,
    palette.dim(`window ${evaluation.start} .. ${evaluation.end}`),
    '',
    palette.dim(line(HEADERS)),
  ];
  evaluation.objectives.forEach((o, index) => {
    const text = line(rows[index]!);
    const status = rows[index]![0]!;
    out.push(colourStatus(o.status, palette)(status) + text.slice(status.length));
    if (o.message !== '') out.push(palette.dim(`${' '.repeat(widths[0]! + 2)}${o.message}`));
  });
  const compared = evaluation.comparedEvaluations.length;
  out.push(
    '',
    compared === 0
      ? palette.dim('no earlier evaluation to compare with')
      : palette.dim(`compared with ${compared} earlier evaluation${compared === 1 ? '' : 's'}`),
    `${palette.bold('Score')} ${formatScore(evaluation.score)}%  ${palette.bold('Result')} ${colourResult(evaluation.result, palette)(evaluation.result.toUpperCase())}`,
    evaluation.message,
  );
  return `${out.join('\n')}\n`;
}

function colourStatus(status: ObjectiveStatus, palette: Palette): (text: string) => string {
  return status === 'info' ? palette.info : colourResult(status, palette);
}

function colourResult(result: GateResult, palette: Palette): (text: string) => string {
  return result === 'pass' ? palette.pass : result === 'warning' ? palette.warning : palette.fail;
}
