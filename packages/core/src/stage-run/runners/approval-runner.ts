/**
 * The `approval` task, as Keptn's approval-service decided (keptn-spec.md 3.1): the result to
 * approve is the previous task's (or, for an approval that opens a stage, the triggering stage's);
 * a fail is never approved; a pass or warning is approved automatically when the shipyard says
 * `automatic` for it, and otherwise waits for a person (a missing property means manual, as in
 * Keptn). In CI a person approves by running the job with `--approved-by NAME` (e.g. a GitLab
 * `when: manual` job); without it the run stops as `waiting` and the CLI exits 5.
 */

import type { SequenceResult, ShipyardTask } from '../../shipyard/types.js';
import type {
  CheckContext,
  PlanContext,
  TaskCheck,
  TaskContext,
  TaskOutcome,
  TaskPlan,
  TaskRunner,
} from '../types.js';

/** The `approval` history record. */
export interface ApprovalRecord {
  schemaVersion: 1;
  id: string;
  kind: 'approval';
  project: string;
  stage: string;
  service: string;
  version: string;
  sequenceRunId: string;
  /** The result that was up for approval. */
  approvedResult: SequenceResult;
  mode: 'automatic' | 'manual';
  approvedBy?: string;
  approvedAt: string;
  invalidated: false;
}

export class ApprovalRunner implements TaskRunner {
  readonly name = 'approve';

  constructor(private readonly newId: () => string) {}

  plan(task: ShipyardTask, _context: PlanContext): TaskPlan {
    const { pass, warning } = modes(task);
    return {
      task: task.name,
      runner: this.name,
      description: `approve the result: pass ${pass}, warning ${warning}, fail never`,
      commands: [],
      files: [],
    };
  }

  /** Before the run: what a manual approval will need, so nobody learns it after the deployment. */
  check(task: ShipyardTask, context: CheckContext): TaskCheck {
    const { pass, warning } = modes(task);
    const manual = [pass === 'manual' ? 'pass' : '', warning === 'manual' ? 'warning' : ''].filter(Boolean);
    if (manual.length === 0)
      return {
        notes: [
          `pass and warning are approved automatically${context.approvedBy === undefined ? '' : ' (--approved-by is not needed)'}`,
        ],
      };
    const results = `a ${manual.join(' or ')} result`;
    return {
      notes: [
        context.approvedBy === undefined
          ? `${results} needs a manual approval: without --approved-by NAME the run stops here (exit 5) and runs no task after it`
          : `${results} is approved by ${context.approvedBy} (--approved-by)`,
      ],
    };
  }

  async run(task: ShipyardTask, context: TaskContext): Promise<TaskOutcome> {
    const toApprove = resultToApprove(context);
    if (toApprove === 'fail')
      return { result: 'fail', status: 'succeeded', message: 'a failed result is never approved' };
    const mode = modes(task)[toApprove];
    if (mode === 'manual' && context.approvedBy === undefined) {
      return {
        result: toApprove,
        status: 'waiting',
        message:
          `manual approval required for ${context.service} ${context.version} in ${context.stage} ` +
          `(result ${toApprove}; ${toApprove}: manual); run again with --approved-by NAME to approve`,
        details: { approvedResult: toApprove, mode },
      };
    }
    const record: ApprovalRecord = {
      schemaVersion: 1,
      id: this.newId(),
      kind: 'approval',
      project: context.project,
      stage: context.stage,
      service: context.service,
      version: context.version,
      sequenceRunId: context.runId,
      approvedResult: toApprove,
      mode,
      ...(mode === 'manual' && context.approvedBy !== undefined ? { approvedBy: context.approvedBy } : {}),
      approvedAt: context.clock.now().toISOString(),
      invalidated: false,
    };
    await context.history.append(record);
    const by = record.approvedBy === undefined ? 'automatically' : `by ${record.approvedBy}`;
    return {
      result: 'pass',
      status: 'succeeded',
      message: `${toApprove} approved ${by}`,
      details: { approvalId: record.id, approvedResult: toApprove, mode, ...pick(record) },
    };
  }
}

/** Missing properties mean manual (Keptn's approval-service, whatever its docs said). */
function modes(task: ShipyardTask): { pass: 'automatic' | 'manual'; warning: 'automatic' | 'manual' } {
  return task.approval ?? { pass: 'manual', warning: 'manual' };
}

function resultToApprove(context: TaskContext): SequenceResult {
  const last = context.previous.at(-1);
  return last?.result ?? context.triggeringResult ?? 'pass';
}

function pick(record: ApprovalRecord): { approvedBy?: string } {
  return record.approvedBy === undefined ? {} : { approvedBy: record.approvedBy };
}
