/**
 * `ci-connect promote` without the CLI (DESIGN.md section 6): deploys to the next stage exactly
 * what an earlier stage deployed and passed: the chart and values of the commit its release
 * manifest (the `deployment` record) names, checked by digest, not the files as they are now.
 * The target stage's own values.yaml is read at that commit too, so a promotion is reproducible
 * from the manifest alone; the shipyard and ci-connect.yaml (what runs) are the current ones.
 */

import { rm } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { silentLogger } from '../environment.js';
import { UsageError } from '../errors.js';
import type { HistoryRecord, HistoryStore } from '../history/history-store.js';
import { openReadyHistoryStore } from '../history/open-store.js';
import { findSequence } from '../shipyard/sequence-plan.js';
import type { Shipyard } from '../shipyard/types.js';
import type { DeploymentRecord, PromotedRelease } from './runners/release-manifest.js';
import {
  loadStageSetup,
  planStage,
  runStage,
  taskSetting,
  type RunnerFactory,
  type StagePlan,
  type StageRunDependencies,
  type StageRunOutcome,
  type StageRunRequest,
  type StageSetup,
} from './run-stage.js';
import { checkOutRelease } from './release-checkout.js';
import type { SequenceRunRecord } from './types.js';

/** What `promote` was asked: a stage run of `to`, from what `from` (default: the stage before) deployed. */
export interface PromoteRequest extends Omit<StageRunRequest, 'stage'> {
  to: string;
  from?: string;
}

export interface PromoteDependencies extends Omit<StageRunDependencies, 'runnerFactory'> {
  /** The runners of the target stage, deploying the recorded release instead of the config directory's chart. */
  runnerFactory: (release: PromotedRelease) => (setup: StageSetup) => RunnerFactory;
  /** Where the recorded files are checked out for the run; default the system's temp directory. */
  tempDir?: string;
}

export interface PromoteOutcome extends StageRunOutcome {
  /** The deployment record that was promoted. */
  source: DeploymentRecord;
}

export interface PromotePlan extends StagePlan {
  source: DeploymentRecord;
}

/** Which deployment to promote: the stage, service and version it was made for. */
export interface PromotionQuery {
  project: string;
  stage: string;
  service: string;
  version: string;
}

/** Runs the target stage's sequence with the recorded release; the checkout is removed afterwards. */
export async function promote(request: PromoteRequest, deps: PromoteDependencies): Promise<PromoteOutcome> {
  return withRecordedRelease(request, deps, async (source, release, stageRequest) => ({
    ...(await runStage(stageRequest, { ...deps, runnerFactory: deps.runnerFactory(release) })),
    source,
  }));
}

/** `--dry-run`: finds and verifies the release, plans the stage; deploys and records nothing. */
export async function planPromotion(
  request: PromoteRequest,
  deps: PromoteDependencies,
): Promise<PromotePlan> {
  return withRecordedRelease(request, deps, async (source, release, stageRequest) => {
    const plan = await planStage(stageRequest, { ...deps, runnerFactory: deps.runnerFactory(release) });
    // The checkout is gone once the plan is printed: name its files as `<commit>:<path>` instead.
    const shown = (text: string) =>
      text.startsWith(release.treeDir + sep)
        ? `${release.gitCommit}:${relative(release.treeDir, text).split(sep).join('/')}`
        : text;
    const relabel = (tasks: StagePlan['tasks']) =>
      tasks.map((t) => ({ ...t, files: t.files.map(shown), commands: t.commands.map((c) => c.map(shown)) }));
    return {
      ...plan,
      tasks: relabel(plan.tasks),
      onFail: plan.onFail.map((f) => ({ ...f, tasks: relabel(f.tasks) })),
      source,
    };
  });
}

async function withRecordedRelease<T>(
  request: PromoteRequest,
  deps: PromoteDependencies,
  work: (source: DeploymentRecord, release: PromotedRelease, stageRequest: StageRunRequest) => Promise<T>,
): Promise<T> {
  // runStage loads it again and reports the shipyard's warnings then; once is enough.
  const setup = await loadStageSetup(
    { ...request, stage: request.to },
    { cwd: deps.cwd, logger: silentLogger },
  );
  const from = sourceStage(setup.shipyard, setup.stage, request.from);
  requireHelmDeployment(setup);
  const store = await openReadyHistoryStore(setup.historyUrl, {
    baseDir: deps.cwd,
    logger: deps.logger,
    env: deps.env,
    runProcess: deps.runProcess,
    signal: deps.signal,
    ...(deps.redactor === undefined ? {} : { redactor: deps.redactor }),
  });
  let source: DeploymentRecord;
  try {
    source = await findPromotionSource(
      { project: setup.project, stage: from, service: setup.service, version: request.version },
      store,
    );
  } finally {
    await store.close();
  }
  deps.logger.info(
    `promoting ${source.service} ${source.version} from ${from} to ${setup.stage}: deployment ${source.id}, ` +
      `commit ${source.gitCommit ?? ''}, chart ${source.chart?.path ?? ''} (${source.chart?.digest ?? ''})`,
  );
  const checkout = await checkOutRelease(source, setup, deps);
  try {
    const { to: _to, from: _from, ...rest } = request;
    const image = request.image ?? source.image;
    return await work(source, checkout.release, {
      ...rest,
      stage: setup.stage,
      service: setup.service,
      ...(image === undefined ? {} : { image }),
    });
  } finally {
    await rm(checkout.dir, { recursive: true, force: true });
  }
}

