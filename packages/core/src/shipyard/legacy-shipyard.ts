/**
 * Legacy 0.1 shipyards (Keptn 0.7 and before: top-level `stages` with deployment_strategy,
 * test_strategy, approval_strategy; keptn-spec.md 3.2), converted to the 0.2 model the way
 * `keptn upgrade project --shipyard` did (keptn/keptn cli/cmd/upgrade_project.go):
 * per stage a `delivery` sequence (deployment, test, evaluation, approval, release) triggered by
 * the previous stage's delivery, a `delivery-direct` twin with a direct deployment, and a
 * `rollback` sequence on a failed delivery for blue_green_service stages.
 * Two deliberate differences: no test task when the stage had no test_strategy (Keptn 0.7 ran no
 * test there; the converter wrote an empty teststrategy), and a stage with neither strategy
 * stays a quality-gate stage (only the implicit evaluation sequence) instead of deploying nothing.
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
} from './types.js';

/** What Keptn's converter wrote as the apiVersion of a converted file. */
export const CONVERTED_API_VERSION = 'spec.keptn.sh/0.2.0';

interface LegacyStage {
  name: string;
  deployment?: DeploymentStrategy;
  test?: string;
  approval: { pass: ApprovalMode; warning: ApprovalMode };
}

/** True for a document in the legacy format: stages at the top, no apiVersion and no spec. */
export function isLegacyShipyard(data: Record<string, unknown>): boolean {
  const absent = (v: unknown) => v === undefined || v === null;
  return absent(data.apiVersion) && absent(data.spec) && data.stages !== undefined;
}

/** Reads a legacy document, warns that it is deprecated, and converts it. */
export function convertLegacyShipyard(ctx: ReadContext, data: Record<string, unknown>): ShipyardStage[] {
  ctx.out.warning(
    [],
    'legacy shipyard format (Keptn 0.7 and before, no apiVersion): converted to spec.keptn.sh/0.2 as `keptn upgrade project --shipyard` did',
    'convert the file to apiVersion: spec.keptn.sh/0.2.x (docs/config-reference.md shows the result); the legacy format is deprecated',
  );
  if (data.registry !== undefined)
    ctx.out.warning(
      ['registry'],
      'ignored: registry named the container registry of Keptn 0.6 and before',
      'remove it',
      'key',
    );
  const stages = readLegacyStages(ctx, data.stages);
  return stages.map((stage, i) => ({ name: stage.name, sequences: convertStage(stage, stages.slice(0, i)) }));
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
    return name === undefined ? undefined : { name, ...stage };
  });
}

function readLegacyStage(
  ctx: ReadContext,
  entry: Record<string, unknown>,
  path: DocPath,
): Omit<LegacyStage, 'name'> {
  const deployment = readStrategyValue(ctx, entry.deployment_strategy, [...path, 'deployment_strategy']);
  const test = readTestStrategy(ctx, entry.test_strategy, [...path, 'test_strategy']);
  const approvalRaw = isRecord(entry.approval_strategy) ? entry.approval_strategy : {};
  const approvalPath = [...path, 'approval_strategy'];
  // Legacy approvals defaulted to automatic (spec 0.1.7 and the converter).
  const approval = {
    pass: readApproval(ctx, approvalRaw.pass, [...approvalPath, 'pass'], 'automatic'),
    warning: readApproval(ctx, approvalRaw.warning, [...approvalPath, 'warning'], 'automatic'),
  };
  if (entry.remediation_strategy !== undefined && entry.remediation_strategy !== null) {
    const value = textAt(ctx, [...path, 'remediation_strategy'], entry.remediation_strategy) ?? '';
    ctx.out.warning(
      [...path, 'remediation_strategy'],
      `not converted: remediation_strategy ${JSON.stringify(value)} has no 0.2 equivalent in the converted file`,
      'after converting the file, add a remediation sequence (get-action, action, evaluation) to the stage',
      'key',
    );
  }
  return {
    ...(deployment === undefined ? {} : { deployment }),
    ...(test === undefined ? {} : { test }),
    approval,
  };
}

function convertStage(stage: LegacyStage, earlier: readonly LegacyStage[]): ShipyardSequence[] {
  if (stage.deployment === undefined && stage.test === undefined) return [];
  const previous = earlier.filter((s) => s.deployment !== undefined || s.test !== undefined).at(-1);
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
  return sequences;
}

function delivery(
  stage: LegacyStage,
  name: string,
  deployment: DeploymentStrategy | undefined,
  previous: LegacyStage | undefined,
): ShipyardSequence {
  const tasks: ShipyardTask[] = [];
  if (deployment !== undefined)
    tasks.push({
      name: 'deployment',
      properties: { deploymentstrategy: deployment },
      deploymentStrategy: deployment,
    });
  if (stage.test !== undefined)
    tasks.push({ name: 'test', properties: { teststrategy: stage.test }, testStrategy: stage.test });
  tasks.push(
    { name: 'evaluation', properties: {} },
    { name: 'approval', properties: { ...stage.approval }, approval: stage.approval },
    { name: 'release', properties: {} },
  );
  return { name, triggeredOn: previous === undefined ? [] : [trigger(previous.name, name)], tasks };
}

function trigger(stage: string, sequence: string, result?: 'fail'): ShipyardSequence['triggeredOn'][number] {
  return {
    event: `${stage}.${sequence}.finished`,
    stage,
    sequence,
    matches: result === undefined ? [{ result: 'pass' }, { result: 'warning' }] : [{ result }],
  };
}
