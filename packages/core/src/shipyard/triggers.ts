/**
 * `triggeredOn`: which finished sequence starts a sequence, on which results. Keptn compared the
 * event with `<stage>.<sequence>.finished` exactly and the selector's values with the result
 * exactly (keptn-spec.md 3.1), so a typo made a sequence that never ran; here it is an error.
 */

import { isRecord } from '../config/guards.js';
import { suggestKey } from '../config/suggest.js';
import type { DocPath } from '../config/yaml-nodes.js';
import { knownNamesHint, listAt, textAt } from './names.js';
import type { ReadContext } from './names.js';
import { SEQUENCE_RESULTS } from './types.js';
import type { SequenceResult, SequenceTrigger, TriggerMatch } from './types.js';

/** What the triggers are checked against: every stage's sequences and their task names. */
export type SequenceIndex = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;

/** Keptn: a trigger without selector starts the sequence on pass or warning. */
const DEFAULT_MATCHES: readonly TriggerMatch[] = [{ result: 'pass' }, { result: 'warning' }];
const EVENT_HINT = 'write <stage>.<sequence>.finished, e.g. dev.delivery.finished';

/** Reads the `triggeredOn` list at `path`; only usable triggers are returned. */
export function readTriggers(
  ctx: ReadContext,
  raw: unknown,
  path: DocPath,
  index: SequenceIndex,
): SequenceTrigger[] {
  const triggers: SequenceTrigger[] = [];
  listAt(raw).forEach((entry, i) => {
    const entryPath = [...path, i];
    if (!isRecord(entry)) {
      if (entry === null) ctx.out.error(entryPath, 'empty trigger', `${EVENT_HINT}, or remove the lone "-"`);
      return;
    }
    const target = readEvent(ctx, entry.event, [...entryPath, 'event'], index);
    const matches = readSelector(ctx, entry.selector, [...entryPath, 'selector'], target?.tasks);
    if (target !== undefined && matches !== undefined)
      triggers.push({ event: target.event, stage: target.stage, sequence: target.sequence, matches });
  });
  return triggers;
}

function readEvent(
  ctx: ReadContext,
  raw: unknown,
  path: DocPath,
  index: SequenceIndex,
): { event: string; stage: string; sequence: string; tasks: readonly string[] } | undefined {
  const event = textAt(ctx, path, raw);
  if (event === undefined) return undefined;
  if (event === '') {
    ctx.out.error(path, 'missing: the event that starts this sequence', EVENT_HINT, 'key');
    return undefined;
  }
  const short = event.replace(/^sh\.keptn\.event\./, '');
  const parts = short.split('.');
  if (short !== event || parts.length !== 3 || parts[2] !== 'finished') {
    const why =
      short !== event
        ? `write ${JSON.stringify(short)}: the event is named without the sh.keptn.event. prefix`
        : `a sequence is started by another one finishing: ${EVENT_HINT}`;
    ctx.out.error(path, `${JSON.stringify(event)} is not <stage>.<sequence>.finished`, why);
    return undefined;
  }
  const [stage = '', sequence = ''] = parts;
  const sequences = index.get(stage);
  if (sequences === undefined) {
    ctx.out.error(
      path,
      `there is no stage ${JSON.stringify(stage)}`,
      knownNamesHint(stage, 'stages', [...index.keys()]),
    );
    return undefined;
  }
  const tasks = sequences.get(sequence);
  if (tasks === undefined) {
    const known = [...sequences.keys()];
    ctx.out.error(
      path,
      `stage ${JSON.stringify(stage)} has no sequence ${JSON.stringify(sequence)}`,
      knownNamesHint(sequence, `sequences of ${stage}`, known),
    );
    return undefined;
  }
  return { event, stage, sequence, tasks };
}

/** The selector's matches; undefined after an error. `tasks` are the triggering sequence's. */
function readSelector(
  ctx: ReadContext,
  raw: unknown,
  path: DocPath,
  tasks: readonly string[] | undefined,
): readonly TriggerMatch[] | undefined {
  if (raw === undefined || raw === null) return DEFAULT_MATCHES;
  const match = isRecord(raw) ? raw.match : undefined;
  if (!isRecord(match) || Object.keys(match).length === 0) {
    if (isRecord(raw) && !Array.isArray(match))
      ctx.out.warning(
        path,
        'a selector without match: treated as no selector (pass or warning)',
        'add e.g. match: { result: fail }, or remove the selector',
        'key',
      );
    return DEFAULT_MATCHES;
  }
  const matches: TriggerMatch[] = [];
  let ok = true;
  for (const [key, value] of Object.entries(match)) {
    const entry = readMatch(ctx, key, value, [...path, 'match', key], tasks);
    if (entry === undefined) ok = false;
    else matches.push(entry);
  }
  return ok ? matches : undefined;
}

function readMatch(
  ctx: ReadContext,
  key: string,
  raw: unknown,
  path: DocPath,
  tasks: readonly string[] | undefined,
): TriggerMatch | undefined {
  const task = key === 'result' ? undefined : /^(.+)\.result$/.exec(key)?.[1];
  if (key !== 'result' && task === undefined) {
    ctx.out.error(
      path,
      `unknown selector key ${JSON.stringify(key)}: Keptn matched only result and <task>.result`,
      'write result: fail, or e.g. evaluation.result: fail',
      'key',
    );
    return undefined;
  }
  const result = readResult(ctx, raw, path);
  if (result === undefined) return undefined;
  if (task !== undefined && tasks !== undefined && !tasks.includes(task)) {
    ctx.out.warning(
      path,
      `never matches: the triggering sequence has no task ${JSON.stringify(task)}`,
      knownNamesHint(task, 'tasks of the triggering sequence', tasks),
      'key',
    );
  }
  return task === undefined ? { result } : { result, task };
}

function readResult(ctx: ReadContext, raw: unknown, path: DocPath): SequenceResult | undefined {
  const text = textAt(ctx, path, raw);
  if (text === undefined) return undefined;
  if ((SEQUENCE_RESULTS as readonly string[]).includes(text)) return text as SequenceResult;
  const close = text === 'failed' ? 'fail' : suggestKey(text, SEQUENCE_RESULTS);
  const note = text === 'failed' ? ' (Keptn\'s spec examples wrote "failed", which never matched)' : '';
  ctx.out.error(
    path,
    `${JSON.stringify(text)} is not a result`,
    `${close === undefined ? '' : `did you mean "${close}"? `}write pass, warning or fail${note}`,
  );
  return undefined;
}
