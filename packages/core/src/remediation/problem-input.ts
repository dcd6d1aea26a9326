/**
 * The problem `remediate` works on, from what the pipeline was given: a notification payload
 * (`--event-file`) or a problem type (`--problem-type`). Payloads are read as Keptn's services
 * read them (keptn-contrib/dynatrace-service internal/problem, keptn/keptn remediation-service):
 * - a Dynatrace problem notification, as Keptn's custom webhook payload wrapped it
 *   (`{"type": "sh.keptn.events.problem", "data": {State, PID, ProblemID, ProblemTitle, ...}}`),
 *   or the same fields at the top level (Dynatrace's default custom-integration payload, or any
 *   payload written without the envelope);
 * - a Keptn `sh.keptn.event.<stage>.remediation.triggered` event (`data.problem`);
 * - a legacy `sh.keptn.events.problem` event (Keptn 0.6, and closed problems dynatrace-service forwarded).
 * Field names match case-insensitively, as Go's encoding/json matched them (`problemTitle` fills `ProblemTitle`).
 */

import { ConfigError, UsageError } from '../errors.js';
import { findJsonErrorOffset } from '../history/json-error-offset.js';
import type { Problem, ProblemEntity } from './types.js';

type Json = Readonly<Record<string, unknown>>;
type Target = NonNullable<Problem['target']>;

const ACCEPTED =
  'pass the body Dynatrace sent: a problem notification (State, PID, ProblemID, ProblemTitle, ImpactedEntities, Tags; ' +
  'bare or in a sh.keptn.events.problem event), or a Keptn sh.keptn.event.<stage>.remediation.triggered event with data.problem';
const REMEDIATION_TRIGGERED = /^sh\.keptn\.event\.([^.]+)\.remediation\.triggered$/;
const PROBLEM_EVENT = 'sh.keptn.events.problem';
// The Problems API v2 key, e.g. -6004362228644432354_1638271020000V2.
const PROBLEM_ID = /^-?\d+_\d+V2$/;

/** Reads a notification payload; throws ConfigError naming `file` (with line:col for JSON errors) and what is accepted. */
export function problemFromEventFile(text: string, file: string): Problem {
  const payload = parseObject(text.startsWith('\uFEFF') ? text.slice(1) : text, file);
  const type = typeof payload.type === 'string' ? payload.type : undefined;
  if (type === undefined) {
    if (looksLikeNotification(payload)) return fromNotification(payload, file, '');
    throw new ConfigError(
      `${file}: not a problem notification or a Keptn event (no "type", no ProblemTitle)`,
      {
        hint: ACCEPTED,
      },
    );
  }
  const data = record(payload.data);
  if (data === undefined)
    throw new ConfigError(`${file}: the ${type} event has no "data" object`, { hint: ACCEPTED });
  const stage = REMEDIATION_TRIGGERED.exec(type)?.[1];
  if (stage !== undefined) return fromRemediationTriggered(data, stage, file);
  if (type === PROBLEM_EVENT) return fromNotification(data, file, 'data.');
  throw new ConfigError(`${file}: a ${type} event does not name a problem to remediate`, { hint: ACCEPTED });
}

/** A problem known only by its type (`--problem-type`): matched against remediation.yaml by title. */
export function problemFromType(type: string): Problem {
  const title = type.trim();
  if (title === '')
    throw new UsageError('--problem-type is empty', {
      hint: 'give the problem type as remediation.yaml names it, e.g. --problem-type "Response time degradation"',
    });
  return { source: 'problem-type', title, status: 'open', impactedEntities: [] };
}

/** What identifies the problem across runs (history): its problemId, else its display id; none for a bare type. */
export function problemKey(problem: Problem): string | undefined {
  return problem.problemId ?? problem.displayId;
}

