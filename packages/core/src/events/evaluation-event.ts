/**
 * The CUSTOM_INFO event `evaluate` sends after a gate (DESIGN.md section 7), as Keptn's
 * dynatrace-service did for evaluation.finished: result, score and what failed, on the service's
 * entities, with a link back to the CI job. Sending it is best effort: the verdict is already
 * recorded, so a failure to report it is a warning and never changes the job's exit code.
 */

import type { DynatraceEventSettings } from '../config/project-config.js';
import type { DynatraceSettings } from '../providers/dynatrace/dynatrace-settings.js';
import type { Logger } from '../environment.js';
import { CiConnectError, InternalError } from '../errors.js';
import { formatScore } from '../gate/score.js';
import type { EvaluationRecord } from '../gate/types.js';
import type { HttpClient } from '../http/http-client.js';
import type { Redactor } from '../redaction/redaction.js';
import { summariseNotPassed } from '../report/format.js';
import { ciJobLink } from './ci-link.js';
import { buildDynatraceEvent } from './dynatrace-event.js';
import type { DynatraceEvent } from './dynatrace-event.js';
import { sendDynatraceEvent } from './send-dynatrace-event.js';
import type { EventIngestOutcome } from './send-dynatrace-event.js';

// Dynatrace truncates long property values; the list of objectives that did not pass stays readable.
const MAX_OBJECTIVES_TEXT = 1000;

/** The ingest body for one evaluation; pure. */
export function buildEvaluationEvent(
  evaluation: EvaluationRecord,
  options: { entitySelector?: string; env: Readonly<Record<string, string | undefined>> },
): DynatraceEvent {
  const version = evaluation.version === '' ? undefined : evaluation.version;
  const what = version === undefined ? evaluation.service : `${evaluation.service} ${version}`;
  const notPassed = summariseNotPassed(evaluation.objectives, MAX_OBJECTIVES_TEXT);
  const link = ciJobLink(options.env);
  return buildDynatraceEvent({
    type: 'CUSTOM_INFO',
    title: `Quality gate ${evaluation.result} for ${what} in ${evaluation.stage}: score ${formatScore(evaluation.score)}%`,
    ...(options.entitySelector === undefined ? {} : { entitySelector: options.entitySelector }),
    target: {
      project: evaluation.project,
      stage: evaluation.stage,
      service: evaluation.service,
      ...(version === undefined ? {} : { version }),
    },
    ...(link === undefined ? {} : { link }),
    properties: {
      result: evaluation.result,
      score: String(evaluation.score),
      evaluationId: evaluation.id,
      evaluationStart: evaluation.start,
      evaluationEnd: evaluation.end,
      ...(notPassed === '' ? {} : { objectivesNotPassed: notPassed }),
      ...prefixed('label.', evaluation.labels),
    },
  });
}

export interface EvaluationEventOptions {
  settings?: DynatraceSettings;
  events?: DynatraceEventSettings;
  env: Readonly<Record<string, string | undefined>>;
  redactor: Redactor;
  logger: Logger;
  caFile?: string;
  http?: HttpClient;
}

/**
 * Sends the evaluation's CUSTOM_INFO event; returns what Dynatrace created, or undefined after
 * logging why nothing was (the caller's exit code stays the gate's).
 */
export async function reportEvaluationToDynatrace(
  evaluation: EvaluationRecord,
  options: EvaluationEventOptions,
): Promise<EventIngestOutcome | undefined> {
  const { logger, redactor } = options;
  try {
    const event = buildEvaluationEvent(evaluation, {
      ...(options.events?.entitySelector === undefined
        ? {}
        : { entitySelector: options.events.entitySelector }),
      env: options.env,
    });
    const outcome = await sendDynatraceEvent(event, {
      ...(options.settings === undefined ? {} : { settings: options.settings }),
      env: options.env,
      redactor,
      logger,
      ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
      ...(options.http === undefined ? {} : { http: options.http }),
    });
    const ids = outcome.results.flatMap((r) =>
      r.status === 'OK' && r.correlationId ? [r.correlationId] : [],
    );
    logger.info(
      `sent the result to Dynatrace as CUSTOM_INFO on ${event.entitySelector}` +
        (ids.length === 0 ? '' : ` (correlation id ${ids.join(', ')})`),
    );
    return outcome;
  } catch (error) {
    // Bugs (InternalError, TypeError...) are not a reporting problem: they surface as exit 70.
    if (!(error instanceof CiConnectError) || error instanceof InternalError) throw error;
    const { message, hint } = error;
    logger.warn(
      redactor.redact(
        `the result is recorded, but was not sent to Dynatrace: ${message}` +
          (hint === undefined ? '' : ` (${hint})`),
      ),
    );
    return undefined;
  }
}

function prefixed(prefix: string, labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([key, value]) => [`${prefix}${key}`, value]));
}
