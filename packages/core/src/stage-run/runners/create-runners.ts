/**
 * The runner behind each `tasks:` setting (ci-connect.yaml) or default (DEFAULT_TASK_RUNNERS):
 * a built-in one (TASK_RUNNERS: helm, jmeter, evaluate, approve, record) or a command. Built
 * once per run from what the CLI (or another front end) was given.
 */

import type { BuiltInTaskRunner } from '../../config/project-config.js';
import type { Logger } from '../../environment.js';
import type { GateCheck } from '../../evaluation/check-evaluation.js';
import type { EvaluateRequest, EvaluationOutcome } from '../../evaluation/run-evaluation.js';
import type { Redactor } from '../../redaction/redaction.js';
import { commandFromEnv } from '../../tools/find-executable.js';
import { HelmRunner } from '../../tools/helm/helm-runner.js';
import type { ProcessRunner } from '../../tools/process.js';
import { sequencesOf } from '../../shipyard/sequence-plan.js';
import type { DeploymentStrategy, ShipyardTask } from '../../shipyard/types.js';
import type { RunnerFactory, StageSetup } from '../run-stage.js';
import type { TaskRunner } from '../types.js';
import { ApprovalRunner } from './approval-runner.js';
import { CommandRunner } from './command-runner.js';
import { DeploymentRunner } from './deployment-runner.js';
import { EvaluationRunner } from './evaluation-runner.js';
import { RecordRunner } from './record-runner.js';
import type { PromotedRelease } from './release-manifest.js';
import { TestRunner } from './test-runner.js';

export interface RunnerOptions {
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  redactor: Redactor;
  signal: AbortSignal;
  runProcess: ProcessRunner;
  newId: () => string;
  /** The quality gate (runEvaluation), injectable for tests. */
  evaluate: (request: EvaluateRequest) => Promise<EvaluationOutcome>;
  /** The gate's setup checked before the run, without fetching (checkEvaluation); none: not checked. */
  checkGate?: (request: EvaluateRequest, logger: Logger) => Promise<GateCheck>;
  /** Results files and JMeter logs go here. */
  resultsDir: string;
  /** The deployed service's URL for the tests (`--url`). */
  targetUrl?: string;
  testTimeoutSeconds: number;
  /** promote: the chart and stage values as recorded, instead of the config directory's. */
  promotion?: PromotedRelease;
  caFile?: string;
  settleSeconds?: number;
  dynatraceEvent?: boolean;
}

/** What building a built-in runner may use: the run's options and the stage being run. */
interface RunnerContext {
  options: RunnerOptions;
  setup: StageSetup;
}

/**
 * How each built-in runner is built, by the name `tasks:` gives it: one entry per name of
 * TASK_RUNNERS (config/project-config.ts), which the compiler holds this map to.
 */
const BUILT_IN_RUNNERS: { readonly [N in BuiltInTaskRunner]: (context: RunnerContext) => TaskRunner } = {
  helm: ({ options, setup }) =>
    new DeploymentRunner({
      helm: new HelmRunner({
        runProcess: options.runProcess,
        helmBinary: commandFromEnv(options.env.HELM_BIN, 'helm'),
        env: { ...options.env },
        logger: options.logger,
        redactor: options.redactor,
        signal: options.signal,
        notFoundHint:
          'install helm, or set HELM_BIN to its path; for a service the team deploys itself use deploymentstrategy: user_managed',
      }),
      stageStrategy: stageStrategy(setup),
      settings: setup.config.helm,
      ...(options.promotion === undefined ? {} : { promotion: options.promotion }),
      runProcess: options.runProcess,
      newId: options.newId,
    }),
  jmeter: ({ options }) =>
    new TestRunner({
      jmeterBin: commandFromEnv(options.env.JMETER_BIN, 'jmeter'),
      resultsDir: options.resultsDir,
      ...(options.targetUrl === undefined ? {} : { targetUrl: options.targetUrl }),
      timeoutSeconds: options.testTimeoutSeconds,
      runProcess: options.runProcess,
      logger: options.logger,
      redactor: options.redactor,
    }),
  evaluate: ({ options, setup }) =>
    new EvaluationRunner({
      evaluate: options.evaluate,
      ...(options.checkGate === undefined ? {} : { checkGate: options.checkGate }),
      history: setup.historyUrl,
      onWarning: setup.onWarning,
      ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
      ...(options.settleSeconds === undefined ? {} : { settleSeconds: options.settleSeconds }),
      ...(options.dynatraceEvent === undefined ? {} : { dynatraceEvent: options.dynatraceEvent }),
    }),
  approve: ({ options }) => new ApprovalRunner(options.newId),
  record: () => new RecordRunner(),
};

/** The factory runStage asks for each task's runner: a built-in one is built once per run. */
export function createRunnerFactory(options: RunnerOptions): (setup: StageSetup) => RunnerFactory {
  return (setup) => {
    const runners = new Map<BuiltInTaskRunner, TaskRunner>();
    const builtIn = (name: BuiltInTaskRunner): TaskRunner => {
      const runner = runners.get(name) ?? BUILT_IN_RUNNERS[name]({ options, setup });
      runners.set(name, runner);
      return runner;
    };
    return (setting, _task: ShipyardTask) =>
      typeof setting === 'string'
        ? builtIn(setting)
        : new CommandRunner(setting, options.runProcess, options.redactor);
  };
}

/** The strategy of the stage's first deployment task: what its release and rollback act on. */
function stageStrategy(setup: StageSetup): DeploymentStrategy {
  const stage = setup.shipyard.stages.find((s) => s.name === setup.stage);
  for (const sequence of stage === undefined ? [] : sequencesOf(stage))
    for (const task of sequence.tasks)
      if (task.deploymentStrategy !== undefined) return task.deploymentStrategy;
  return 'direct';
}
