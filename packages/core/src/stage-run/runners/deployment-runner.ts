/**
 * The `deployment`, `release` and `rollback` tasks through Helm (tools/helm, docs/helm.md):
 * the service's chart (stage overlay's `helm/` over base's), the stage's `values.yaml` over the
 * chart's values, then image and version. A successful deployment records its release manifest.
 * `release` and `rollback` have no strategy of their own in a shipyard: they take the one of the
 * stage's deployment task.
 */

import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { HelmSettings } from '../../config/project-config.js';
import type { HelmRunner } from '../../tools/helm/helm-runner.js';
import type { HelmAction, HelmTarget } from '../../tools/helm/types.js';
import type { ProcessRunner } from '../../tools/process.js';
import type { DeploymentStrategy, ShipyardTask } from '../../shipyard/types.js';
import { ConfigError } from '../../errors.js';
import { collectProblems, notFound } from '../preflight.js';
import type {
  CheckContext,
  PlanContext,
  TaskCheck,
  TaskContext,
  TaskOutcome,
  TaskPlan,
  TaskRunner,
} from '../types.js';
import {
  digestDirectory,
  digestFile,
  gitState,
  type DeploymentRecord,
  type PromotedRelease,
} from './release-manifest.js';
import { serviceFile } from './service-file.js';

export interface DeploymentRunnerOptions {
  helm: HelmRunner;
  /** The strategy of the stage's deployment task, for release and rollback. */
  stageStrategy: DeploymentStrategy;
  /** ci-connect.yaml `helm:` (namespace and release templates, timeout). */
  settings?: HelmSettings;
  /** promote: the chart and stage values of a recorded commit instead of the config directory's. */
  promotion?: PromotedRelease;
  runProcess: ProcessRunner;
  newId: () => string;
}

const ACTIONS: Readonly<Record<string, HelmAction>> = {
  deployment: 'deployment',
  release: 'release',
  rollback: 'rollback',
};

export class DeploymentRunner implements TaskRunner {
  readonly name = 'helm';

  constructor(private readonly options: DeploymentRunnerOptions) {}

  async plan(task: ShipyardTask, context: PlanContext): Promise<TaskPlan> {
    const target = this.target(task, context);
    const plan = await this.options.helm.planStep(actionOf(task), target);
    return {
      task: task.name,
      runner: this.name,
      description: plan.description,
      commands: plan.commands,
      files: [target.chartDir, ...target.valuesFiles],
    };
  }

  /** Before the run: a deployment through Helm has a chart to deploy, and helm is there to run. */
  async check(task: ShipyardTask, context: CheckContext): Promise<TaskCheck> {
    const target = this.target(task, context);
    const action = actionOf(task);
    const problems = await collectProblems([
      () => {
        if (action === 'deployment' && target.strategy !== 'user_managed') requireChart(target, context);
      },
      async () => {
        const { helm } = this.options;
        if (!helm.runsHelm(action, target) || (await context.locate(helm.binary)) !== undefined) return;
        throw new ConfigError(notFound(helm.binary), { hint: helm.notFoundHint() });
      },
    ]);
    return { problems };
  }

  async run(task: ShipyardTask, context: TaskContext): Promise<TaskOutcome> {
    const target = this.target(task, context);
    const action = actionOf(task);
    const step = await this.options.helm.runStep(action, target);
    const details: Record<string, unknown> = {
      strategy: step.strategy,
      release: step.release,
      namespace: step.namespace,
      ...(step.revision === undefined ? {} : { revision: step.revision }),
    };
    if (step.status !== 'succeeded')
      return {
        result: 'fail',
        status: context.signal.aborted ? 'aborted' : 'succeeded',
        message: step.message,
        details,
      };
    if (action === 'deployment') {
      const manifest = await this.manifest(target, step, context);
      await context.history.append(manifest);
      details.deploymentId = manifest.id;
      if (manifest.gitCommit !== undefined) details.gitCommit = manifest.gitCommit;
    }
    return { result: 'pass', status: 'succeeded', message: step.message, details };
  }

