import * as Flags from '@oclif/core/flags';
import {
  promoteRelease,
  type DeploymentRecord,
  type PromotePlan,
  type SequenceRunRecord,
} from '@ci-connect/core';
import { BaseCommand } from '../base-command.js';
import { caFileFlag, gateFlags, historyFlag, projectFlags } from '../flags.js';
import { renderPlan, renderPlanProblems, renderRuns } from '../output/stage-run-text.js';
import { stageRequestFlags, stageRunFlags, stageRunOptions } from '../stage-run-flags.js';
import { withStageRunTools } from '../stage-run-tools.js';

const { stage: _stage, ...projectFlagsButStage } = projectFlags;

export default class Promote extends BaseCommand {
  static override summary =
    'Deploy a version that passed an earlier stage to the next one, exactly as recorded';
  static override description = `Finds the release manifest of the version in the stage before --to (or --from): the newest
deployment recorded there whose sequence run passed (pass or warning). It checks the chart and values out
of the commit that deployment recorded, without touching the working tree, verifies their digests, and
runs --to's sequence with them: the chart as it was then, not as it is now, and --to's own values.yaml
from the same commit. The new deployment record names the one it was promoted from (promotedFrom).
Refuses (exit 2) a version with no such deployment, a deployment made outside git or with uncommitted
changes, and files whose digests do not match. Otherwise exits like trigger-deployment.`;

  static override examples = [
    '<%= config.bin %> promote --service carts --version 1.4.2 --to production',
    '<%= config.bin %> promote --version 1.4.2 --from hardening --to production --approved-by "$GITLAB_USER_LOGIN"',
    '<%= config.bin %> promote --version 1.4.2 --to production --dry-run',
  ];

  static override flags = {
    // No --stage: --to and --from name the stages (a pipeline-wide CI_CONNECT_STAGE must not interfere).
    ...projectFlagsButStage,
    ...historyFlag,
    ...gateFlags,
    ...caFileFlag,
    version: Flags.string({
      description: 'the version to promote',
      env: 'CI_CONNECT_VERSION',
      required: true,
    }),
    to: Flags.string({
      description: 'the stage to deploy to',
      env: 'CI_CONNECT_TO_STAGE',
      required: true,
    }),
    from: Flags.string({
      description:
        "the stage whose deployment is promoted (default: the one before --to in the shipyard's order)",
      env: 'CI_CONNECT_FROM_STAGE',
    }),
    ...stageRunFlags,
    image: Flags.string({
      description: 'the image to deploy (default: the image the promoted deployment recorded)',
      env: 'CI_CONNECT_IMAGE',
    }),
  };

  async run(): Promise<PromoteResult | PromotePlan> {
    const { flags } = await this.parse(Promote);
    const request = { ...stageRequestFlags(flags), to: flags.to, from: flags.from };
    return withStageRunTools(this.logger, this.redactor, async ({ logger, listener, signal }) => {
      const outcome = await promoteRelease(request, stageRunOptions(flags, listener), {
        ...this.host(signal),
        logger,
      });
      if (outcome.kind === 'plan') {
        if (!this.jsonEnabled())
          this.writeResult(`${renderSource(outcome.plan.source)}${renderPlan(outcome.plan)}`);
        else this.writeDiagnostic(renderPlanProblems(outcome.plan));
        this.setExitCode(outcome.exitCode);
        return outcome.plan;
      }
      const { runs, source } = outcome;
      if (!this.jsonEnabled())
        this.writeResult(`${renderSource(source)}${renderRuns(runs, outcome.evaluations, this.palette)}`);
      if (outcome.reports.length > 0) logger.info(`reports written: ${outcome.reports.join(', ')}`);
      this.setExitCode(outcome.exitCode);
      return { source, runs };
    });
  }
}

/** `--json`: the deployment that was promoted, and the target stage's sequence runs. */
interface PromoteResult {
  source: DeploymentRecord;
  runs: SequenceRunRecord[];
}

function renderSource(source: DeploymentRecord): string {
  return (
    `promoting ${source.service} ${source.version} from ${source.stage}: deployment ${source.id} of ${source.deployedAt}\n` +
    `  commit ${source.gitCommit ?? ''}, chart ${source.chart?.path ?? ''} ${source.chart?.digest ?? ''}\n`
  );
}
