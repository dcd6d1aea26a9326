/**
 * The body of a Dynatrace Events API v2 ingest (`EventIngest`), built from what ci-connect knows
 * about the step: project/stage/service/version and the CI job that ran it. Pure: no I/O.
 * https://docs.dynatrace.com/docs/dynatrace-api/environment-api/events-v2/post-event
 */

import { UsageError } from '../errors.js';
import type { CiJobLink } from './ci-link.js';

/** The event types a pipeline step sends (DESIGN.md section 7). */
export const DYNATRACE_EVENT_TYPES = [
  'CUSTOM_DEPLOYMENT',
  'CUSTOM_ANNOTATION',
  'CUSTOM_INFO',
  'CUSTOM_CONFIGURATION',
] as const;
export type DynatraceEventType = (typeof DYNATRACE_EVENT_TYPES)[number];

/** What the event is about. */
export interface EventTarget {
  project: string;
  stage: string;
  service: string;
  version?: string;
}

/** What a caller asks for; the entity selector and title may use $PROJECT, $STAGE, $SERVICE, $VERSION. */
export interface DynatraceEventRequest {
  type: DynatraceEventType;
  title?: string;
  entitySelector?: string;
  /** Extra properties; they override the ones ci-connect adds. */
  properties?: Readonly<Record<string, string>>;
  target: EventTarget;
  link?: CiJobLink;
}

/** The Events API v2 ingest body. */
export interface DynatraceEvent {
  eventType: DynatraceEventType;
  title: string;
  entitySelector: string;
  properties: Record<string, string>;
}

/** Attaches to services tagged with the service name, like the SLI queries' default. */
export const DEFAULT_ENTITY_SELECTOR = 'type(SERVICE),tag(service:$SERVICE)';

// Dynatrace rejects `dt.*` property keys except these namespaces (Events API v2, `properties`).
const ALLOWED_DT_KEY = /^dt\.(event|davis|entity)\./;

/** Builds the ingest body; throws UsageError for a placeholder without a value or a reserved key. */
export function buildDynatraceEvent(request: DynatraceEventRequest): DynatraceEvent {
  const { type, target, link } = request;
  const title = substitutePlaceholders(request.title ?? defaultEventTitle(type, target), target, '--title');
  const entitySelector = substitutePlaceholders(
    request.entitySelector ?? DEFAULT_ENTITY_SELECTOR,
    target,
    '--entity-selector',
  );
  for (const key of Object.keys(request.properties ?? {})) {
    if (key.startsWith('dt.') && !ALLOWED_DT_KEY.test(key))
      throw new UsageError(
        `--property ${key}: Dynatrace rejects dt.* keys outside dt.event.*, dt.davis.*, dt.entity.*`,
        {
          hint: 'rename the property, e.g. without the dt. prefix',
        },
      );
  }
  const properties: Record<string, string | undefined> = {
    project: target.project,
    stage: target.stage,
    service: target.service,
    version: target.version,
    ci: link?.ci,
    ciBackLink: link?.jobUrl,
    ciPipelineUrl: link?.pipelineUrl,
    ...(type === 'CUSTOM_DEPLOYMENT' ? deploymentProperties(title, target, link) : {}),
    ...request.properties,
  };
  return { eventType: type, title, entitySelector, properties: dropBlank(properties) };
}

/** "Deployment of carts 1.4.2 to hardening" and the like. */
export function defaultEventTitle(type: DynatraceEventType, target: EventTarget): string {
  const what = target.version === undefined ? target.service : `${target.service} ${target.version}`;
  switch (type) {
    case 'CUSTOM_DEPLOYMENT':
      return `Deployment of ${what} to ${target.stage}`;
    case 'CUSTOM_ANNOTATION':
      return `Annotation for ${what} in ${target.stage}`;
    case 'CUSTOM_INFO':
      return `Info for ${what} in ${target.stage}`;
    case 'CUSTOM_CONFIGURATION':
      return `Configuration change of ${what} in ${target.stage}`;
  }
}

/** Replaces $PROJECT, $STAGE, $SERVICE and $VERSION; $VERSION without a version is a UsageError. */
export function substitutePlaceholders(text: string, target: EventTarget, flag: string): string {
  return text.replace(/\$(PROJECT|STAGE|SERVICE|VERSION)\b/g, (_match, name: string) => {
    const value = target[name.toLowerCase() as keyof EventTarget];
    if (value === undefined)
      throw new UsageError(`${flag} uses $${name}, but no version was given`, {
        hint: 'give --version (env CI_CONNECT_VERSION)',
      });
    return value;
  });
}

// The release inventory needs name and version; see notes on CUSTOM_DEPLOYMENT semantic properties.
function deploymentProperties(
  title: string,
  target: EventTarget,
  link: CiJobLink | undefined,
): Record<string, string | undefined> {
  return {
    'dt.event.deployment.name': title,
    'dt.event.deployment.version': target.version,
    'dt.event.deployment.project': target.project,
    'dt.event.deployment.release_stage': target.stage,
    'dt.event.deployment.ci_back_link': link?.jobUrl,
  };
}

/** Dynatrace takes strings only; blank values are dropped (as Dynatrace's own CLI does). */
function dropBlank(properties: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties))
    if (value !== undefined && value !== '') out[key] = value;
  return out;
}