/** `--from`, or the stage before `to` in the shipyard's order. */
export function sourceStage(shipyard: Shipyard, to: string, from: string | undefined): string {
  const names = shipyard.stages.map((s) => s.name);
  if (from !== undefined) {
    if (!names.includes(from))
      throw new UsageError(`--from ${from}: the shipyard has no stage "${from}"`, {
        hint: `its stages are ${names.join(', ')}`,
      });
    if (from === to)
      throw new UsageError(`--from and --to both name ${to}`, {
        hint: 'promote deploys what an earlier stage passed; name that stage with --from',
      });
    return from;
  }
  const index = names.indexOf(to);
  if (index <= 0)
    throw new UsageError(`${to} is the shipyard's first stage: there is no stage before it to promote from`, {
      hint: `deploy to ${to} with trigger-deployment, or name the source stage with --from`,
    });
  return names[index - 1]!;
}

/** Promote deploys through Helm; a sequence that deploys nothing with it has nothing to promote. */
function requireHelmDeployment(setup: StageSetup): void {
  const tasks = findSequence(setup.shipyard, setup.stage, setup.sequence).tasks;
  const deploys = tasks.some(
    (task) =>
      taskSetting(setup.config, task) === 'helm' &&
      task.name !== 'release' &&
      task.name !== 'rollback' &&
      task.deploymentStrategy !== 'user_managed',
  );
  if (!deploys)
    throw new UsageError(
      `${setup.stage}.${setup.sequence} has no deployment task run by Helm, so promote has no chart to deploy`,
      {
        hint: `for a stage the team deploys itself (user_managed) run trigger-deployment --stage ${setup.stage}`,
      },
    );
}

/**
 * The newest deployment of the version in the stage whose sequence run passed (pass or warning);
 * UsageError (exit 2) saying what was found when there is none or it cannot be reproduced.
 */
export async function findPromotionSource(
  query: PromotionQuery,
  history: HistoryStore,
): Promise<DeploymentRecord> {
  const what = `${query.service} ${query.version} in ${query.stage}`;
  const deployments = (
    await history.query({
      kind: 'deployment',
      project: query.project,
      stage: query.stage,
      service: query.service,
    })
  ).filter((r): r is DeploymentRecord => isDeploymentOf(r, query.version));
  const passed = [];
  const rejected: string[] = [];
  for (const deployment of deployments) {
    const problem = runProblem(await history.get(deployment.sequenceRunId));
    if (problem === undefined) passed.push(deployment);
    else rejected.push(`${deployment.id} at ${deployment.deployedAt}: ${problem}`);
  }
  const source = passed[0];
  if (source === undefined)
    throw new UsageError(
      deployments.length === 0
        ? `no deployment of ${what} is recorded (project ${query.project}, history ${history.location})`
        : `no deployment of ${what} passed its sequence run; found ${deployments.length}: ${rejected.slice(0, 3).join('; ')}`,
      {
        hint: `promote deploys what ${query.stage} deployed and passed: run trigger-deployment --stage ${query.stage} --version ${query.version} first, or check --version, --from and --history`,
      },
    );
  return requireReproducible(source, what);
}

function requireReproducible(source: DeploymentRecord, what: string): DeploymentRecord {
  const redeploy = `deploy ${what.replace(' in ', ' to ')} again from a clean checkout (trigger-deployment), then promote`;
  if (source.gitCommit === undefined)
    throw new UsageError(
      `deployment ${source.id} of ${what} was made outside a git repository: no commit is recorded, so what it deployed cannot be reproduced`,
      { hint: `keep the config directory in git and ${redeploy}` },
    );
  if (source.gitDirty === true)
    throw new UsageError(
      `deployment ${source.id} of ${what} was made with uncommitted changes to its chart or values (commit ${source.gitCommit}, gitDirty): what was deployed is not what the commit holds`,
      { hint: `commit the chart and values, ${redeploy}` },
    );
  if (source.chart === undefined)
    throw new UsageError(
      `deployment ${source.id} of ${what} recorded no chart (strategy ${source.strategy}): there is nothing for promote to deploy`,
      { hint: 'a stage the team deploys itself is deployed with trigger-deployment' },
    );
  return source;
}

/** Why a deployment's sequence run does not allow promoting it; undefined when it passed. */
function runProblem(record: HistoryRecord | undefined): string | undefined {
  if (record === undefined || record.kind !== 'sequence-run') return 'its sequence run is not recorded';
  if (record.invalidated === true) return 'its sequence run was invalidated';
  const run = record as Partial<SequenceRunRecord>;
  if (run.status !== 'succeeded') return `its sequence run is ${String(run.status)}`;
  if (run.result !== 'pass' && run.result !== 'warning')
    return `its sequence run ended with ${String(run.result)}`;
  return undefined;
}

function isDeploymentOf(record: HistoryRecord, version: string): boolean {
  const deployment = record as Partial<DeploymentRecord>;
  return (
    record.kind === 'deployment' &&
    deployment.version === version &&
    typeof deployment.sequenceRunId === 'string' &&
    Array.isArray(deployment.values)
  );
}
