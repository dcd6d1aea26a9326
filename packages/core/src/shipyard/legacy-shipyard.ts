/**
 * Legacy 0.1 shipyards (Keptn 0.7 and before: top-level `stages` with deployment_strategy,
 * test_strategy, approval_strategy; keptn-spec.md 3.2), converted to the 0.2 model the way
 * `keptn upgrade project --shipyard` did (keptn/keptn cli/cmd/upgrade_project.go):
 * per stage a `delivery` sequence (approval, deployment, test, evaluation, release) triggered by
 * the previous stage's delivery, a `delivery-direct` twin with a direct deployment, and a
 * `rollback` sequence on a failed delivery for blue_green_service stages.
 * Four deliberate differences, each to keep what Keptn 0.7 did with the file:
 * - the approval opens the stage's sequence (the converter put it after the evaluation): Keptn
 *   0.7's gatekeeper-service asked for a stage's approval_strategy after the previous stage's
 *   evaluation, before promoting into the stage, and never for the first stage;
 * - no test task when the stage had no test_strategy (Keptn 0.7 ran no test there; the converter
 *   wrote an empty teststrategy);
 * - a stage with neither strategy stays a quality-gate stage (only the implicit evaluation
 *   sequence) instead of deploying nothing;
 * - `remediation_strategy: automated` becomes a `remediation` sequence (the converter dropped it,
 *   so remediation silently stopped; keptn/examples' sock-shop shipyard, 0.7.3 to 0.8, gained
 *   exactly this sequence), evaluated 10 minutes after an action as Keptn 0.7's
 *   remediation-service waited.
 */

import { isRecord } from '../config/guards.js';
import type { DocPath } from '../config/yaml-nodes.js';
import { listAt, readNamedEntries, textAt } from './names.js';
import type { ReadContext } from './names.js';
import { readApproval, readStrategyValue, readTestStrategy } from './task-properties.js';
import type {
  ApprovalMode,
  DeploymentStrategy,
  ShipyardSequence,
  ShipyardStage,
  ShipyardTask,
  TriggerMatch,
} from './types.js';

/** The warning every command gives for a legacy file (migrate shipyard leaves it out). */
export const LEGACY_FORMAT_WARNING =
  'legacy shipyard format (Keptn 0.7 and before, no apiVersion): converted to spec.keptn.sh/0.2 sequences that run it as Keptn 0.7 did';

/** What Keptn's converter wrote as the apiVersion of a converted file. */
export const CONVERTED_API_VERSION = 'spec.keptn.sh/0.2.0';

interface LegacyStage {
  name: string;
  /** Where the stage is in the file. */
  path: DocPath;
  deployment?: DeploymentStrategy;
  test?: string;
  approval: { pass: ApprovalMode; warning: ApprovalMode };
  remediation: boolean;
}

/** Keptn 0.7's remediation-service evaluated 10 minutes after an action (WAIT_TIME_MINUTES). */
const REMEDIATION_WAIT = '10m';

/** True for a document in the legacy format: stages at the top, no apiVersion and no spec. */
export function isLegacyShipyard(data: Record<string, unknown>): boolean {
  const absent = (v: unknown) => v === undefined || v === null;
  return absent(data.apiVersion) && absent(data.spec) && data.stages !== undefined;
}

/** Reads a legacy document, warns that it is deprecated, and converts it. */
export function convertLegacyShipyard(ctx: ReadContext, data: Record<string, unknown>): ShipyardStage[] {
  ctx.out.warning(
    [],
    LEGACY_FORMAT_WARNING,
    'convert it with `ci-connect migrate shipyard --write` (keeps comments; docs/cli-reference.md); the legacy format is deprecated',
  );
  if (data.registry !== undefined)
    ctx.out.warning(
      ['registry'],
      'ignored: registry named the container registry of Keptn 0.6 and before',
      'remove it',
      'key',
    );
  const stages = readLegacyStages(ctx, data.stages);
  const first = stages.find(delivers);
  if (first !== undefined) warnFirstApproval(ctx, first);
  stages.forEach((stage, i) => warnGateApproval(ctx, stage, stages.slice(i + 1)));
  return stages.map((stage, i) => ({ name: stage.name, sequences: convertStage(stage, stages.slice(0, i)) }));
}

/** A stage with a deployment_strategy or test_strategy has a delivery; the others are quality gates. */
function delivers(stage: LegacyStage): boolean {
  return stage.deployment !== undefined || stage.test !== undefined;
}

/** Whether approval_strategy asks for a manual approval on pass or on warning. */
function asksApproval(stage: LegacyStage): boolean {
  return stage.approval.pass === 'manual' || stage.approval.warning === 'manual';
}

/** Nothing promoted into the first stage, so Keptn 0.7 never asked for its approval. */
function warnFirstApproval(ctx: ReadContext, stage: LegacyStage): void {
  if (!asksApproval(stage)) return;
  ctx.out.warning(
    [...stage.path, 'approval_strategy'],
    `ignored: the first stage's approval_strategy (Keptn 0.7 asked for a stage's approval only before promoting into it)`,
    'to approve before the next stage, put approval_strategy on that stage',
    'key',
  );
}

/**
 * A stage without deployment_strategy or test_strategy is a quality-gate stage: no delivery
 * opens it, so its manual approval would be lost without a word (Keptn 0.7 stopped promoting there).
 */
