/** How a stage run and a dry run's plan read in the terminal. */

import type { EvaluationRecord, SequenceRunRecord, StagePlan } from '@ci-connect/core';
import { renderEvaluation } from './evaluation-table.js';
import type { Palette } from './palette.js';

/**
 * A finished stage run: each evaluation's objectives table exactly as `evaluate` prints it, then
 * the runs (the requested one, and a rollback it triggered).
 */
export function renderRuns(
  runs: readonly SequenceRunRecord[],
  evaluations: readonly EvaluationRecord[],
  palette: Palette,
): string {
  return [...evaluations.map((e) => renderEvaluation(e, palette)), ...runs.map(renderRun)].join('\n');
}

/** The run's verdict, its message and one line per task. */
export function renderRun(run: SequenceRunRecord): string {
  const lines = [
    `${run.stage}.${run.sequence} for ${run.service} ${run.version}: ${run.status === 'succeeded' ? run.result.toUpperCase() : run.status.toUpperCase()}`,
    `  ${run.message}`,
    ...run.tasks.map(
      (t) =>
        `  ${t.task.padEnd(12)} ${t.runner.padEnd(8)} ${t.result.padEnd(7)} ${(t.durationMs / 1000).toFixed(1)} s  ${t.message}`,
    ),
  ];
  if (run.triggeredBy !== 'manual')
    lines.push(`  triggered by ${run.triggeredBy}${run.forced ? ' (--force)' : ''}`);
  return `${lines.join('\n')}\n`;
}

/** What a dry run would do, task by task, with the files and commands. */
export function renderPlan(plan: StagePlan): string {
  const { setup } = plan;
  const lines = [
    `dry run: ${setup.stage}.${setup.sequence} for ${setup.service} (project ${setup.project}); nothing is changed`,
    'refused' in plan.trigger
      ? `  triggeredOn: would be refused: ${plan.trigger.refused}`
      : `  triggeredOn: ${plan.trigger.triggeredBy}`,
  ];
  const describe = (tasks: StagePlan['tasks']) =>
    tasks.flatMap((t, i) => [
      `  ${i + 1}. ${t.task} (${t.runner}): ${t.description}`,
      ...t.files.map((f) => `       file: ${f}`),
      ...t.commands.map((c) => `       $ ${c.join(' ')}`),
    ]);
  lines.push(...describe(plan.tasks));
  for (const follow of plan.onFail) {
    lines.push(`  if it fails: ${setup.stage}.${follow.sequence}`, ...describe(follow.tasks));
  }
  lines.push(...renderChecks(plan.checks));
  return `${lines.join('\n')}\n`;
}

/** The checks a run makes before its first task: problems (the run would stop there), then notes. */
function renderChecks(checks: StagePlan['checks']): string[] {
  const { problems, notes } = checks;
  const lines =
    problems.length === 0
      ? ['checks: no problems found; the run would start']
      : [
          `checks: ${problemCount(problems)}; the run would stop before its first task:`,
          ...problemLines(problems),
        ];
  return [...lines, ...notes.map((note) => `  note: ${note}`)];
}

/**
 * A dry run's problems for stderr, which a job log shows when stdout is the --json plan (the
 * GitLab component, the Jenkins library): why the exit code is 2 or 3. Empty without problems.
 */
export function renderPlanProblems(plan: StagePlan): string {
  const { setup } = plan;
  const { problems } = plan.checks;
  if (problems.length === 0) return '';
  return `${[
    `error: dry run of ${setup.stage}.${setup.sequence} for ${setup.service}: ${problemCount(problems)}; the run would stop before its first task:`,
    ...problemLines(problems),
  ].join('\n')}\n`;
}

function problemCount(problems: StagePlan['checks']['problems']): string {
  return `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
}

function problemLines(problems: StagePlan['checks']['problems']): string[] {
  return problems.flatMap((p, i) => [
    `  ${i + 1}. ${p.where}: ${p.message}`,
    ...(p.hint === undefined ? [] : [`     hint: ${p.hint}`]),
  ]);
}
