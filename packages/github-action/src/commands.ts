/**
 * Each command of the action turned into a request to core's application layer, and its result
 * into one ActionOutcome. Nothing here decides a verdict: core's exit code does (exitCodeFor).
 */

import {
  escapeCell,
  evaluate,
  promoteRelease,
  sendEvent,
  triggerDeployment,
  UsageError,
  type DynatraceEventType,
  type EvaluationRecord,
  type Host,
  type SequenceRunRecord,
  type StageRunOptions,
} from '@ci-connect/core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ActionInputs, EventTypeInput } from './inputs.js';
import { summarisePlan } from './plan-summary.js';

/** What a command ended with, for outputs, annotations and the job summary. */
export interface ActionOutcome {
  exitCode: number;
  /** pass, warning, fail; `waiting` for an approval; `planned` (dry run); `sent` (send-event). */
  result: string;
  score?: number | undefined;
  evaluationId?: string | undefined;
  /** The gate's evaluation, when one ran in this job. */
  evaluation?: EvaluationRecord | undefined;
  /** The sequence runs (trigger-deployment, promote). */
  runs?: readonly SequenceRunRecord[] | undefined;
  /** One line for people: what happened. */
  headline: string;
  /** Markdown for the job summary besides the evaluation's. */
  details?: string | undefined;
  /** A passing step that still deserves a warning annotation (a dry run the real run would refuse). */
  attention?: boolean | undefined;
  /** What the error annotation adds below the headline (a dry run's problems, each with its hint). */
  because?: string | undefined;
}

const EVENT_TYPES: Readonly<Record<EventTypeInput, DynatraceEventType>> = {
  deployment: 'CUSTOM_DEPLOYMENT',
  annotation: 'CUSTOM_ANNOTATION',
  info: 'CUSTOM_INFO',
  configuration: 'CUSTOM_CONFIGURATION',
};

/** Runs the command the inputs name. */
export async function runCommand(inputs: ActionInputs, host: Host): Promise<ActionOutcome> {
  switch (inputs.command) {
    case 'evaluate':
      return runEvaluate(inputs, host);
    case 'trigger-deployment':
    case 'promote':
      return runStage(inputs, host);
    case 'send-event':
      return runSendEvent(inputs, host);
  }
}

async function runEvaluate(inputs: ActionInputs, host: Host): Promise<ActionOutcome> {
  const { evaluation, exitCode } = await evaluate(
    {
      configDir: inputs.configDir,
      project: inputs.project,
      stage: inputs.stage,
      service: inputs.service,
      version: inputs.version,
      labels: inputs.labels,
      window: { start: inputs.start, end: inputs.end, timeframe: inputs.timeframe },
      history: inputs.history,
      onWarning: inputs.onWarning,
      sloFile: inputs.slo,
      sliFiles: [],
      valuesFile: inputs.values,
      jtlFile: inputs.jtl,
      settleSeconds: inputs.settle,
      caFile: inputs.caFile,
      dynatraceEvent: inputs.dynatraceEvent,
      reportDir: path.resolve(host.cwd, inputs.reportDir),
    },
    host,
  );
  return {
    exitCode,
    result: evaluation.result,
    score: evaluation.score,
    evaluationId: evaluation.id,
    evaluation,
    headline: `quality gate ${evaluation.result}: ${gateName(evaluation)}, score ${evaluation.score.toFixed(2)}%`,
  };
}

