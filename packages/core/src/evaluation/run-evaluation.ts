import { randomUUID } from 'node:crypto';
import { ExternalSystemError } from '../errors.js';
import type { Clock, Logger } from '../environment.js';
import { scoreEvaluation } from '../gate/score.js';
import type { EvaluationRecord, SliValue, Slo } from '../gate/types.js';
import { findBaseline } from '../history/baseline.js';
import { openReadyHistoryStore } from '../history/open-store.js';
import type { SliContext, SliProvider, SliRunContext, TimeWindow } from '../providers/provider.js';
import type { OnWarning } from '../config/project-config.js';
import { reportEvaluationToDynatrace } from '../events/evaluation-event.js';
import type { HttpClient } from '../http/http-client.js';
import { createProcessRedactor } from '../redaction/credential-sources.js';
import type { Redactor } from '../redaction/redaction.js';
import type { ProcessRunner } from '../tools/process.js';
import { planIndicators } from './resolve-indicators.js';
import { loadEvaluationSetup, type EvaluationSetupRequest } from './setup.js';
import { resolveTimeWindow, type WindowFlags } from './time-window.js';

/** Everything `evaluate` was asked, as flags and env gave it. */
export interface EvaluateRequest extends EvaluationSetupRequest {
  version?: string;
  labels: Record<string, string>;
  window: WindowFlags;
  /** Send the result to Dynatrace as CUSTOM_INFO; default: ci-connect.yaml `events.dynatrace.enabled`. */
  dynatraceEvent?: boolean;
  /** The stage run this evaluation is a task of (SLI placeholders `$CONTEXT`, `$TESTSTRATEGY`). */
  run?: SliRunContext;
}

/** The recorded evaluation, and the `--on-warning` default that ci-connect.yaml set. */
export interface EvaluationOutcome {
  evaluation: EvaluationRecord;
  onWarning: OnWarning;
  /** The history store it was recorded in, for reports of its history. */
  historyUrl: string;
  /** The SLO's total_score thresholds it was scored against. */
  totalScore: Slo['totalScore'];
}

export interface EvaluateDependencies {
  cwd: string;
  /** The process environment (provider endpoints and tokens). */
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  logger: Logger;
  /** Secrets the providers read are registered here; give the same one to every output. */
  redactor?: Redactor;
  newId?: () => string;
  /** The client for the result's Dynatrace event (tests); by default one is made. */
  eventHttp?: HttpClient;
  /** Runs git for a `git:` history; runProcess from tools/process.ts by default. */
  runProcess?: ProcessRunner;
  /** Aborted when the job is stopped. */
  signal?: AbortSignal;
}

/**
 * The quality gate: loads the SLO and providers, fetches SLI values for the window, scores them
 * against the baseline from history, appends the result to history and returns it.
 */
