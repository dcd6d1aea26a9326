/**
 * What the registry (registry.ts) knows of each SLI provider configured by a file. A module of
 * its own, so each provider's definition can name the type without importing the registry that
 * imports it.
 */

import type { Clock, Logger } from '../environment.js';
import type { ProjectSurvey } from '../doctor/project-survey.js';
import type { CheckResult, DoctorDependencies } from '../doctor/types.js';
import type { ProviderSettingsDefinition, ProviderSettingsMap } from '../config/provider-settings.js';
import type { Redactor } from '../redaction/redaction.js';
import type { QueryChecker, SliFile } from '../config/sli-file.js';
import type { TargetChecker } from '../config/target-units.js';
import type { SliProvider } from './provider.js';

/** What an evaluation offers a provider to build itself from. */
export interface ProviderInput {
  /** The provider's SLI file (`sli/<name>.yaml` or `--sli name=FILE`), when there is one. */
  sliFile?: SliFile;
  jtlFile?: string;
  /**
   * How this run gets a results file, for the message when it has none: by default `--jtl`; a
   * stage run's evaluation gets one from a test task before it.
   */
  resultsFileHint?: string;
  /** ci-connect.yaml `providers:` (each provider reads its own key, with `settingsOf`). */
  settings: ProviderSettingsMap;
  /** The process environment: endpoints and tokens come from env vars named in the settings. */
  env: Readonly<Record<string, string | undefined>>;
  /** Every secret a provider reads must be registered here, so no output can carry it. */
  redactor: Redactor;
  clock: Clock;
  logger: Logger;
  /** `--ca-file`: a CA certificate to trust besides Node's (TLS verification stays on). */
  caFile?: string;
}

/** What `ci-connect doctor` runs for one provider: does what a gate would use work? Problems are its result. */
export type ProviderDoctorCheck = (survey: ProjectSurvey, deps: DoctorDependencies) => Promise<CheckResult>;

/** A provider configured by an SLI file named after it (DESIGN.md section 3: `sli/<provider>.yaml`). */
export interface SliProviderDefinition {
  name: string;
  /** Its ci-connect.yaml `providers.<name>`: schema, reading, env-var defaults (`key` is `name`). */
  settings: ProviderSettingsDefinition;
  /**
   * Whether its data lags, so that a gate waits after the window's end before querying it: for
   * `settleSeconds` in its settings (its own default when absent), which `--settle` sets.
   */
  settles: boolean;
  /** Its doctor check, named after it; null when there is nothing to check before a run (say why). */
  doctorCheck: ProviderDoctorCheck | null;
  /** Its user documentation: a page of docs/, optionally with `#anchor` (registries.test.ts checks it). */
  docs: string;
  /** Indicators it answers without an SLI file (contract for jmeter, Keptn's defaults for prometheus). */
  builtInIndicators: readonly string[];
  /** Checks one query of its SLI file, so `validate` reports bad queries at file:line. */
  checkQuery?: QueryChecker;
  /** Checks a fixed SLO target against one of its queries (e.g. its unit), so `validate` warns. */
  checkTarget?: TargetChecker;
  /**
   * Whether, without an SLI file, its built-in indicators are on offer (e.g. Prometheus only
   * when a server is configured). Default: they are.
   */
  offersBuiltIns?(input: ProviderInput): boolean;
  create(input: ProviderInput): SliProvider;
}
