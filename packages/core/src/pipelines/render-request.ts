/** What every renderer is given: the plan, and the command line that regenerates the file. */

import { DEFAULT_SEQUENCE } from '../shipyard/sequence-plan.js';
import type { PipelineJob, PipelinePlan } from './types.js';

export interface RenderRequest {
  plan: PipelinePlan;
  /** E.g. `ci-connect generate pipeline --ci gitlab --service carts`; written into the header. */
  command: string;
}

/** True when the job's command runs the sequence it would run without `--sequence`. */
export function isDefaultSequence(job: PipelineJob): boolean {
  return job.command === 'evaluate' || job.sequence === DEFAULT_SEQUENCE;
}
