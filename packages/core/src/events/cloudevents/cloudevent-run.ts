/**
 * The shared part of one sequence run's events: its Keptn context id and the events' source.
 * Ids and times come from injected functions, so the builders stay pure and tests exact.
 */

import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../environment.js';
import { ciJobLink } from '../ci-link.js';
import type { CloudEventRun } from './types.js';

/** The source outside a CI system we recognise. */
export const DEFAULT_SOURCE = 'ci-connect';

export interface CloudEventRunOptions {
  env: Readonly<Record<string, string | undefined>>;
  clock?: Clock;
  newId?: () => string;
  /** Continue an existing context (e.g. a run triggered by another one); a new uuid by default. */
  keptnContext?: string;
}

/**
 * Starts the events of one sequence run. The source is the CI job's URL when the job is known:
 * CloudEvents defines `source` as the context the event happened in, and the job page is where
 * a subscriber finds out more; otherwise it is `ci-connect`, as Keptn's services named themselves.
 */
export function createCloudEventRun(options: CloudEventRunOptions): CloudEventRun {
  const newId = options.newId ?? randomUUID;
  return {
    keptnContext: options.keptnContext ?? newId(),
    source: ciJobLink(options.env)?.jobUrl ?? DEFAULT_SOURCE,
    clock: options.clock ?? systemClock,
    newId,
  };
}
