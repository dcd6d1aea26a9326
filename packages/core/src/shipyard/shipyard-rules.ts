/**
 * The rules for a spec.keptn.sh/0.2 shipyard, as Keptn's shipyard-controller applied them
 * (keptn-spec.md 3.1), plus the ones whose breach Keptn only noticed at run time: a sequence
 * without tasks, a trigger naming no sequence, a bad task property.
 * Runs after the schema check: values of the wrong type were reported there and are skipped here.
 */

import { isRecord } from '../config/guards.js';
import { noRunnerHint } from '../config/project-config.js';
import { suggestKey } from '../config/suggest.js';
import type { DocPath } from '../config/yaml-nodes.js';
import { listAt, readNamedEntries, textAt } from './names.js';
import type { ReadContext } from './names.js';
import { readDuration, readTaskSettings } from './task-properties.js';
import { readTriggers } from './triggers.js';
import type { SequenceIndex } from './triggers.js';
import type { ShipyardSequence, ShipyardStage, ShipyardTask } from './types.js';

type Raw = Record<string, unknown>;

/** Keptn runs `<stage>.evaluation` in every stage that does not define it: a quality gate. */
export const IMPLICIT_EVALUATION: ShipyardSequence = {
  name: 'evaluation',
  triggeredOn: [],
  tasks: [{ name: 'evaluation', properties: {} }],
};

const API_VERSION = /^(spec\.keptn\.sh\/)?0\.2(\.\d+)?$/;
const API_VERSION_HINT = 'write apiVersion: spec.keptn.sh/0.2.2 (any spec.keptn.sh/0.2.x is read)';
const STAGES_HINT = 'add e.g. spec: { stages: [{ name: dev }] }';

/** The apiVersion of a 0.2 document, or undefined after reporting why it is not one. */
export function readApiVersion(ctx: ReadContext, raw: unknown): string | undefined {
  const text = textAt(ctx, ['apiVersion'], raw);
  if (text === undefined) return undefined;
  if (text === '') {
    ctx.out.error(
      ['apiVersion'],
      'missing: a shipyard starts with apiVersion: spec.keptn.sh/0.2.x',
      'add apiVersion: spec.keptn.sh/0.2.2 and kind: Shipyard at the top',
      'key',
    );
    return undefined;
  }
  if (API_VERSION.test(text)) return text;
  const legacy = /0\.1(\.\d+)?$/.test(text) ? '; a legacy 0.1 shipyard has no apiVersion at all' : '';
  ctx.out.error(
    ['apiVersion'],
    `${JSON.stringify(text)} is not a shipyard version ci-connect reads`,
    `${API_VERSION_HINT}${legacy}`,
  );
  return undefined;
}

/** The stages of a 0.2 document (`spec.stages`), with every rule checked. */
export function readStages(ctx: ReadContext, data: Raw): ShipyardStage[] {
  // A spec or stages of the wrong type was reported by the schema check.
  if (data.spec !== undefined && data.spec !== null && !isRecord(data.spec)) return [];
  const spec = isRecord(data.spec) ? data.spec : {};
  if (spec.stages !== undefined && spec.stages !== null && !Array.isArray(spec.stages)) return [];
  const list = listAt(spec.stages);
  if (list.length === 0) {
    const at = spec.stages === undefined ? ['spec'] : ['spec', 'stages'];
    ctx.out.error(at, 'no stages: a shipyard needs at least one stage', STAGES_HINT, 'key');
    return [];
  }
  const drafts = readStageDrafts(ctx, list);
  const index = indexSequences(ctx, list);
  return drafts.map((stage) => ({
    name: stage.name,
    sequences: stage.sequences.map((s) => ({
      name: s.name,
      triggeredOn: readTriggers(ctx, s.raw.triggeredOn, [...s.path, 'triggeredOn'], index),
      tasks: s.tasks,
    })),
  }));
}

interface SequenceDraft {
  name: string;
  tasks: ShipyardTask[];
  raw: Raw;
  path: DocPath;
}

function readStageDrafts(ctx: ReadContext, list: unknown[]): { name: string; sequences: SequenceDraft[] }[] {
  return readNamedEntries(ctx, list, ['spec', 'stages'], 'stage', (entry, path, name) => {
    const sequences = readSequences(ctx, entry.sequences, [...path, 'sequences']);
    return name === undefined ? undefined : { name, sequences };
  });
}

