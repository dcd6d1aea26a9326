/**
 * Names in a shipyard and where they end up: stage, sequence and task names become parts of
 * Keptn event types (`sh.keptn.event.<stage>.<sequence>.triggered`, `sh.keptn.event.<task>.finished`),
 * CI job names and file paths, so they may not hold dots, spaces or slashes.
 */

import type { FileDiagnostics } from '../config/file-diagnostics.js';
import { isRecord } from '../config/guards.js';
import { suggestKey } from '../config/suggest.js';
import { locate, scalarText } from '../config/yaml-nodes.js';
import type { DocPath, YamlSource } from '../config/yaml-nodes.js';

/** Keptn's entity-name rule for stages (go-utils ValidateKeptnEntityName, keptn-spec.md 3.1). */
export const STAGE_NAME = /^([a-z][a-z0-9-]*[a-z0-9]|[a-z][a-z0-9]*)$/;
/** Sequence and task names: one dot-free part of an event type. */
export const EVENT_PART_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

const STAGE_RULE =
  "lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (Keptn's rule: the name becomes part of event types, branches and namespaces)";
const EVENT_PART_RULE = 'letters, digits, - and _ (the name becomes part of Keptn event types)';

/** Reading one shipyard document: where it came from and where its problems go. */
export interface ReadContext {
  source: YamlSource;
  out: FileDiagnostics;
  /** The task names that have a runner (ci-connect.yaml and the defaults); unchecked when absent. */
  runnableTasks?: readonly string[] | undefined;
}

/** A scalar as text, or undefined for a list or mapping (the schema check reported those). */
export function textAt(ctx: ReadContext, path: DocPath, raw: unknown): string | undefined {
  if (isRecord(raw) || Array.isArray(raw)) return undefined;
  return scalarText(ctx.source, path, raw);
}

/** A list from the document, or [] for anything else (the schema check reported it). */
export function listAt(raw: unknown): unknown[] {
  return Array.isArray(raw) ? raw : [];
}

/** The `name` of an entry: reported when missing or breaking `rule`; undefined unless usable. */
export function readName(
  ctx: ReadContext,
  entry: Record<string, unknown>,
  path: DocPath,
  kind: 'stage' | 'sequence' | 'task',
): string | undefined {
  const namePath = [...path, 'name'];
  const name = textAt(ctx, namePath, entry.name);
  if (name === undefined) return undefined;
  if (name === '') {
    const hint = {
      stage: 'add e.g. name: dev',
      sequence: 'add e.g. name: delivery',
      task: 'add e.g. name: evaluation',
    }[kind];
    ctx.out.error(namePath, `missing: every ${kind} needs a name`, hint, 'key');
    return undefined;
  }
  const [pattern, rule] = kind === 'stage' ? [STAGE_NAME, STAGE_RULE] : [EVENT_PART_NAME, EVENT_PART_RULE];
  if (pattern.test(name)) return name;
  const fixed = kind === 'stage' ? name.toLowerCase().replace(/[_.\s]+/g, '-') : name.replace(/[.\s]+/g, '-');
  const suggestion = pattern.test(fixed) ? `; did you mean "${fixed}"?` : '';
  ctx.out.error(namePath, `${JSON.stringify(name)} is not a valid ${kind} name`, `use ${rule}${suggestion}`);
  return undefined;
}

const EMPTY_ENTRY = {
  stage: ['empty stage: every stage needs a name', 'add name: <stage>, or remove the lone "-"'],
  sequence: ['empty sequence: every sequence needs a name and tasks', 'remove the lone "-"'],
  task: ['empty task: every task needs a name', 'add name: <task>, or remove the lone "-"'],
} as const;

/**
 * The entries of a list of named things (stages, sequences, tasks): a lone "-" is reported, each
 * mapping is read by `read` with its valid name, and with `unique` a name may come once. Entries
 * without a usable name, or that `read` returns undefined for, are left out.
 */
export function readNamedEntries<T>(
  ctx: ReadContext,
  raw: unknown,
  path: DocPath,
  kind: 'stage' | 'sequence' | 'task',
  read: (entry: Record<string, unknown>, entryPath: DocPath, name: string | undefined) => T | undefined,
  options: { unique: boolean } = { unique: true },
): T[] {
  const seen = new Map<string, DocPath>();
  const out: T[] = [];
  listAt(raw).forEach((entry, i) => {
    const entryPath = [...path, i];
    if (!isRecord(entry)) {
      const [message, hint] = EMPTY_ENTRY[kind];
      if (entry === null) ctx.out.error(entryPath, message, hint);
      return;
    }
    const name = readName(ctx, entry, entryPath, kind);
    const value = read(entry, entryPath, name);
    const unique = name === undefined || !options.unique || checkUnique(ctx, seen, name, entryPath, kind);
    if (value !== undefined && name !== undefined && unique) out.push(value);
  });
  return out;
}

/** Reports a name seen before in the same scope; true when it is new. */
export function checkUnique(
  ctx: ReadContext,
  seen: Map<string, DocPath>,
  name: string,
  path: DocPath,
  what: string,
): boolean {
  const first = seen.get(name);
  if (first === undefined) {
    seen.set(name, path);
    return true;
  }
  const line = locate(ctx.source, [...first, 'name'])?.line;
  const where = line === undefined ? '' : ` (first at line ${line})`;
  ctx.out.error(
    [...path, 'name'],
    `${what} ${JSON.stringify(name)} is defined twice${where}`,
    'names must be unique: rename or remove one of them',
  );
  return false;
}

/** "the stages are: a, b; did you mean "x"?" for a name that is not there. */
export function knownNamesHint(word: string, what: string, known: readonly string[]): string {
  const close = suggestKey(word, known);
  const list = known.length === 0 ? `there are no ${what}` : `the ${what} are: ${known.join(', ')}`;
  return close === undefined ? list : `did you mean "${close}"? ${list}`;
}