async function runStage(inputs: ActionInputs, host: Host): Promise<ActionOutcome> {
  if (inputs.version === undefined)
    throw new UsageError(`the input version is required for ${inputs.command}`, {
      hint: 'write e.g. version: ${{ github.sha }}',
    });
  const request = {
    configDir: inputs.configDir,
    project: inputs.project,
    service: inputs.service,
    version: inputs.version,
    image: inputs.image,
    sequence: inputs.sequence,
    labels: inputs.labels,
    history: inputs.history,
    approvedBy: inputs.approvedBy,
    force: inputs.force,
    onWarning: inputs.onWarning,
  };
  const reportDir = path.resolve(host.cwd, inputs.reportDir);
  const options: StageRunOptions = {
    dryRun: inputs.dryRun,
    resultsDir: path.resolve(host.cwd, inputs.resultsDir),
    testTimeoutSeconds: inputs.testTimeout,
    reportDir,
    listener: {
      taskFinished: (_task, result) =>
        host.logger.info(
          `${result.task} (${result.runner}): ${result.result}, ${result.status}: ${result.message}`,
        ),
    },
    ...(inputs.url === undefined ? {} : { targetUrl: inputs.url }),
    ...(inputs.caFile === undefined ? {} : { caFile: inputs.caFile }),
    ...(inputs.settle === undefined ? {} : { settleSeconds: inputs.settle }),
    ...(inputs.dynatraceEvent === undefined ? {} : { dynatraceEvent: inputs.dynatraceEvent }),
  };
  const outcome =
    inputs.command === 'promote'
      ? await promoteRelease({ ...request, to: requireStage(inputs), from: inputs.fromStage }, options, host)
      : await triggerDeployment({ ...request, stage: inputs.stage }, options, host);
  if (outcome.kind === 'plan') {
    const { headline, details, refused, problems } = summarisePlan(inputs.command, outcome.plan);
    // Problems found by the checks before the run: the exit code the run would have (2 or 3).
    return {
      exitCode: outcome.exitCode,
      result: 'planned',
      headline,
      details,
      attention: refused,
      because: problems,
    };
  }
  return stageOutcome(outcome.runs, outcome.exitCode, reportDir);
}

/** The first run decides (a rollback after it does not turn a failure into a pass), as exitCodeFor. */
async function stageOutcome(
  runs: readonly SequenceRunRecord[],
  exitCode: number,
  reportDir: string,
): Promise<ActionOutcome> {
  const first = runs[0];
  const evaluated = runs
    .flatMap((run) => run.tasks)
    .findLast((t) => typeof t.details.evaluationId === 'string');
  const evaluationId = evaluated?.details.evaluationId as string | undefined;
  const evaluation = evaluationId === undefined ? undefined : await readEvaluation(reportDir, evaluationId);
  const result = first === undefined ? 'pass' : first.status === 'waiting' ? 'waiting' : first.result;
  const rows = runs.flatMap((run) =>
    run.tasks.map(
      (t) => `| ${run.stage} | ${run.sequence} | ${t.task} | ${t.result} | ${escapeCell(t.message)} |`,
    ),
  );
  return {
    exitCode,
    result,
    score: evaluation?.score ?? (evaluated?.details.score as number | undefined),
    evaluationId,
    evaluation,
    runs,
    headline:
      first === undefined
        ? 'nothing ran'
        : `${first.stage} ${first.sequence} of ${first.service} ${first.version}: ${result}: ${first.message}`,
    details: ['| stage | sequence | task | result | message |', '|---|---|---|---|---|', ...rows].join('\n'),
  };
}

/** The run's evaluation as its report wrote it (evaluation.json), when it is the one the run recorded. */
async function readEvaluation(reportDir: string, id: string): Promise<EvaluationRecord | undefined> {
  try {
    const record = JSON.parse(
      await readFile(path.join(reportDir, 'evaluation.json'), 'utf8'),
    ) as EvaluationRecord;
    return record.id === id ? record : undefined;
  } catch {
    return undefined;
  }
}

async function runSendEvent(inputs: ActionInputs, host: Host): Promise<ActionOutcome> {
  if (inputs.eventType === undefined)
    throw new UsageError('the input event_type is required for send-event', {
      hint: 'write e.g. event_type: deployment (or annotation, info, configuration)',
    });
  const { record, exitCode } = await sendEvent(
    {
      type: EVENT_TYPES[inputs.eventType],
      configDir: inputs.configDir,
      project: inputs.project,
      stage: inputs.stage,
      service: inputs.service,
      version: inputs.version,
      title: inputs.title,
      entitySelector: inputs.entitySelector,
      properties: inputs.properties,
      caFile: inputs.caFile,
    },
    host,
  );
  const ids = record.results.flatMap((r) => (r.status === 'OK' && r.correlationId ? [r.correlationId] : []));
  return {
    exitCode,
    result: 'sent',
    headline: `sent ${record.eventType} to Dynatrace (${ids.length} event${ids.length === 1 ? '' : 's'})`,
  };
}

function requireStage(inputs: ActionInputs): string {
  if (inputs.stage === undefined)
    throw new UsageError('the input stage (the stage to promote to) is required for promote', {
      hint: 'write e.g. stage: production',
    });
  return inputs.stage;
}

function gateName(evaluation: EvaluationRecord): string {
  return `${evaluation.project}/${evaluation.stage}/${evaluation.service}${evaluation.version ? ` ${evaluation.version}` : ''}`;
}
