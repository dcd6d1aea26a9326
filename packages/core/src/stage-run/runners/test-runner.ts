/**
 * The `test` task through JMeter (tools/jmeter): the shipyard's `teststrategy` picks the
 * workload of the service's `jmeter/jmeter.conf.yaml` (Keptn's format) and its plan, stage
 * overlay over base; the service's URL (`--url`) is passed to the plan as Keptn's properties. The
 * run's start and end, and its results file, go to the evaluation after it.
 */

import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { requireConfig } from '../../config/config-errors.js';
import { formatDiagnostic } from '../../config/diagnostics.js';
import { ConfigError } from '../../errors.js';
import { collectProblems, notFound } from '../preflight.js';
import { loadJmeterConf } from '../../config/jmeter/jmeter-conf.js';
import { planJmeterTest } from '../../tools/jmeter/jmeter-plan.js';
import { keptnLoadTestName } from '../../tools/jmeter/jmeter-properties.js';
import { resolveWorkload } from '../../config/jmeter/jmeter-workload.js';
import type { JmeterConf, ResolvedWorkload } from '../../config/jmeter/jmeter-workload.js';
import { JMETER_NOT_FOUND_HINT, runJmeterTest } from '../../tools/jmeter/run-jmeter-test.js';
import type { JmeterTestRequest } from '../../tools/jmeter/jmeter-plan.js';
import type { ProcessRunner } from '../../tools/process.js';
import type { Logger } from '../../environment.js';
import type { Redactor } from '../../redaction/redaction.js';
import type { ShipyardTask } from '../../shipyard/types.js';
import type {
  CheckContext,
  PlanContext,
  TaskCheck,
  TaskContext,
  TaskOutcome,
  TaskPlan,
  TaskRunner,
} from '../types.js';
import { serviceFile } from './service-file.js';

export interface TestRunnerOptions {
  /** The jmeter command (JMETER_BIN, else `jmeter` on PATH). */
  jmeterBin: string;
  /** Where results files and JMeter logs go (a CI artifact directory). */
  resultsDir: string;
  /** The deployed service's URL, for the plan's SERVER_URL, SERVER_PORT, PROTOCOL, CHECK_PATH. */
  targetUrl?: string;
  timeoutSeconds: number;
  runProcess: ProcessRunner;
  /** Warnings about jmeter.conf.yaml. */
  logger: Logger;
  /** The run's redactor, for JMeter's output before it is cut short. */
  redactor: Redactor;
}

// Keptn's jmeter-service skipped these: no test was wanted.
const NO_TEST_STRATEGIES = new Set(['', 'real-user']);

export class TestRunner implements TaskRunner {
  readonly name = 'jmeter';

  constructor(private readonly options: TestRunnerOptions) {}

  async plan(task: ShipyardTask, context: PlanContext): Promise<TaskPlan> {
    const strategy = task.testStrategy ?? '';
    if (NO_TEST_STRATEGIES.has(strategy))
      return {
        task: task.name,
        runner: this.name,
        description: noTestMessage(strategy),
        commands: [],
        files: [],
      };
    const request = await this.request(task, context, 'dry-run');
    const plan = planJmeterTest(request);
    return {
      task: task.name,
      runner: this.name,
      description:
        `JMeter ${strategy}: ${request.workload.vuser} users × ${request.workload.loopCount} loops, ` +
        `accepted error rate ${request.workload.acceptedErrorRate}` +
        (this.options.targetUrl === undefined
          ? ' (no --url: the plan’s own target)'
          : ` against ${this.options.targetUrl}`),
      commands: [plan.argv],
      files: [plan.planFile],
    };
  }