function parseObject(text: string, file: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const offset = findJsonErrorOffset(text);
    const placeholder = placeholderAt(text, offset < 0 ? text.length : offset);
    const at = placeholder?.at ?? (offset < 0 ? text.length : offset);
    const { line, column } = positionOf(text, at);
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${file}:${line}:${column}: not JSON (${reason})`, {
      hint:
        placeholder === undefined
          ? ACCEPTED
          : `${placeholder.name} is a placeholder of the notification template, which Dynatrace fills in when it sends; ${ACCEPTED}`,
    });
  }
  const object = record(value);
  if (object === undefined)
    throw new ConfigError(`${file}: the payload is ${describe(value)}, not a JSON object`, {
      hint: ACCEPTED,
    });
  return object;
}

/** Keptn's template has `{ProblemDetailsJSON}` unquoted: an unfilled template fails inside the first such placeholder. */
function placeholderAt(text: string, offset: number): { name: string; at: number } | undefined {
  for (const match of text.matchAll(/\{[A-Za-z]+\}/g))
    if (match.index <= offset && offset < match.index + match[0].length)
      return { name: match[0], at: match.index };
  return undefined;
}

function looksLikeNotification(payload: Json): boolean {
  return ['ProblemTitle', 'PID', 'ProblemID', 'State'].some((name) => field(payload, name) !== undefined);
}

/** A problem notification's fields (dynatrace-service's DTProblemEvent and what it forwarded). */
function fromNotification(data: Json, file: string, at: string): Problem {
  const state = text(field(data, 'State'));
  if (state === '')
    throw new ConfigError(
      `${file}: ${at}State is missing: the notification does not say whether the problem is open`,
      {
        hint: 'Dynatrace fills {State} (OPEN or RESOLVED) into the payload; ' + ACCEPTED,
      },
    );
  return {
    ...problemFields(data, file, at),
    status: statusOf(state, file, `${at}State`),
    ...targetOf(notificationTarget(data)),
  };
}

/** Keptn routed remediation on data.project/stage/service; the problem is dynatrace-service's forwarded payload. */
function fromRemediationTriggered(data: Json, typeStage: string, file: string): Problem {
  const problem = record(field(data, 'problem'));
  if (problem === undefined)
    throw new ConfigError(`${file}: the remediation.triggered event has no data.problem object`, {
      hint: ACCEPTED,
    });
  const state = text(field(problem, 'State'));
  const url = text(field(problem, 'ProblemURL')) || text(record(data.labels)?.['Problem URL']);
  return {
    ...problemFields(problem, file, 'data.problem.'),
    // Keptn only triggers remediation for open problems; an explicit State still counts.
    status: state === '' ? 'open' : statusOf(state, file, 'data.problem.State'),
    ...(url === '' ? {} : { url }),
    ...targetOf({
      project: text(data.project),
      stage: text(data.stage) || typeStage,
      service: text(data.service),
    }),
  };
}

function problemFields(data: Json, file: string, at: string): Omit<Problem, 'status'> {
  const title = text(field(data, 'ProblemTitle'));
  const rootCause = text(field(data, 'rootCause'));
  if (title === '' && rootCause === '')
    throw new ConfigError(`${file}: ${at}ProblemTitle is missing: the payload names no problem`, {
      hint: 'the title (or a rootCause) is what remediation.yaml problemType is matched against; ' + ACCEPTED,
    });
  // Keptn's template names the details ProblemDetails, Dynatrace's default payload ProblemDetailsJSON
  // (and the link "Problem URL"); the details are Problems API v1 (id, displayName) or v2 shaped.
  const details = record(field(data, 'ProblemDetails')) ?? record(field(data, 'ProblemDetailsJSON'));
  const problemId = [details?.id, details?.problemId, field(data, 'PID')]
    .map(text)
    .find((id) => PROBLEM_ID.test(id));
  const displayId =
    displayIdOf(field(data, 'ProblemID')) ??
    displayIdOf(details?.displayName) ??
    displayIdOf(details?.displayId);
  const url = text(field(data, 'ProblemURL')) || text(field(data, 'Problem URL'));
  return {
    source: 'event-file',
    ...(problemId === undefined ? {} : { problemId }),
    ...(displayId === undefined ? {} : { displayId }),
    title,
    ...(rootCause === '' ? {} : { rootCause }),
    impactedEntities: entitiesOf(field(data, 'ImpactedEntities')),
    ...(url === '' ? {} : { url }),
  };
}

function statusOf(state: string, file: string, at: string): Problem['status'] {
  switch (state.toUpperCase()) {
    case 'OPEN':
      return 'open';
    case 'RESOLVED': // what Dynatrace sends
    case 'CLOSED': // what dynatrace-service forwarded instead
    case 'MERGED': // into another problem, which has notifications of its own
      return 'closed';
    default:
      throw new ConfigError(`${file}: ${at} ${JSON.stringify(state)} is not a problem state`, {
        hint: 'a notification says OPEN, RESOLVED (or CLOSED, MERGED)',
      });
  }
}

/** `P-211117376`; Keptn 0.6 era notifications carry the number alone (ProblemID "746" is P-746). */
function displayIdOf(raw: unknown): string | undefined {
  const id = typeof raw === 'number' && Number.isInteger(raw) ? String(raw) : text(raw);
  if (/^\d+$/.test(id)) return `P-${id}`;
  return /^P-\d+$/i.test(id) ? id.toUpperCase() : undefined;
}

function entitiesOf(raw: unknown): ProblemEntity[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item: unknown) => {
    const entity = record(item);
    const id = text(entity?.entity);
    if (entity === undefined || id === '') return [];
    const type = text(entity.type);
    return [{ id, name: text(entity.name) || id, ...(type === '' ? {} : { type }) }];
  });
}

/**
 * KeptnProject/KeptnStage/KeptnService, replaced by what a forwarded event already resolved
 * (data.project, ...), replaced by the keptn_project/keptn_stage/keptn_service tags, exactly as
 * dynatrace-service's setProjectStageAndServiceFromTags: comma-separated, trimmed, `key:value`.
 */
function notificationTarget(data: Json): Target {
  const target: Record<keyof Target, string> = {
    project: text(field(data, 'KeptnProject')),
    stage: text(field(data, 'KeptnStage')),
    service: text(field(data, 'KeptnService')),
  };
  for (const key of ['project', 'stage', 'service'] as const) {
    const forwarded = text(data[key]);
    if (forwarded !== '') target[key] = forwarded;
  }
  for (const tag of text(field(data, 'Tags')).split(',')) {
    const [key, value] = tag.trim().split(':');
    if (value === undefined) continue;
    if (key === 'keptn_project') target.project = value;
    if (key === 'keptn_stage') target.stage = value;
    if (key === 'keptn_service') target.service = value;
  }
  return target;
}

function targetOf(target: Target): Pick<Problem, 'target'> {
  const named = Object.entries(target).filter(([, value]) => value !== undefined && value !== '');
  return named.length === 0 ? {} : { target: Object.fromEntries(named) };
}

/** The value of `name`, matched exactly first and then case-insensitively, as Go's encoding/json does. */
function field(data: Json, name: string): unknown {
  if (name in data) return data[name];
  const lower = name.toLowerCase();
  const key = Object.keys(data).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : data[key];
}

function text(raw: unknown): string {
  return typeof raw === 'string' ? raw.trim() : '';
}

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
