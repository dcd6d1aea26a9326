/**
 * Where CloudEvents go (`events.cloudevents.sink`). Sending is best effort: an event that cannot
 * be delivered never fails the stage run. `send` logs the warning and returns it, and the caller
 * decides what else to do (e.g. note it in the run's record).
 */

import type { KeptnCloudEvent } from './types.js';

/** What became of one event. */
export type SinkDelivery =
  | { delivered: true }
  | {
      delivered: false;
      /** The warning that was logged; never holds a token. */
      warning: string;
      /** True when the event may have arrived all the same (e.g. a timeout after sending it). */
      mayHaveArrived: boolean;
    };

/** A destination for CloudEvents. */
export interface CloudEventSink {
  /** Where the events go, fit to print (no credentials, no query). */
  readonly target: string;
  /** Delivers one event; never throws. */
  send(event: KeptnCloudEvent): Promise<SinkDelivery>;
}

/** Names an event in messages: its type and id, which a receiver can look up. */
export function describeEvent(event: KeptnCloudEvent): string {
  return `${event.type} (id ${event.id})`;
}
