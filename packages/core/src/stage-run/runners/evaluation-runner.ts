/**
 * The `evaluation` task: the quality gate of `ci-connect evaluate`, on the window of the test
 * that ran before it (Keptn passed the test's start and end to the evaluation), or, without a
 * test, on the task's `timeframe` (default 5 minutes) ending now. The test's JMeter results file
 * is given to the gate too, so the SLO can score the load test itself.
 */

import type { OnWarning } from '../../config/project-config.js';
import type { GateCheck } from '../../evaluation/check-evaluation.js';
import type { EvaluationOutcome, EvaluateRequest } from '../../evaluation/run-evaluation.js';
import type { Logger } from '../../environment.js';
import { formatScore } from '../../gate/score.js';
import type { EvaluationRecord } from '../../gate/types.js';
import { summariseNotPassed } from '../../report/format.js';
import type { SliRunContext } from '../../providers/provider.js';
import type { ShipyardTask } from '../../shipyard/types.js';
import type {
  CheckContext,
  PlanContext,
  TaskCheck,
  TaskContext,
  TaskOutcome,
  TaskPlan,
  TaskResult,
  TaskRunner,
} from '../types.js';

/** What the gate needs besides the run's identity. */
export interface EvaluationRunnerOptions {
  evaluate: (request: EvaluateRequest) => Promise<EvaluationOutcome>;
  /** The gate's setup checked without fetching (checkEvaluation), for the run's check; none: not checked. */
  checkGate?: (request: EvaluateRequest, logger: Logger) => Promise<GateCheck>;
  /** The history store URL the run uses (the gate reads its baseline there). */
  history: string;
  caFile?: string;
  settleSeconds?: number;
  dynatraceEvent?: boolean;
  /** `fail`: a warning gate fails the task, so the sequence stops before it releases. */
  onWarning?: OnWarning;
}

const DEFAULT_TIMEFRAME = '5m';

export class EvaluationRunner implements TaskRunner {
  readonly name = 'evaluate';

  constructor(private readonly options: EvaluationRunnerOptions) {}

  plan(task: ShipyardTask, _context: PlanContext): TaskPlan {
    return {
      task: task.name,
      runner: this.name,
      description:
        'the quality gate on the window of the test before it' +
        ` (without a test: the last ${task.timeframe ?? DEFAULT_TIMEFRAME})`,
      commands: [],
      files: [],
    };
  }

  /**
   * Before the run: the SLO's SLIs resolve, their providers are configured, and JMeter
   * indicators have a results file: one a test task before this one will write.
   */
  async check(_task: ShipyardTask, context: CheckContext): Promise<TaskCheck> {
    if (this.options.checkGate === undefined) return {};
    const test = context.earlier.findLast((t) => t.task === 'test');
    const found = await this.options.checkGate(
      {
        ...this.gateRequest(context),
        window: {},
        ...(test?.resultsFile === undefined ? {} : { jtlFile: test.resultsFile }),
      },
      context.logger,
    );
    const answers = Object.entries(found.providers).map(
      ([provider, slis]) => `${provider}: ${slis.join(', ')}`,
    );
    return {
      problems: found.problems,
      notes: [...(answers.length === 0 ? [] : [`SLIs from ${answers.join('; ')}`]), ...found.notes],
    };
  }

  async run(task: ShipyardTask, context: TaskContext): Promise<TaskOutcome> {
    const test = testWindow(context.previous);
    // With the test's results file and no window flags, the gate's window is the results' own
    // span, which may be shorter than the one-minute minimum that window flags must respect.
    const window =
      test === undefined
        ? { timeframe: task.timeframe ?? DEFAULT_TIMEFRAME }
        : test.resultsFile === undefined
          ? { start: test.start, end: test.end }
          : {};
    const resultsFile = test?.resultsFile;
    const { evaluation } = await this.options.evaluate({
      ...this.gateRequest(context),
      window,
      run: runOf(context),
      ...(typeof resultsFile === 'string' ? { jtlFile: resultsFile } : {}),
    });
    // onWarning: fail makes a warning a failure here too, not only in the exit code: what follows
    // the gate (approval, release) must not run on a gate the team counts as failed.
    const failsOnWarning = evaluation.result === 'warning' && this.options.onWarning === 'fail';
    return {
      result: failsOnWarning ? 'fail' : evaluation.result,
      status: 'succeeded',
      message: `${gateMessage(evaluation)}${failsOnWarning ? ' (a warning fails: onWarning is fail)' : ''}`,
      details: {
        evaluationId: evaluation.id,
        score: evaluation.score,
        start: evaluation.start,
        end: evaluation.end,
      },
    };
  }

  /** What the gate is asked, besides its window and results file: the same for check and run. */
  private gateRequest(context: PlanContext): Omit<EvaluateRequest, 'window'> {
    return {
      configDir: context.configDir,
      project: context.project,
      stage: context.stage,
      service: context.service,
      version: context.version,
      labels: { ...context.labels },
      history: this.options.history,
      sliFiles: [],
      resultsFileHint: resultsFileHint(context),
      ...(this.options.caFile === undefined ? {} : { caFile: this.options.caFile }),
      ...(this.options.settleSeconds === undefined ? {} : { settleSeconds: this.options.settleSeconds }),
      ...(this.options.dynatraceEvent === undefined ? {} : { dynatraceEvent: this.options.dynatraceEvent }),
    };
  }
}

/** In a stage run the results file is the one a JMeter test task before the evaluation writes. */
function resultsFileHint(context: PlanContext): string {
  return (
    `in a stage run the results file is the one written by a test task run by JMeter before the evaluation: ` +
    `give ${context.stage}.${context.sequence} a test task with a teststrategy (e.g. performance, with ` +
    `jmeter/performance.jmx) before its evaluation, or define these SLIs in sli/prometheus.yaml or sli/dynatrace.yaml`
  );
}

/**
 * The window of the latest `test` task: the span its runner reported (JMeter: the results'
 * span), else the time the task ran (a test run by a command).
 */
function testWindow(
  previous: readonly TaskResult[],
): { start: string; end: string; resultsFile?: string } | undefined {
  const test = previous.findLast((r) => r.task === 'test' && r.status === 'succeeded');
  if (test === undefined) return undefined;
  const { start, end, resultsFile } = test.details;
  const span =
    typeof start === 'string' && typeof end === 'string'
      ? { start, end }
      : { start: test.startedAt, end: test.finishedAt };
  if (typeof resultsFile === 'string') return { ...span, resultsFile };
  // Monitoring data needs a window of at least a minute (evaluate's rule): a quicker test is
  // evaluated on the minute up to its end.
  const endMs = Date.parse(span.end);
  if (endMs - Date.parse(span.start) >= MINUTE_MS) return span;
  return { start: new Date(endMs - MINUTE_MS).toISOString(), end: span.end };
}

const MINUTE_MS = 60_000;

/** The run's id and the strategy of the test before this evaluation: Keptn's `$CONTEXT`, `$TESTSTRATEGY`. */
function runOf(context: TaskContext): SliRunContext {
  const test = context.previous.findLast((r) => r.task === 'test');
  const strategy = test?.details['teststrategy'];
  return { id: context.runId, ...(typeof strategy === 'string' ? { testStrategy: strategy } : {}) };
}

/** `quality gate fail with score 40%: Error rate (error_rate): fail (5)`: the reason first. */
function gateMessage(evaluation: EvaluationRecord): string {
  const notPassed = summariseNotPassed(evaluation.objectives, 300);
  return `quality gate ${evaluation.result} with score ${formatScore(evaluation.score)}%${notPassed === '' ? '' : `: ${notPassed}`}`;
}
