import * as Flags from '@oclif/core/flags';
import {
  createRunnerFactory,
  ExitCode,
  planStage,
  runEvaluation,
  runProcess,
  runStage,
  systemClock,
  type SequenceRunRecord,
  type StagePlan,
  type StageRunListener,
  type StageRunRequest,
} from '@ci-connect/core';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { BaseCommand } from '../base-command.js';
import { caFileFlag, gateFlags, historyFlag, projectFlags } from '../flags.js';
import { parseKeyValues } from '../parse-key-values.js';

/** 128 + the signal's number: what a shell reports for a job a signal stopped. */
const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

export default class TriggerDeployment extends BaseCommand {
  static override summary =
    "Run a stage's sequence from the shipyard: deploy, test, evaluate, approve, release";
  static override description = `Runs the shipyard's sequence (default delivery) for one service and version in one stage (default:
the first), task by task: deployment and release through Helm, test through JMeter, evaluation through the
quality gate, approval, and any other task through a command from tasks: in ci-connect.yaml. It stops at
the first failed task; if the shipyard starts another sequence of the stage when this one fails (a
rollback), that runs next in the same job. A stage triggered by another stage's sequence
(triggeredOn) runs only for a version whose run there is recorded in history with a matching result.
Exits 0 (pass or warning), 1 (a task failed), 2 (configuration, or triggeredOn not met), 3 (a system was
unreachable), 4 (warning with --on-warning warn), 5 (manual approval required), 130/143 (stopped).`;

  static override examples = [
    '<%= config.bin %> trigger-deployment --service carts --version 1.4.2 --image registry/carts:1.4.2',
    '<%= config.bin %> trigger-deployment --stage production --version 1.4.2 --approved-by "$GITLAB_USER_LOGIN"',
    '<%= config.bin %> trigger-deployment --stage hardening --version 1.4.2 --dry-run',
  ];

  static override flags = {
    ...projectFlags,
    ...historyFlag,
    ...gateFlags,
    ...caFileFlag,
    version: Flags.string({
      description: 'the version to deploy and record',
      env: 'CI_CONNECT_VERSION',
      required: true,
    }),
    image: Flags.string({
      description: 'the image to deploy (chart value image), e.g. registry/carts:1.4.2',
      env: 'CI_CONNECT_IMAGE',
    }),
    sequence: Flags.string({
      description: "the stage's sequence to run",
      env: 'CI_CONNECT_SEQUENCE',
      default: 'delivery',
    }),
    url: Flags.string({
      description:
        "the deployed service's URL, for the test task (JMeter's SERVER_URL, SERVER_PORT, PROTOCOL)",
      env: 'CI_CONNECT_URL',
    }),
    'approved-by': Flags.string({
      description: 'approve a manual approval task as this person (recorded)',
      env: 'CI_CONNECT_APPROVED_BY',
    }),
    force: Flags.boolean({
      description: 'run although triggeredOn is not met (recorded as forced)',
      default: false,
    }),
    'dry-run': Flags.boolean({
      description: 'print what would run (tasks, runners, files, commands) and change nothing',
      default: false,
    }),
    'results-dir': Flags.string({
      description: 'where JMeter results and logs go (publish it as a CI artifact)',
      env: 'CI_CONNECT_RESULTS_DIR',
      default: 'ci-connect-results',
    }),
    'test-timeout': Flags.integer({
      description: 'seconds a test may run before it is stopped and fails',
      env: 'CI_CONNECT_TEST_TIMEOUT',
      default: 3600,
      min: 1,
    }),
    settle: Flags.integer({
      description: 'seconds to wait after the test before querying Dynatrace (default 120)',
      env: 'CI_CONNECT_SETTLE',
      min: 0,
      max: 3600,
    }),
    'dynatrace-event': Flags.boolean({
      description:
        'send the evaluation result to Dynatrace as CUSTOM_INFO (default: events.dynatrace.enabled)',
      env: 'CI_CONNECT_DYNATRACE_EVENT',
      allowNo: true,
    }),
  };