export async function runEvaluation(
  request: EvaluateRequest,
  deps: EvaluateDependencies,
): Promise<EvaluationOutcome> {
  const redactor = deps.redactor ?? createProcessRedactor(deps.env);
  const setup = await loadEvaluationSetup(request, {
    env: deps.env,
    clock: deps.clock,
    logger: deps.logger,
    redactor,
  });
  const { slo, providers, target } = setup;
  const plan = planIndicators(slo.objectives, providers);
  for (const note of plan.notes) deps.logger.info(note);
  for (const sli of plan.undefinedInfo)
    deps.logger.warn(`informational SLI "${sli}" is not defined by any provider; it is shown without value`);

  // A history that cannot be used is exit 2 or 3 before any provider is asked.
  const store = await openReadyHistoryStore(setup.historyUrl, {
    baseDir: deps.cwd,
    logger: deps.logger,
    redactor,
    env: deps.env,
    ...(deps.runProcess === undefined ? {} : { runProcess: deps.runProcess }),
    ...(deps.signal === undefined ? {} : { signal: deps.signal }),
  });
  let record: EvaluationRecord;
  try {
    const window = await evaluationWindow(request.window, providers, deps);
    const context: SliContext = {
      ...target,
      labels: request.labels,
      filter: slo.filter,
      window,
      ...(request.run === undefined ? {} : { run: request.run }),
    };
    const values = (await fetchAll(plan.byProvider, context)).map((value) => boundMessage(value, redactor));
    const missing = plan.undefinedInfo.map((sli): SliValue => ({
      sli,
      provider: '',
      value: null,
      failure: 'error',
      message: 'not defined by any provider',
    }));
    failWhenEverySystemIsDown(values);
    const baseline = await findBaseline(store, target, slo.comparison);
    const scored = scoreEvaluation({ slo, values: [...values, ...missing], baseline });
    const unredacted: EvaluationRecord = {
      schemaVersion: 1,
      id: (deps.newId ?? randomUUID)(),
      kind: 'evaluation',
      ...target,
      version: request.version ?? '',
      labels: request.labels,
      start: window.start.toISOString(),
      end: window.end.toISOString(),
      evaluatedAt: deps.clock.now().toISOString(),
      result: scored.result,
      score: scored.score,
      objectives: scored.objectives,
      comparedEvaluations: baseline.map((b) => b.id),
      message: scored.message,
      invalidated: false,
    };
    // Provider messages end up in the record: the last line of defence before history and reports.
    record = redactor.redactJson(unredacted);
    await store.append(record);
  } finally {
    await store.close();
  }
  // After the store is closed: the result stands whatever happens to its report.
  if (request.dynatraceEvent ?? setup.dynatrace.events?.enabled === true)
    await reportEvaluationToDynatrace(record, {
      ...setup.dynatrace,
      env: deps.env,
      redactor,
      logger: deps.logger,
      ...(request.caFile === undefined ? {} : { caFile: request.caFile }),
      ...(deps.eventHttp === undefined ? {} : { http: deps.eventHttp }),
    });
  return {
    evaluation: record,
    onWarning: setup.onWarning,
    historyUrl: setup.historyUrl,
    totalScore: slo.totalScore,
  };
}

/** The window from the flags; with only a JMeter results file and no flags, the test's own span. */
async function evaluationWindow(
  flags: WindowFlags,
  providers: readonly SliProvider[],
  deps: EvaluateDependencies,
): Promise<TimeWindow> {
  const noFlags = flags.start === undefined && flags.end === undefined && flags.timeframe === undefined;
  const spanning = providers.find((p) => p.timeSpan !== undefined);
  if (noFlags && spanning?.timeSpan !== undefined) {
    const span = await spanning.timeSpan();
    if (span !== null) {
      deps.logger.debug(
        `evaluation window from ${spanning.name}: ${span.start.toISOString()} .. ${span.end.toISOString()}`,
      );
      return span;
    }
  }
  return resolveTimeWindow(flags, deps.clock.now());
}

/** Providers are asked in parallel; each answers for its own SLIs. */
async function fetchAll(
  byProvider: ReadonlyMap<SliProvider, string[]>,
  context: SliContext,
): Promise<SliValue[]> {
  const results = await Promise.all(
    [...byProvider].map(([provider, names]) => provider.fetch(names, context)),
  );
  return results.flat();
}

// A server can say a lot (an echoed query, an HTML page): a record stays readable and far below
// the history reader's line limit.
const MAX_SLI_MESSAGE = 2000;

/** Each provider's message, redacted and then cut: one place for every provider. */
function boundMessage(value: SliValue, redactor: Redactor): SliValue {
  if (value.value !== null) return value;
  const hint = value.hint === undefined ? {} : { hint: redactor.clip(value.hint, MAX_SLI_MESSAGE) };
  return { ...value, message: redactor.clip(value.message, MAX_SLI_MESSAGE), ...hint };
}

/** DESIGN.md section 5: when no SLI could be fetched because systems were down, record nothing. */
function failWhenEverySystemIsDown(values: readonly SliValue[]): void {
  if (values.length === 0) return;
  const down = values.filter((v) => v.value === null && v.failure === 'unavailable');
  if (down.length === values.length) {
    const reasons = [...new Set(down.map((v) => (v.value === null ? `${v.provider}: ${v.message}` : '')))];
    // The providers' own hints say how to fix what failed (e.g. --ca-file for an unknown
    // certificate, HTTPS_PROXY for a dead proxy); "retry" is only the fallback.
    const hints = [
      ...new Set(down.flatMap((v) => (v.value === null && v.hint !== undefined ? [v.hint] : []))),
    ];
    const fix =
      hints.length === 0 ? 'retry the job when the monitoring system is reachable' : hints.join('; ');
    throw new ExternalSystemError(`no SLI could be fetched: ${reasons.join('; ')}`, {
      hint: `${fix}; nothing was recorded`,
    });
  }
}