function warnGateApproval(ctx: ReadContext, stage: LegacyStage, later: readonly LegacyStage[]): void {
  if (delivers(stage) || !asksApproval(stage)) return;
  const next = later.find(delivers);
  ctx.out.warning(
    [...stage.path, 'approval_strategy'],
    'ignored: the approval_strategy of a stage without deployment_strategy or test_strategy (nothing is promoted into it, so no approval is asked)',
    next === undefined
      ? `give ${JSON.stringify(stage.name)} a deployment_strategy, or remove approval_strategy`
      : `to approve before ${JSON.stringify(next.name)}, put approval_strategy on that stage; or give ${JSON.stringify(stage.name)} a deployment_strategy`,
    'key',
  );
}

function readLegacyStages(ctx: ReadContext, raw: unknown): LegacyStage[] {
  if (raw !== null && !Array.isArray(raw)) return []; // reported by the schema check
  const list = listAt(raw);
  if (list.length === 0)
    ctx.out.error(
      ['stages'],
      'no stages: a shipyard needs at least one stage',
      'add e.g. stages: [{ name: dev }]',
      'key',
    );
  return readNamedEntries(ctx, list, ['stages'], 'stage', (entry, path, name) => {
    const stage = readLegacyStage(ctx, entry, path);
    return name === undefined ? undefined : { ...stage, name, path };
  });
}

function readLegacyStage(
  ctx: ReadContext,
  entry: Record<string, unknown>,
  path: DocPath,
): Omit<LegacyStage, 'name' | 'path'> {
  const deployment = readStrategyValue(ctx, entry.deployment_strategy, [...path, 'deployment_strategy']);
  const test = readTestStrategy(ctx, entry.test_strategy, [...path, 'test_strategy']);
  const approvalRaw = isRecord(entry.approval_strategy) ? entry.approval_strategy : {};
  const approvalPath = [...path, 'approval_strategy'];
  // Legacy approvals defaulted to automatic (spec 0.1.7 and the converter).
  const approval = {
    pass: readApproval(ctx, approvalRaw.pass, [...approvalPath, 'pass'], 'automatic'),
    warning: readApproval(ctx, approvalRaw.warning, [...approvalPath, 'warning'], 'automatic'),
  };
  return {
    ...(deployment === undefined ? {} : { deployment }),
    ...(test === undefined ? {} : { test }),
    approval,
    remediation: readRemediation(ctx, entry.remediation_strategy, [...path, 'remediation_strategy']),
  };
}

/** Keptn 0.7 remediated a stage only with `automated`; any other value turned nothing on. */
function readRemediation(ctx: ReadContext, raw: unknown, path: DocPath): boolean {
  if (raw === undefined || raw === null) return false;
  const value = textAt(ctx, path, raw) ?? '';
  if (value === 'automated') return true;
  ctx.out.warning(
    path,
    `ignored: remediation_strategy ${JSON.stringify(value)} (only "automated" turned remediation on)`,
    'write remediation_strategy: automated for a remediation sequence, or remove the key',
  );
  return false;
}

function convertStage(stage: LegacyStage, earlier: readonly LegacyStage[]): ShipyardSequence[] {
  const remediation = stage.remediation ? [remediationSequence(stage.name)] : [];
  if (!delivers(stage)) return remediation;
  const previous = earlier.filter(delivers).at(-1);
  const sequences = [delivery(stage, 'delivery', stage.deployment, previous)];
  if (stage.deployment === 'blue_green_service') {
    sequences.push({
      name: 'rollback',
      triggeredOn: [trigger(stage.name, 'delivery', 'fail')],
      tasks: [{ name: 'rollback', properties: {} }],
    });
  }
  if (stage.deployment !== undefined) {
    const previousDirect = earlier.filter((s) => s.deployment !== undefined).at(-1);
    sequences.push(delivery(stage, 'delivery-direct', 'direct', previousDirect));
  }
  return [...sequences, ...remediation];
}

/** As keptn/examples wrote it: get-action, action, then an evaluation; again while it fails. */
function remediationSequence(stage: string): ShipyardSequence {
  const waitMs = 10 * 60_000;
  return {
    name: 'remediation',
    triggeredOn: [trigger(stage, 'remediation', 'fail', 'evaluation')],
    tasks: [
      { name: 'get-action', properties: {} },
      { name: 'action', properties: {} },
      {
        name: 'evaluation',
        properties: { timeframe: REMEDIATION_WAIT },
        triggeredAfterMs: waitMs,
        timeframe: REMEDIATION_WAIT,
      },
    ],
  };
}

function delivery(
  stage: LegacyStage,
  name: string,
  deployment: DeploymentStrategy | undefined,
  previous: LegacyStage | undefined,
): ShipyardSequence {
  // Keptn 0.7 asked for a stage's approval before promoting into it (gatekeeper-service), so it
  // opens the stage's sequence and approves the triggering stage's result; the first stage had none.
  const tasks: ShipyardTask[] = [];
  if (previous !== undefined)
    tasks.push({ name: 'approval', properties: { ...stage.approval }, approval: stage.approval });
  if (deployment !== undefined)
    tasks.push({
      name: 'deployment',
      properties: { deploymentstrategy: deployment },
      deploymentStrategy: deployment,
    });
  if (stage.test !== undefined)
    tasks.push({ name: 'test', properties: { teststrategy: stage.test }, testStrategy: stage.test });
  tasks.push({ name: 'evaluation', properties: {} }, { name: 'release', properties: {} });
  return { name, triggeredOn: previous === undefined ? [] : [trigger(previous.name, name)], tasks };
}

function trigger(
  stage: string,
  sequence: string,
  result?: 'fail',
  task?: string,
): ShipyardSequence['triggeredOn'][number] {
  const matches: TriggerMatch[] =
    result === undefined
      ? [{ result: 'pass' }, { result: 'warning' }]
      : [task === undefined ? { result } : { result, task }];
  return { event: `${stage}.${sequence}.finished`, stage, sequence, matches };
}
