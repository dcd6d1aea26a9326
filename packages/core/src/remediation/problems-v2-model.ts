/**
 * Problems API v2 bodies as remediate reads them: the `Problem` object (GET /problems/{id}, and
 * the items of GET /problems) and the `Problems` page. Fields per the API's documented model:
 * https://docs.dynatrace.com/docs/dynatrace-api/environment-api/problems-v2/problems/get-problem
 * A body of another shape is an ExternalSystemError: the environment (or a proxy) answered
 * something that is not this API.
 */

import { ExternalSystemError } from '../errors.js';
import type { Problem, ProblemEntity } from './types.js';

type Json = Readonly<Record<string, unknown>>;

/** One page of GET /problems. */
export interface ProblemPage {
  problems: readonly unknown[];
  nextPageKey?: string;
}

/**
 * The Problem of an API body. No rootCause: the API's rootCauseEntity is an entity, not a
 * problem type, and Keptn never had one for Dynatrace problems (dynatrace-service sent none),
 * so remediation.yaml is matched against the title, as it was under Keptn.
 */
export function problemOfApi(body: unknown, uiBase: string, where: string): Problem {
  const data = record(body);
  const problemId = text(data?.problemId);
  const title = text(data?.title);
  const status = statusOf(text(data?.status));
  if (data === undefined || problemId === '' || title === '' || status === undefined)
    throw new ExternalSystemError(
      `${where}: the answer is not a Problems API v2 problem (it needs problemId, title and status OPEN or CLOSED)`,
      { hint: 'check that DT_URL is the environment URL, not a proxy or login page' },
    );
  const displayId = text(data.displayId);
  const target = targetOf(data.entityTags);
  return {
    source: 'dynatrace',
    problemId,
    ...(displayId === '' ? {} : { displayId: displayId.toUpperCase() }),
    title,
    status,
    impactedEntities: entitiesOf(data.impactedEntities),
    url: `${uiBase}/#problems/problemdetails;pid=${problemId}`,
    ...(target === undefined ? {} : { target }),
  };
}

/** The problems and the next page's key of a GET /problems answer. */
export function readProblemPage(body: unknown, where: string): ProblemPage {
  const data = record(body);
  if (data === undefined || !Array.isArray(data.problems))
    throw new ExternalSystemError(`${where}: the answer is not a Problems API v2 page (no "problems" list)`, {
      hint: 'check that DT_URL is the environment URL, not a proxy or login page',
    });
  const nextPageKey = text(data.nextPageKey);
  return { problems: data.problems as unknown[], ...(nextPageKey === '' ? {} : { nextPageKey }) };
}

// The documented enum is OPEN/RESOLVED; recorded answers say CLOSED.
function statusOf(status: string): Problem['status'] | undefined {
  if (status === 'OPEN') return 'open';
  if (status === 'CLOSED' || status === 'RESOLVED') return 'closed';
  return undefined;
}

function entitiesOf(raw: unknown): ProblemEntity[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item: unknown) => {
    const entityId = record(record(item)?.entityId);
    const id = text(entityId?.id);
    if (id === '') return [];
    const type = text(entityId?.type);
    return [{ id, name: text(record(item)?.name) || id, ...(type === '' ? {} : { type }) }];
  });
}

/** keptn_project / keptn_stage / keptn_service tags of the affected entities, as the notification's Tags carried them. */
function targetOf(raw: unknown): Problem['target'] {
  if (!Array.isArray(raw)) return undefined;
  const target: Record<string, string> = {};
  for (const item of raw) {
    const tag = record(item);
    const value = text(tag?.value);
    const key = text(tag?.key);
    if (value === '') continue;
    if (key === 'keptn_project') target.project = value;
    if (key === 'keptn_stage') target.stage = value;
    if (key === 'keptn_service') target.service = value;
  }
  return Object.keys(target).length === 0 ? undefined : target;
}

function text(raw: unknown): string {
  return typeof raw === 'string' ? raw.trim() : '';
}

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}
