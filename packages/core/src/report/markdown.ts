import type { EvaluationRecord, GateResult, ObjectiveStatus } from '../gate/types.js';
import { formatScore } from '../gate/score.js';
import { formatDelta, formatNumber, formatTargets, objectiveName } from './format.js';

/** The symbols of Markdown reports (summary, heatmap). */
export const RESULT_ICON: Record<GateResult, string> = { pass: '✅', warning: '⚠️', fail: '❌' };
export const STATUS_ICON: Record<ObjectiveStatus, string> = {
  pass: '✅',
  warning: '⚠️',
  fail: '❌',
  info: 'ℹ️',
};

/** Markdown for CI job summaries and merge request comments. */
export function renderMarkdownSummary(evaluation: EvaluationRecord): string {
  const { project, stage, service, version } = evaluation;
  const lines = [
    `## ${RESULT_ICON[evaluation.result]} Quality gate ${evaluation.result}: ${service}${version === '' ? '' : ` ${version}`} in ${stage}`,
    '',
    `**Score ${formatScore(evaluation.score)}%** · project \`${project}\` · window ${evaluation.start} – ${evaluation.end}`,
    '',
    `> ${escapeCell(evaluation.message)}`,
    '',
    '| | Objective | Value | Pass | Warning | Baseline | Change | Weight |',
    '|---|---|---:|---|---|---:|---:|---:|',
  ];
  for (const o of evaluation.objectives) {
    const name = `${escapeCell(objectiveName(o))}${o.keySli ? ' 🔑' : ''}`;
    const value = o.value === null ? `— ${escapeCell(o.message)}` : formatNumber(o.value);
    lines.push(
      `| ${STATUS_ICON[o.status]} | ${name} | ${value} | ${escapeCell(formatTargets(o.passTargets))} | ${escapeCell(formatTargets(o.warningTargets))} | ${formatNumber(o.comparedValue)} | ${formatDelta(o)} | ${o.status === 'info' ? 'info' : o.weight} |`,
    );
  }
  lines.push('');
  const compared = evaluation.comparedEvaluations.length;
  lines.push(
    compared === 0
      ? '_No earlier evaluation to compare with: relative criteria were not checked._'
      : `_Compared with ${compared} earlier evaluation${compared === 1 ? '' : 's'}._`,
  );
  if (Object.keys(evaluation.labels).length > 0) {
    lines.push(
      '',
      `Labels: ${Object.entries(evaluation.labels)
        .map(([k, v]) => `\`${k}=${v}\``)
        .join(' ')}`,
    );
  }
  lines.push('', `<sub>ci-connect evaluation ${evaluation.id}</sub>`, '');
  return lines.join('\n');
}

/** Text made safe for one Markdown table cell. */
export function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
