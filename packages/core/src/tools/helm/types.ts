/**
 * The Helm runner's vocabulary: what a shipyard task asks of Helm, and what each step reports.
 * The deployment strategies and task names are Keptn's (shipyard spec.keptn.sh/0.2.x).
 */

import type { DeploymentStrategy } from '../../shipyard/types.js';

/** The shipyard tasks that go through Helm. */
export type HelmAction = 'deployment' | 'release' | 'rollback';

export type BlueGreenColor = 'blue' | 'green';

/** One service in one stage, as the caller resolved it from the config directory. */
export interface HelmTarget {
  /** Optional, as in ci-connect.yaml; it prefixes the default namespace and release name. */
  project?: string;
  stage: string;
  service: string;
  strategy: DeploymentStrategy;
  /** The service's chart directory (`base/<service>/helm`, or the stage's replacement). */
  chartDir: string;
  /** Values files, lowest precedence first: the base values, then the stage overlay. */
  valuesFiles: readonly string[];
  /** Set as the chart value `image` (Keptn's convention: the full reference with its tag). */
  image?: string;
  /** Set as the chart value `version`. */
  version?: string;
  /** Overrides the default release name (blue/green: the base of the three release names). */
  releaseName?: string;
  /** Overrides the default namespace `<project>-<stage>`. */
  namespace?: string;
  /** Helm's own `--timeout` for waiting on resources. Default 300. */
  timeoutSeconds?: number;
}

/** What the cluster held before a step, as far as the step needed to know. */
export interface BlueGreenState {
  /** The colour the stable Service routes to; null before the first blue/green deployment. */
  activeColor: BlueGreenColor | null;
  /** The last colour a `release` task confirmed; rollback returns traffic to it. */
  releasedColor: BlueGreenColor | null;
}

/** The outcome of one Helm step. A failed deployment is a result (exit 1), not an exception. */
export interface HelmStepResult {
  status: 'succeeded' | 'failed';
  action: HelmAction;
  strategy: DeploymentStrategy;
  /** The release that was changed (blue/green: the colour or switch release); null for user_managed. */
  release: string | null;
  namespace: string | null;
  /** The release's revision after a successful upgrade or rollback, when Helm printed it. */
  revision?: number;
  /** One line for the user: what happened, or Helm's own error message. */
  message: string;
  /** Every Helm command run (or, in a plan, to be run), in order; reads included. */
  commands: (readonly string[])[];
  durationMs: number;
  /** Blue/green only: traffic before and after the step, and the colour that was deployed. */
  blueGreen?: { before: BlueGreenState; after: BlueGreenState; deployedColor?: BlueGreenColor };
}

/** The release a remediation's `scaling` action scales (docs/remediation.md). */
export interface HelmScaleTarget {
  release: string;
  namespace: string;
  /** The chart the release is upgraded with (its values are reused). */
  chartDir: string;
  timeoutSeconds?: number;
}

/** What scaling did; `from` and `to` are the replica counts when it succeeded. */
export interface HelmScaleResult {
  status: 'succeeded' | 'failed';
  message: string;
  commands: (readonly string[])[];
  from?: number;
  to?: number;
}
