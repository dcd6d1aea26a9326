import type { SliValue } from '../gate/types.js';

/** The time window an evaluation looks at. */
export interface TimeWindow {
  start: Date;
  end: Date;
}

/** What a provider knows about the evaluation it fetches values for (used for placeholders). */
export interface SliContext {
  project: string;
  stage: string;
  service: string;
  labels: Readonly<Record<string, string>>;
  /** The SLO file's `filter` map. */
  filter: Readonly<Record<string, string>>;
  window: TimeWindow;
  /** The stage run the evaluation is a task of; absent for `evaluate` on its own. */
  run?: SliRunContext;
}

/** What a stage run tells its evaluation's SLIs (Keptn's `$CONTEXT`, `$TESTSTRATEGY`). */
export interface SliRunContext {
  /** The sequence run's id (its history record). */
  id: string;
  /** The `teststrategy` of the test task that ran before the evaluation, if any. */
  testStrategy?: string;
}

/** Where an indicator is defined: in an SLI file, or as one of the provider's built-in defaults. */
export interface IndicatorDefinition {
  name: string;
  /** The provider's query text, as written in the SLI file (or the default). */
  query: string;
  /**
   * `fallback`: a built-in used only where no other provider defines the name, even built in
   * (Dynatrace's Keptn defaults: a project that sends events to Dynatrace keeps Prometheus' or a
   * results file's indicators); `unconfigured`: a provider's built-in that cannot run as
   * configured; ranks last.
   */
  origin: 'file' | 'default' | 'fallback' | 'values' | 'unconfigured';
  /** The SLI file it came from, for error messages; absent for defaults. */
  file?: string;
}

/**
 * A source of SLI values (static values, a JMeter results file, Prometheus, Dynatrace, ...).
 * Providers are built per evaluation from their configuration. `fetch` reports one SLI's
 * failure in that SLI's value, so the gate can score the rest; it throws (a CiConnectError)
 * only when the source as a whole cannot be used as given: a damaged results file, a missing
 * `--jtl`.
 */
export interface SliProvider {
  readonly name: string;
  /** The indicators this provider can answer. */
  readonly indicators: readonly IndicatorDefinition[];
  /** Values for the named indicators (each one of `indicators`), in the same order. */
  fetch(names: readonly string[], context: SliContext): Promise<SliValue[]>;
  /**
   * Throws the error `fetch` would throw at once for a setup that cannot work (an endpoint or
   * token env var not set, no results file), without asking anything: a stage run's check.
   */
  checkConfigured?(names: readonly string[]): void;
  /** For providers whose data carries its own time span (a JMeter results file); null if empty. */

  timeSpan?(): Promise<TimeWindow | null>;
}