  private target(task: ShipyardTask, context: PlanContext): HelmTarget {
    const where = { configDir: context.configDir, stage: context.stage, service: context.service };
    const promotion = this.options.promotion;
    const chartDir = promotion?.chartDir ?? serviceFile(where, 'helm');
    const stageValues =
      promotion === undefined
        ? join(context.configDir, 'stages', context.stage, context.service, 'values.yaml')
        : promotion.stageValuesFile;
    // Lowest precedence first: the chart's values file, then the stage's (docs/helm.md).
    const valuesFiles = [
      join(chartDir, 'values.yaml'),
      ...(stageValues === undefined ? [] : [stageValues]),
    ].filter((file) => existsSync(file));
    return {
      project: context.project,
      stage: context.stage,
      service: context.service,
      strategy: task.deploymentStrategy ?? this.options.stageStrategy,
      chartDir,
      valuesFiles,
      ...(context.image === undefined ? {} : { image: context.image }),
      version: context.version,
      ...helmNames(this.options.settings, context),
      ...(this.options.settings?.timeoutSeconds === undefined
        ? {}
        : { timeoutSeconds: this.options.settings.timeoutSeconds }),
    };
  }

  private async manifest(
    target: HelmTarget,
    step: { release: string | null; namespace: string | null; revision?: number },
    context: TaskContext,
  ): Promise<DeploymentRecord> {
    const managed = target.strategy !== 'user_managed' && existsSync(target.chartDir);
    const files = [...(managed ? [target.chartDir] : []), ...target.valuesFiles];
    const promotion = this.options.promotion;
    // A promotion deploys files of a clean recorded commit, checked out in the repository's layout.
    const git =
      promotion === undefined
        ? await gitState(context.configDir, files, this.options.runProcess)
        : { root: promotion.treeDir, commit: promotion.gitCommit, dirty: false };
    const base = git?.root ?? context.configDir;
    return {
      schemaVersion: 1,
      id: this.options.newId(),
      kind: 'deployment',
      project: context.project,
      stage: context.stage,
      service: context.service,
      version: context.version,
      ...(context.image === undefined ? {} : { image: context.image }),
      strategy: target.strategy,
      release: step.release,
      namespace: step.namespace,
      ...(step.revision === undefined ? {} : { revision: step.revision }),
      sequenceRunId: context.runId,
      ...(git === undefined ? {} : { gitCommit: git.commit, gitDirty: git.dirty }),
      ...(managed
        ? { chart: { path: relative(base, target.chartDir), digest: await digestDirectory(target.chartDir) } }
        : {}),
      values: await Promise.all(
        target.valuesFiles.map(async (file) => ({
          path: relative(base, file),
          digest: await digestFile(file),
        })),
      ),
      deployedAt: context.clock.now().toISOString(),
      ...(promotion === undefined ? {} : { promotedFrom: promotion.fromDeploymentId }),
      invalidated: false,
    };
  }
}

/** A ConfigError unless the chart a deployment would deploy is there. */
function requireChart(target: HelmTarget, context: PlanContext): void {
  if (existsSync(join(target.chartDir, 'Chart.yaml'))) return;
  const shown = relative(context.configDir, target.chartDir);
  throw new ConfigError(
    `no Helm chart to deploy ${context.service} with: ${join(shown, 'Chart.yaml')} does not exist in ${context.configDir}`,
    {
      hint:
        `put the service's chart in ${join('base', context.service, 'helm')} (or ${join('stages', context.stage, context.service, 'helm')}), ` +
        'or set deploymentstrategy: user_managed on the deployment task for a service the team deploys itself',
    },
  );
}

function actionOf(task: ShipyardTask): HelmAction {
  const action = ACTIONS[task.name];
  // The factory maps only these names to helm by default; `tasks: {x: helm}` for another name is a deployment.
  return action ?? 'deployment';
}

/** `helm.namespace` and `helm.releaseName` with $PROJECT, $STAGE and $SERVICE replaced. */
export function helmNames(
  settings: HelmSettings | undefined,
  context: Pick<PlanContext, 'project' | 'stage' | 'service'>,
): { namespace?: string; releaseName?: string } {
  const fill = (template: string) =>
    template
      .split('$PROJECT')
      .join(context.project)
      .split('$STAGE')
      .join(context.stage)
      .split('$SERVICE')
      .join(context.service);
  return {
    ...(settings?.namespace === undefined ? {} : { namespace: fill(settings.namespace) }),
    ...(settings?.releaseName === undefined ? {} : { releaseName: fill(settings.releaseName) }),
  };
}
