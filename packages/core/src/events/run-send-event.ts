/**
 * `ci-connect send-event` without the CLI: reads ci-connect.yaml (optional) for the project,
 * stage and Dynatrace settings, builds the event with the CI job link, sends it once.
 */

import { loadProjectSettings } from '../config/project-config.js';
import { FALLBACK_NAME } from '../config/project-context.js';
import type { Logger } from '../environment.js';
import { UsageError } from '../errors.js';
import type { HttpClient } from '../http/http-client.js';
import { dynatraceEnvNames, dynatraceSettingsOf } from '../providers/dynatrace/dynatrace-settings.js';
import { PROVIDER_SETTINGS } from '../providers/registry.js';
import type { Redactor } from '../redaction/redaction.js';
import { ciJobLink } from './ci-link.js';
import { buildDynatraceEvent } from './dynatrace-event.js';
import type { DynatraceEvent, DynatraceEventType } from './dynatrace-event.js';
import { sendDynatraceEvent } from './send-dynatrace-event.js';
import type { EventIngestResult } from './send-dynatrace-event.js';

export interface SendEventRequest {
  type: DynatraceEventType;
  /** Default `.ci-connect`; its ci-connect.yaml is optional. */
  configDir: string;
  project?: string;
  stage?: string;
  service?: string;
  version?: string;
  title?: string;
  entitySelector?: string;
  properties?: Readonly<Record<string, string>>;
  /** `--ca-file`: a CA certificate for the Dynatrace API. */
  caFile?: string;
}

export interface SendEventDependencies {
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  redactor: Redactor;
  http?: HttpClient;
}

/** The `--json` result of send-event. */
export interface EventRecord extends DynatraceEvent {
  schemaVersion: 1;
  kind: 'event';
  provider: 'dynatrace';
  reportCount: number;
  results: EventIngestResult[];
}

/** Sends one Dynatrace event for a pipeline step; throws ConfigError, UsageError or ExternalSystemError. */
export async function runSendEvent(
  request: SendEventRequest,
  deps: SendEventDependencies,
): Promise<EventRecord> {
  const { env, logger, redactor } = deps;
  const config = await loadProjectSettings(request.configDir, logger, PROVIDER_SETTINGS, { redactor, env });
  const settings = dynatraceSettingsOf(config.providers);
  // Registered before anything can print: the token may appear in any later message.
  redactor.add(env[dynatraceEnvNames(settings).tokenEnv]?.trim());
  if (request.service === undefined)
    throw new UsageError('send-event needs the service the event is about', {
      hint: 'give --service (env CI_CONNECT_SERVICE)',
    });
  const event = buildDynatraceEvent({
    type: request.type,
    ...(request.title === undefined ? {} : { title: request.title }),
    ...entitySelectorOf(request.entitySelector ?? config.events.dynatrace?.entitySelector),
    ...(request.properties === undefined ? {} : { properties: request.properties }),
    target: {
      project: request.project ?? config.project ?? FALLBACK_NAME,
      stage: request.stage ?? config.defaults.stage ?? FALLBACK_NAME,
      service: request.service,
      ...(request.version === undefined ? {} : { version: request.version }),
    },
    link: ciJobLink(env),
  });
  const outcome = await sendDynatraceEvent(event, {
    ...(settings === undefined ? {} : { settings }),
    env,
    redactor,
    logger,
    ...(deps.http === undefined ? {} : { http: deps.http }),
    ...(request.caFile === undefined ? {} : { caFile: request.caFile }),
  });
  return {
    schemaVersion: 1,
    kind: 'event',
    provider: 'dynatrace',
    ...event,
    reportCount: outcome.reportCount,
    results: outcome.results,
  };
}

function entitySelectorOf(selector: string | undefined): { entitySelector?: string } {
  return selector === undefined ? {} : { entitySelector: selector };
}
