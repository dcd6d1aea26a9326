/**
 * `tasks: {release: record}`: a task done outside ci-connect (by another job, by a person) that
 * the sequence should still show and record, so `triggeredOn` and `promote` see it happened.
 */

import type { ShipyardTask } from '../../shipyard/types.js';
import type { PlanContext, TaskContext, TaskOutcome, TaskPlan, TaskRunner } from '../types.js';

export class RecordRunner implements TaskRunner {
  readonly name = 'record';

  plan(task: ShipyardTask, _context: PlanContext): TaskPlan {
    return { task: task.name, runner: this.name, description: 'record only', commands: [], files: [] };
  }

  run(_task: ShipyardTask, _context: TaskContext): Promise<TaskOutcome> {
    return Promise.resolve({ result: 'pass', status: 'succeeded', message: 'recorded (nothing to run)' });
  }
}