  /** Before the run: its workload and plan file are there; the results file it will write. */
  async check(task: ShipyardTask, context: CheckContext): Promise<TaskCheck> {
    const strategy = task.testStrategy ?? '';
    if (NO_TEST_STRATEGIES.has(strategy)) return {};
    // Once its problems are fixed, the test writes its results: the evaluation after it is checked with them.
    let resultsFile = join(this.options.resultsDir, `${context.stage}-${strategy}.jtl`);
    const problems = await collectProblems([
      async () => {
        const request = await this.request(task, context, 'check', context.logger);
        resultsFile = request.resultsFile;
        // What the run would refuse only after the deployment: a --url that is not http(s), an empty JMETER_BIN.
        planJmeterTest(request);
      },
      async () => {
        const { jmeterBin } = this.options;
        if ((await context.locate(jmeterBin)) !== undefined) return;
        throw new ConfigError(notFound(jmeterBin), { hint: JMETER_NOT_FOUND_HINT });
      },
    ]);
    return { problems, resultsFile };
  }

  async run(task: ShipyardTask, context: TaskContext): Promise<TaskOutcome> {
    const strategy = task.testStrategy ?? '';
    if (NO_TEST_STRATEGIES.has(strategy))
      return { result: 'pass', status: 'succeeded', message: noTestMessage(strategy) };
    const request = await this.request(task, context, context.runId);
    const result = await runJmeterTest({
      ...request,
      signal: context.signal,
      clock: context.clock,
      logger: context.logger,
      redactor: this.options.redactor,
    });
    const details = {
      start: result.start,
      end: result.end,
      resultsFile: result.resultsFile,
      logFile: result.logFile,
      samples: result.samples,
      errorRate: result.errorRate,
    };
    if (result.reason === 'aborted')
      return { result: 'fail', status: 'aborted', message: result.message, details };
    return {
      result: result.status === 'succeeded' ? 'pass' : 'fail',
      status: 'succeeded',
      message: result.message,
      details,
    };
  }

  private async request(
    task: ShipyardTask,
    context: PlanContext,
    run: string,
    logger: Logger = this.options.logger,
  ): Promise<JmeterTestRequest> {
    const strategy = task.testStrategy ?? '';
    const where = { configDir: context.configDir, stage: context.stage, service: context.service };
    const confFile = serviceFile(where, join('jmeter', 'jmeter.conf.yaml'));
    let conf: JmeterConf | undefined;
    if (existsSync(confFile)) {
      const loaded = await loadJmeterConf(confFile);
      for (const d of loaded.diagnostics) if (d.severity === 'warning') logger.warn(formatDiagnostic(d));
      conf = requireConfig(loaded.conf, loaded.diagnostics);
    }
    const workload = resolveWorkload(conf, strategy);
    const planFile = findPlan(workload, where);
    const name = `${context.stage}-${workload.testStrategy}`;
    return {
      jmeterBin: this.options.jmeterBin,
      planFile,
      resultsFile: join(this.options.resultsDir, `${name}.jtl`),
      logFile: join(this.options.resultsDir, `${name}.jmeter.log`),
      workload,
      ...(this.options.targetUrl === undefined ? {} : { targetUrl: this.options.targetUrl }),
      loadTestName: keptnLoadTestName({
        project: context.project,
        service: context.service,
        stage: context.stage,
        testStrategy: workload.testStrategy,
        run,
      }),
      context: { project: context.project, stage: context.stage, service: context.service },
      timeoutMs: this.options.timeoutSeconds * 1000,
      env: { ...context.env },
      runProcess: this.options.runProcess,
    };
  }
}

function findPlan(
  workload: ResolvedWorkload,
  where: { configDir: string; stage: string; service: string },
): string {
  const candidates = workload.scriptCandidates.map((script) => serviceFile(where, script));
  const found = candidates.find((file) => existsSync(file));
  if (found !== undefined) return found;
  throw new ConfigError(
    `no JMeter plan for the ${workload.testStrategy} test of ${where.service}: looked for ${candidates
      .map((file) => relative(where.configDir, file))
      .join(', ')} in ${where.configDir}`,
    {
      hint:
        `add ${join('base', where.service, 'jmeter', `${workload.testStrategy}.jmx`)} to the config directory, ` +
        'or set the workload’s script in jmeter/jmeter.conf.yaml',
    },
  );
}

function noTestMessage(strategy: string): string {
  return strategy === ''
    ? 'no test: the task has no teststrategy'
    : `no test: teststrategy ${strategy} (as Keptn)`;
}
