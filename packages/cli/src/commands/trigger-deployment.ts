import * as Flags from '@oclif/core/flags';
import { triggerDeployment, type SequenceRunRecord, type StagePlan } from '@ci-connect/core';
import { BaseCommand } from '../base-command.js';
import { caFileFlag, gateFlags, historyFlag, projectFlags } from '../flags.js';
import { renderPlan, renderPlanProblems, renderRuns } from '../output/stage-run-text.js';
import { stageRequestFlags, stageRunFlags, stageRunOptions } from '../stage-run-flags.js';
import { withStageRunTools } from '../stage-run-tools.js';

export default class TriggerDeployment extends BaseCommand {
  static override summary =
    "Run a stage's sequence from the shipyard: deploy, test, evaluate, approve, release";
  static override description = `Runs the shipyard's sequence (default delivery) for one service and version in one stage (default:
the first), task by task: deployment and release through Helm, test through JMeter, evaluation through the
quality gate, approval, and any other task through a command from tasks: in ci-connect.yaml. It stops at
the first failed task; if the shipyard starts another sequence of the stage when this one fails (a
rollback), that runs next in the same job. A stage triggered by another stage's sequence
(triggeredOn) runs only for a version whose run there is recorded in history with a matching result.
Exits 0 (pass or warning), 1 (a task failed), 2 (configuration, or triggeredOn not met), 3 (a system was
unreachable), 4 (warning with --on-warning warn), 5 (manual approval required), 130/143 (stopped).`;

  static override examples = [
    '<%= config.bin %> trigger-deployment --service carts --version 1.4.2 --image registry/carts:1.4.2',
    '<%= config.bin %> trigger-deployment --stage production --version 1.4.2 --approved-by "$GITLAB_USER_LOGIN"',
    '<%= config.bin %> trigger-deployment --stage hardening --version 1.4.2 --dry-run',
  ];

  static override flags = {
    ...projectFlags,
    ...historyFlag,
    ...gateFlags,
    ...caFileFlag,
    version: Flags.string({
      description: 'the version to deploy and record',
      env: 'CI_CONNECT_VERSION',
      required: true,
    }),
    ...stageRunFlags,
  };

  async run(): Promise<SequenceRunRecord[] | StagePlan> {
    const { flags } = await this.parse(TriggerDeployment);
    const request = { ...stageRequestFlags(flags), stage: flags.stage };
    return withStageRunTools(this.logger, this.redactor, async ({ logger, listener, signal }) => {
      const outcome = await triggerDeployment(request, stageRunOptions(flags, listener), {
        ...this.host(signal),
        logger,
      });
      if (outcome.kind === 'plan') {
        if (!this.jsonEnabled()) this.writeResult(renderPlan(outcome.plan));
        else this.writeDiagnostic(renderPlanProblems(outcome.plan));
        this.setExitCode(outcome.exitCode);
        return outcome.plan;
      }
      if (!this.jsonEnabled()) this.writeResult(renderRuns(outcome.runs, outcome.evaluations, this.palette));
      if (outcome.reports.length > 0) logger.info(`reports written: ${outcome.reports.join(', ')}`);
      this.setExitCode(outcome.exitCode);
      return outcome.runs;
    });
  }
}
