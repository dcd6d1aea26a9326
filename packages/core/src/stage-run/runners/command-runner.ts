/**
 * Any task the shipyard names that ci-connect has no runner for runs a command from `tasks:` in
 * ci-connect.yaml: Keptn's job-executor idea without Kubernetes. The argv is run as given (no
 * shell), with `$PROJECT`, `$STAGE`, `$SERVICE`, `$VERSION`, `$IMAGE` and `$LABEL.<key>` replaced
 * in each argument, and the run's facts in the environment (CI_CONNECT_PROJECT, ...), so a
 * script, or `ci-connect` itself, knows what it is running for. Exit 0 passes, 4 (ci-connect's
 * own "warning") is a warning, anything else fails.
 */

import type { CommandTaskSetting } from '../../config/project-config.js';
import { ExitCode } from '../../errors.js';
import type { Redactor } from '../../redaction/redaction.js';
import type { ProcessRunner } from '../../tools/process.js';
import type { ShipyardTask } from '../../shipyard/types.js';
import type { PlanContext, TaskContext, TaskOutcome, TaskPlan, TaskRunner } from '../types.js';

const DEFAULT_TIMEOUT_SECONDS = 1800;

export class CommandRunner implements TaskRunner {
  readonly name = 'command';

  constructor(
    private readonly setting: CommandTaskSetting,
    private readonly runProcess: ProcessRunner,
    /** The run's: the command's last output line is redacted with it before it is cut short. */
    private readonly redactor: Redactor,
  ) {}

  plan(task: ShipyardTask, context: PlanContext): TaskPlan {
    return {
      task: task.name,
      runner: this.name,
      description: `run the command of tasks.${task.name} in ci-connect.yaml`,
      commands: [this.argv(context)],
      files: [],
    };
  }

  async run(task: ShipyardTask, context: TaskContext): Promise<TaskOutcome> {
    const argv = this.argv(context);
    const timeoutSeconds = this.setting.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    const result = await this.runProcess({
      argv,
      cwd: this.setting.cwd ?? context.configDir,
      env: { ...context.env, ...this.setting.env, ...runEnv(task, context) },
      timeoutMs: timeoutSeconds * 1000,
      signal: context.signal,
      onLine: (_stream, line) => context.logger.info(`${task.name}: ${line}`),
      notFoundHint: `check tasks.${task.name}.command in ci-connect.yaml (the first item is the program)`,
    });
    const lastLine =
      lastNonEmptyLine(result.stderrTail, this.redactor) ??
      lastNonEmptyLine(result.stdoutTail, this.redactor);
    const details = { exitCode: result.exitCode, argv };
    if (result.aborted)
      return { result: 'fail', status: 'aborted', message: `${argv[0]} was stopped`, details };
    if (result.timedOut)
      return {
        result: 'fail',
        status: 'succeeded',
        message: `${argv[0]} timed out after ${timeoutSeconds} s and was stopped (tasks.${task.name}.timeoutSeconds)`,
        details,
      };
    if (result.exitCode === 0)
      return { result: 'pass', status: 'succeeded', message: `${argv[0]} succeeded`, details };
    if (result.exitCode === ExitCode.warning)
      return { result: 'warning', status: 'succeeded', message: `${argv[0]} exited 4 (warning)`, details };
    const how =
      result.exitCode === null ? `was ended by ${result.signal ?? 'a signal'}` : `exited ${result.exitCode}`;
    return {
      result: 'fail',
      status: 'succeeded',
      message: `${argv[0]} ${how}${lastLine === undefined ? '' : `: ${lastLine}`}`,
      details,
    };
  }

  private argv(context: PlanContext): string[] {
    return this.setting.command.map((arg) => substitute(arg, context));
  }
}

/** The facts of the run, for the command's environment. */
function runEnv(task: ShipyardTask, context: TaskContext): Record<string, string> {
  return {
    CI_CONNECT_PROJECT: context.project,
    CI_CONNECT_STAGE: context.stage,
    CI_CONNECT_SERVICE: context.service,
    CI_CONNECT_VERSION: context.version,
    CI_CONNECT_IMAGE: context.image ?? '',
    CI_CONNECT_SEQUENCE: context.sequence,
    CI_CONNECT_TASK: task.name,
    CI_CONNECT_LABELS: Object.entries(context.labels)
      .map(([key, value]) => `${key}=${value}`)
      .join(','),
    CI_CONNECT_TASK_PROPERTIES: JSON.stringify(task.properties),
    CI_CONNECT_PREVIOUS_RESULTS: JSON.stringify(context.previous),
  };
}

function substitute(arg: string, context: PlanContext): string {
  return arg
    .replace(/\$LABEL\.([A-Za-z0-9_.-]+)/g, (whole, key: string) => context.labels[key] ?? whole)
    .replace(/\$(PROJECT|STAGE|SERVICE|VERSION|IMAGE)\b/g, (_whole, name: string) => {
      switch (name) {
        case 'PROJECT':
          return context.project;
        case 'STAGE':
          return context.stage;
        case 'SERVICE':
          return context.service;
        case 'VERSION':
          return context.version;
        default:
          return context.image ?? '';
      }
    });
}

function lastNonEmptyLine(text: string, redactor: Redactor): string | undefined {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const last = lines.at(-1)?.trim();
  return last === undefined ? undefined : redactor.clip(last, 300);
}