function readSequences(ctx: ReadContext, raw: unknown, path: DocPath): SequenceDraft[] {
  return readNamedEntries(ctx, raw, path, 'sequence', (entry, entryPath, name) => {
    const tasks = readTasks(ctx, entry.tasks, [...entryPath, 'tasks'], name);
    return name === undefined ? undefined : { name, tasks, raw: entry, path: entryPath };
  });
}

function readTasks(ctx: ReadContext, raw: unknown, path: DocPath, sequence?: string): ShipyardTask[] {
  const list = listAt(raw);
  if (list.length === 0 && (raw === undefined || raw === null || Array.isArray(raw))) {
    // Keptn ended such a sequence as errored the moment it was triggered.
    ctx.out.error(
      path,
      'no tasks: a sequence needs at least one task',
      'add e.g. tasks: [{ name: evaluation }]',
      'key',
    );
  }
  // A sequence may run a task name twice (e.g. two tests): no uniqueness rule.
  return readNamedEntries(
    ctx,
    list,
    path,
    'task',
    (entry, entryPath, name): ShipyardTask | undefined => {
      const after = readDuration(
        ctx,
        entry.triggeredAfter,
        [...entryPath, 'triggeredAfter'],
        'triggeredAfter',
      );
      if (name === undefined) return undefined;
      if (!isRemediationStep(sequence, name)) checkRunner(ctx, name, [...entryPath, 'name']);
      const settings = readTaskSettings(ctx, name, entry.properties, entryPath);
      return {
        name,
        properties: isRecord(entry.properties) ? entry.properties : {},
        ...(after === undefined ? {} : { triggeredAfterMs: after }),
        ...settings,
      };
    },
    { unique: false },
  );
}

/**
 * Keptn's remediation sequence: `ci-connect remediate` chooses (get-action) and runs (action) the
 * remediation.yaml actions itself, so these two need no runner of their own.
 */
export function isRemediationStep(sequence: string | undefined, task: string): boolean {
  return sequence === 'remediation' && (task === 'get-action' || task === 'action');
}

/**
 * A task no runner runs: a name next to a runnable one is a typo (error); another is most likely
 * a task of a Keptn service ci-connect does not replace (remediation's get-action, action), which
 * only a stage run of its sequence would refuse (warning).
 */
function checkRunner(ctx: ReadContext, name: string, path: DocPath): void {
  const runnable = ctx.runnableTasks;
  if (runnable === undefined || runnable.includes(name)) return;
  const close = suggestKey(name, runnable);
  const message = `the task "${name}" has no runner`;
  const hint = noRunnerHint(name, runnable, close);
  if (close === undefined)
    ctx.out.warning(path, `${message}: a stage run of its sequence would stop here`, hint);
  else ctx.out.error(path, message, hint);
}

/**
 * Every stage's sequences with their task names, by the names as written (valid or not, so that
 * a bad stage name is reported once, not again by every trigger that names it).
 */
function indexSequences(ctx: ReadContext, list: unknown[]): SequenceIndex {
  const index = new Map<string, Map<string, readonly string[]>>();
  list.forEach((stage, i) => {
    if (!isRecord(stage)) return;
    const name = textAt(ctx, ['spec', 'stages', i, 'name'], stage.name) ?? '';
    const sequences = index.get(name) ?? new Map<string, readonly string[]>();
    listAt(stage.sequences).forEach((sequence, j) => {
      if (!isRecord(sequence)) return;
      const path = ['spec', 'stages', i, 'sequences', j];
      const tasks = listAt(sequence.tasks).map((t, k) =>
        isRecord(t) ? (textAt(ctx, [...path, 'tasks', k, 'name'], t.name) ?? '') : '',
      );
      const sequenceName = textAt(ctx, [...path, 'name'], sequence.name) ?? '';
      if (sequenceName !== '') sequences.set(sequenceName, tasks);
    });
    if (!sequences.has('evaluation'))
      sequences.set(
        'evaluation',
        IMPLICIT_EVALUATION.tasks.map((t) => t.name),
      );
    if (name !== '') index.set(name, sequences);
  });
  return index;
}