  async run(): Promise<SequenceRunRecord[] | StagePlan> {
    const { flags } = await this.parse(TriggerDeployment);
    const request: StageRunRequest = {
      configDir: flags['config-dir'],
      project: flags.project,
      stage: flags.stage,
      service: flags.service,
      version: flags.version,
      image: flags.image,
      sequence: flags.sequence,
      labels: parseKeyValues(flags.label ?? [], '--label', 'buildId=812'),
      history: flags.history,
      approvedBy: flags['approved-by'],
      force: flags.force,
    };
    const controller = new AbortController();
    let stoppedBy: string | undefined;
    const stop = (signal: NodeJS.Signals) => {
      stoppedBy ??= signal;
      this.logger.warn(`${signal}: stopping the running task and recording the run as aborted`);
      controller.abort();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const logger = this.logger;
    const deps = {
      cwd: process.cwd(),
      env: process.env,
      clock: systemClock,
      logger,
      signal: controller.signal,
      runProcess,
      newId: randomUUID,
      listener: progressLines(logger),
      runnerFactory: createRunnerFactory({
        env: process.env,
        logger,
        redactor: this.redactor,
        signal: controller.signal,
        runProcess,
        newId: randomUUID,
        evaluate: (evaluation) =>
          runEvaluation(evaluation, {
            cwd: process.cwd(),
            env: process.env,
            clock: systemClock,
            logger,
            redactor: this.redactor,
          }),
        resultsDir: path.resolve(flags['results-dir']),
        targetUrl: flags.url,
        testTimeoutSeconds: flags['test-timeout'],
        caFile: flags['ca-file'],
        settleSeconds: flags.settle,
        dynatraceEvent: flags['dynatrace-event'],
      }),
    };
    try {
      if (flags['dry-run']) {
        const plan = await planStage(request, deps);
        if (!this.jsonEnabled()) this.writeResult(renderPlan(plan));
        return plan;
      }
      const { runs } = await runStage(request, deps);
      if (!this.jsonEnabled()) this.writeResult(runs.map(renderRun).join('\n'));
      this.setExitCode(exitCodeFor(runs, flags['on-warning'] ?? 'pass', stoppedBy));
      return runs;
    } finally {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
  }
}

/** The first run decides the exit code; a rollback after it does not turn a failure into a pass. */
function exitCodeFor(
  runs: readonly SequenceRunRecord[],
  onWarning: 'pass' | 'warn' | 'fail',
  stoppedBy: string | undefined,
): number {
  const first = runs[0];
  if (stoppedBy !== undefined || first?.status === 'aborted')
    return SIGNAL_EXIT[stoppedBy ?? 'SIGTERM'] ?? 143;
  if (first === undefined) return ExitCode.pass;
  if (first.status === 'waiting') return ExitCode.approvalRequired;
  if (first.result === 'fail' || first.status === 'errored') return ExitCode.fail;
  if (first.result === 'warning')
    return onWarning === 'pass' ? ExitCode.pass : onWarning === 'warn' ? ExitCode.warning : ExitCode.fail;
  return ExitCode.pass;
}

/** Plain progress lines on stderr, each task with its duration (CI logs are not terminals). */
function progressLines(logger: { info(message: string): void }): StageRunListener {
  return {
    taskStarted: (task, runner, context) =>
      logger.info(`▶ ${context.stage}.${context.sequence} ${task.name} (${runner})`),
    taskFinished: (task, result) =>
      logger.info(
        `${result.status === 'waiting' ? '⏸' : result.result === 'fail' ? '✗' : '✓'} ${task.name} ${result.result}` +
          ` in ${(result.durationMs / 1000).toFixed(1)} s: ${result.message}`,
      ),
  };
}

function renderRun(run: SequenceRunRecord): string {
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

function renderPlan(plan: StagePlan): string {
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
  return `${lines.join('\n')}\n`;
}
