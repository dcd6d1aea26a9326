/**
 * A CI pipeline worked out from a shipyard, before it is written for one CI system: the jobs,
 * what each waits for, which need a person's approval, and the sequences left out (and why).
 * Every renderer turns the same plan into its CI's file, so the three agree by construction.
 */

import type { Shipyard, ShipyardTask } from '../shipyard/types.js';

/** The CI systems `generate pipeline` writes for. */
export type PipelineCi = 'gitlab' | 'github' | 'jenkins';

export const PIPELINE_CIS: readonly PipelineCi[] = ['gitlab', 'github', 'jenkins'];

/** The ci-connect command a job runs, through its CI's wrapper. */
export type PipelineCommand = 'trigger-deployment' | 'promote' | 'evaluate';

export interface PipelineJob {
  /** Unique, usable as a job id in every CI: `<stage>-<sequence>-<service>`. */
  id: string;
  stage: string;
  /** The shipyard sequence it runs (`evaluation` for a stage with no sequence of its own). */
  sequence: string;
  service: string;
  command: PipelineCommand;
  /** The ids of the jobs it waits for: the jobs of the sequences its `triggeredOn` names. */
  needs: readonly string[];
  /** The events that start it, as the shipyard writes them (`dev.delivery.finished`). */
  triggeredBy: readonly string[];
  /** promote only: the stage it promotes from, when that is not the stage before it. */
  from?: string;
  /** A person approves the job before it runs: its sequence has an approval task with a manual mode. */
  manualApproval: boolean;
  /** Same-stage sequences trigger-deployment runs in this job when this one ends (a rollback on fail). */
  followUps: readonly string[];
}

/** A sequence of the shipyard that has no job, and why. */
export interface SkippedSequence {
  stage: string;
  sequence: string;
  reason: string;
}

export interface PipelinePlan {
  /** The shipyard file, as the generated file names it (relative to the repository). */
  shipyardFile: string;
  /** The config directory as the jobs name it; undefined for the default `.ci-connect`. */
  configDir?: string;
  /** `--project`, when given; otherwise the CLI reads ci-connect.yaml. */
  project?: string;
  /** The history store every job uses: one that outlives the runner. */
  history: string;
  /** The env vars ci-connect reads (from ci-connect.yaml, defaults where it names none). */
  env: PipelineEnv;
  services: readonly string[];
  /** The shipyard stages in an order where every job comes after the jobs it needs. */
  stageOrder: readonly string[];
  /** In stageOrder, then shipyard order, then service. */
  jobs: readonly PipelineJob[];
  skipped: readonly SkippedSequence[];
}

/** Env var names, sorted: secrets (tokens, passwords) and plain variables (endpoint URLs). */
export interface PipelineEnv {
  secrets: readonly string[];
  variables: readonly string[];
}

/** What a pipeline is planned from. */
export interface PipelinePlanRequest {
  shipyard: Shipyard;
  /** At least one; each gets its own jobs. */
  services: readonly string[];
  history: string;
  /** Default: none. */
  env?: PipelineEnv;
  shipyardFile: string;
  configDir?: string;
  project?: string;
  /** The sequences that start the pipeline (`--sequence`); default as plan-pipeline.ts says. */
  entrySequences?: readonly string[];
  /** Whether a task deploys through Helm (ci-connect.yaml `tasks:`): such stages are promoted. */
  deploysWithHelm: (task: ShipyardTask) => boolean;
}
