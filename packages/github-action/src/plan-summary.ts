/**
 * A dry run's plan as the job summary shows it, with what the CLI's plan prints
 * (packages/cli/src/output/stage-run-text.ts): whether triggeredOn would let the stage run, each
 * task with the files it would read and the commands it would run, and what runs if it fails.
 */

import { escapeCell, type PromotePlan, type StagePlan } from '@ci-connect/core';

/** The plan's headline and Markdown; `refused` when the real run would stop at triggeredOn (exit 2). */
export interface PlanSummary {
  headline: string;
  details: string;
  refused: boolean;
  /** The checks' problems, numbered, each with its hint, for the step's error annotation; none: undefined. */
  problems?: string;
}

/** Describes the plan of `command` (trigger-deployment or promote). */
export function summarisePlan(command: string, plan: StagePlan | PromotePlan): PlanSummary {
  const { setup, trigger } = plan;
  const what = `dry run of ${command}: ${setup.stage}.${setup.sequence} for ${setup.service} (project ${setup.project}); nothing was changed`;
  const refused = 'refused' in trigger;
  const triggerLine = refused
    ? `triggeredOn: the real run would be refused: ${trigger.refused}`
    : `triggeredOn: ${trigger.triggeredBy}`;
  const source =
    'source' in plan
      ? [
          `promotes deployment ${plan.source.id} of ${plan.source.service} ${plan.source.version} in ${plan.source.stage}`,
        ]
      : [];
  const onFail = plan.onFail.flatMap((follow) => [
    `If it fails: ${setup.stage}.${follow.sequence}`,
    taskTable(follow.tasks),
  ]);
  const { problems } = plan.checks;
  const stops =
    problems.length === 0
      ? ''
      : `; the real run would stop before its first task: ${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  return {
    headline: `${refused ? `${what}; the real run would be refused: ${trigger.refused}` : what}${stops}`,
    details: [...source, triggerLine, taskTable(plan.tasks), ...onFail, ...checksList(plan.checks)].join(
      '\n\n',
    ),
    refused,
    ...(problems.length === 0
      ? {}
      : {
          problems: problems
            .map(
              (p, i) =>
                `${i + 1}. ${p.where}: ${p.message}${p.hint === undefined ? '' : `\n   hint: ${p.hint}`}`,
            )
            .join('\n'),
        }),
  };
}

/** The checks before the run (cli-reference "Checks before the run"): problems, then notes. */
function checksList(checks: StagePlan['checks']): string[] {
  const problems = checks.problems.map(
    (p) => `- ${p.where}: ${p.message}${p.hint === undefined ? '' : ` (${p.hint})`}`,
  );
  const notes = checks.notes.map((note) => `- ${note}`);
  return [
    ...(problems.length === 0
      ? ['Checks: no problems found; the run would start']
      : ['Checks: the run would stop before its first task', problems.join('\n')]),
    ...(notes.length === 0 ? [] : ['Notes', notes.join('\n')]),
  ];
}

function taskTable(tasks: StagePlan['tasks']): string {
  const rows = tasks.map((t) => {
    const files = t.files.map((f) => code(f));
    const commands = t.commands.map((c) => code(c.join(' ')));
    return `| ${t.task} | ${t.runner} | ${escapeCell(t.description)} | ${[...files, ...commands].join('<br>')} |`;
  });
  return ['| task | runner | what it would do | files and commands |', '|---|---|---|---|', ...rows].join(
    '\n',
  );
}

/** A code span in a table cell: backticks and pipes would end it. */
function code(text: string): string {
  return `\`${escapeCell(text).replace(/`/g, "'")}\``;
}
