/**
 * What a stage run tells other tools while it runs (DESIGN.md section 7, issue 4): every sequence
 * and task as Keptn-style CloudEvents to `events.cloudevents.sink`, and, where Dynatrace events
 * are on, a CUSTOM_DEPLOYMENT after a deployment and a CUSTOM_ANNOTATION at a test's start and
 * end. The evaluation task sends its own CUSTOM_INFO (runEvaluation), so nothing here repeats it.
 * All of it is best effort: a failure is a warning and never changes the run's result.
 */

import { randomUUID } from 'node:crypto';
import type { ProjectConfig } from '../config/project-config.js';
import type { Clock, Logger } from '../environment.js';
import { openCloudEventSink } from '../events/cloudevents/open-sink.js';
import type { CloudEventSink } from '../events/cloudevents/sink.js';
import { dynatraceEnvNames, dynatraceSettingsOf } from '../providers/dynatrace/dynatrace-settings.js';
import { createProcessRedactor } from '../redaction/credential-sources.js';
import type { Redactor } from '../redaction/redaction.js';
import { createCloudEventListener } from './stage-cloudevents.js';
import { createDynatraceStageListener } from './stage-dynatrace-events.js';
import type { StageRunListener } from './run-sequence.js';

/** How a front end wants stage events sent; the project's `events:` says where. */
export interface StageEventOptions {
  /** The front end's redactor: tokens read here are registered, so its output stays clean. */
  redactor?: Redactor;
  /** `--[no-]dynatrace-event`: overrides `events.dynatrace.enabled`, as it does for the evaluation. */
  dynatraceEvent?: boolean;
  /** `--ca-file`: a CA certificate for the Dynatrace API and an https sink. */
  caFile?: string;
}

export interface StageEventDependencies extends StageEventOptions {
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  logger: Logger;
  newId?: () => string;
}

/**
 * The listener that sends the events the project asks for, or undefined when it asks for none.
 * Opens the CloudEvents sink now, so a sink that cannot work is a ConfigError before anything runs.
 */
export function createStageEventListener(
  config: ProjectConfig,
  deps: StageEventDependencies,
): StageRunListener | undefined {
  const redactor = deps.redactor ?? createProcessRedactor(deps.env);
  const listeners: StageRunListener[] = [];
  const cloudevents = config.events.cloudevents;
  if (cloudevents !== undefined) {
    const sink = openCloudEventSink(cloudevents, {
      env: deps.env,
      logger: deps.logger,
      redactor,
      baseDir: config.root,
      ...(deps.caFile === undefined ? {} : { caFile: deps.caFile }),
    });
    listeners.push(
      createCloudEventListener(redactedSink(sink, redactor), {
        env: deps.env,
        clock: deps.clock,
        newId: deps.newId ?? randomUUID,
      }),
    );
  }
  if (deps.dynatraceEvent ?? config.events.dynatrace?.enabled === true) {
    const settings = dynatraceSettingsOf(config.providers);
    // Registered before anything is sent: a refused request may echo the token back.
    redactor.add(deps.env[dynatraceEnvNames(settings).tokenEnv]?.trim());
    listeners.push(
      createDynatraceStageListener({
        ...(settings === undefined ? {} : { settings }),
        ...(config.events.dynatrace?.entitySelector === undefined
          ? {}
          : { entitySelector: config.events.dynatrace.entitySelector }),
        env: deps.env,
        logger: deps.logger,
        redactor,
        ...(deps.caFile === undefined ? {} : { caFile: deps.caFile }),
      }),
    );
  }
  return listeners.length === 0 ? undefined : combineListeners(...listeners);
}

/**
 * One listener that calls each of `listeners` in order. Every one is called even when an earlier
 * one throws; the errors are rethrown together afterwards, for the run's warning.
 */
export function combineListeners(...listeners: readonly (StageRunListener | undefined)[]): StageRunListener {
  const present = listeners.filter((listener) => listener !== undefined);
  const each = async (call: (listener: StageRunListener) => Promise<void> | void): Promise<void> => {
    const errors: unknown[] = [];
    for (const listener of present) {
      try {
        await call(listener);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new Error(errors.map((e) => (e as Error).message).join('; '));
  };
  return {
    sequenceStarted: (input, runId) => each((l) => l.sequenceStarted?.(input, runId)),
    taskStarted: (task, runner, context) => each((l) => l.taskStarted?.(task, runner, context)),
    taskFinished: (task, result, context) => each((l) => l.taskFinished?.(task, result, context)),
    sequenceFinished: (record) => each((l) => l.sequenceFinished?.(record)),
  };
}

/** A task's message may quote a command's output; a token in it must not reach the sink. */
function redactedSink(sink: CloudEventSink, redactor: Redactor): CloudEventSink {
  return {
    target: sink.target,
    send: (event) => sink.send(redactor.redactJson(event)),
  };
}
