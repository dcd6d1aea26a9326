/**
 * Moves the comments of a legacy 0.1 shipyard to where their keys went in the converted 0.2
 * document: a comment about `deployment_strategy` lands on the delivery sequence's deployment
 * task, one about `approval_strategy` on its approval task, one about the stage on the stage.
 * A comment whose key has no place in the new file (`registry`) goes to the top of the file,
 * so that no comment is lost.
 */

import { isCollection, isMap, isNode, isPair, isScalar, isSeq, visit } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';

/**
 * Where a legacy stage key's comments go in the new stage: `task:<name>` is that task of the
 * stage's first sequence (delivery), `sequence:<name>` that sequence; `value` is the scalar below
 * it that takes the key's end-of-line comment.
 */
const TARGETS: Readonly<Record<string, { node: string; value?: string[] }>> = {
  deployment_strategy: { node: 'task:deployment', value: ['properties', 'deploymentstrategy'] },
  test_strategy: { node: 'task:test', value: ['properties', 'teststrategy'] },
  approval_strategy: { node: 'task:approval' },
  remediation_strategy: { node: 'sequence:remediation', value: ['name'] },
};

/** Copies every comment of `legacy` into `converted` (both parsed or built by yaml). */
export function carryLegacyComments(legacy: Document, converted: Document): void {
  const top: string[] = [];
  push(top, legacy.commentBefore);
  const root = legacy.contents;
  if (isMap(root)) {
    push(top, root.commentBefore);
    for (const pair of root.items) {
      if (keyOf(pair) === 'stages' && isSeq(pair.value)) {
        push(
          top,
          isNode(pair.key) ? pair.key.commentBefore : undefined,
          isNode(pair.key) ? pair.key.comment : undefined,
        );
        carryStages(pair.value.items, pair.value.commentBefore, converted, top);
        push(top, pair.value.comment);
      } else {
        pushOrphaned(top, pair, keyOf(pair));
      }
    }
  }
  converted.commentBefore = joined(top);
  converted.comment = legacy.comment ?? null;
}

function carryStages(
  items: unknown[],
  seqBefore: string | null | undefined,
  converted: Document,
  top: string[],
): void {
  items.forEach((item, i) => {
    const stage = converted.getIn(['spec', 'stages', i], true);
    if (!isMap(stage) || !isMap(item)) {
      push(top, ...(isNode(item) ? commentsIn(item) : []));
      return;
    }
    const before: string[] = [];
    if (i === 0) push(before, seqBefore);
    push(before, item.commentBefore);
    stage.spaceBefore = item.spaceBefore === true && i > 0;
    for (const pair of item.items) carryKey(pair, stage, before);
    stage.commentBefore = joined(before);
    if (item.comment !== undefined && item.comment !== null) stage.comment = item.comment;
  });
}

/** One legacy stage key: its comments onto its new place, else onto the stage. */
function carryKey(pair: Pair, stage: YAMLMap, stageBefore: string[]): void {
  const key = keyOf(pair);
  const target = key === undefined ? undefined : TARGETS[key];
  const node = target === undefined ? undefined : findNode(stage, target.node);
  const inline = isScalar(pair.value) ? pair.value.comment : undefined;
  const rest = commentsIn(pair).filter((c) => c !== inline);
  if (key === 'name') {
    push(stageBefore, ...rest);
    setInline(stage.get('name', true), inline);
    return;
  }
  if (node === undefined) {
    // A first stage's approval, an unknown key.
    pushOrphaned(stageBefore, pair, key);
    return;
  }
  const nested = isMap(pair.value) ? carryProperties(pair.value, node) : [];
  const before: string[] = [];
  push(before, node.commentBefore, ...rest.filter((c) => !nested.includes(c)));
  node.commentBefore = joined(before);
  const value = target?.value === undefined ? node : node.getIn(target.value, true);
  if (inline !== undefined && inline !== null) setInline(value, inline, node);
}

/**
 * `approval_strategy: {pass, warning}` became the task's properties of the same names: their
 * comments go there. Returns the comments placed.
 */
function carryProperties(legacy: YAMLMap, task: YAMLMap): string[] {
  const properties = task.get('properties', true);
  if (!isMap(properties)) return [];
  const placed: string[] = [];
  legacy.items.forEach((pair, i) => {
    const key = keyOf(pair);
    const target = key === undefined ? undefined : properties.items.find((p) => keyOf(p) === key);
    if (target === undefined || !isScalar(target.key) || !isScalar(target.value)) return;
    // yaml keeps a comment above the first key on the mapping itself.
    const parts: string[] = [];
    push(
      parts,
      i === 0 ? legacy.commentBefore : undefined,
      isNode(pair.key) ? pair.key.commentBefore : undefined,
    );
    const inline = isScalar(pair.value) ? pair.value.comment : undefined;
    if (parts.length > 0) target.key.commentBefore = joined(parts);
    if (inline !== undefined && inline !== null) target.value.comment = inline;
    push(placed, ...parts, inline);
  });
  return placed;
}

/**
 * The comments of a key that is gone from the new file, onto `list`: the one above it as it
 * is, the others prefixed with the key, to say whose they were.
 */
function pushOrphaned(list: string[], pair: Pair, key: string | undefined): void {
  const before = isNode(pair.key) ? pair.key.commentBefore : undefined;
  push(
    list,
    before,
    ...commentsIn(pair)
      .filter((c) => c !== before)
      .map((c) => ` ${key ?? ''}:${c}`),
  );
}

/** The node a TARGETS entry names in the new stage. */
function findNode(stage: YAMLMap, target: string): YAMLMap | undefined {
  const [kind, name] = target.split(':');
  const sequences = stage.get('sequences', true);
  if (!isSeq(sequences)) return undefined;
  if (kind === 'sequence')
    return sequences.items.find((s): s is YAMLMap => isMap(s) && s.get('name') === name);
  const first = sequences.items[0];
  const tasks = isMap(first) ? first.get('tasks', true) : undefined;
  if (!isSeq(tasks)) return undefined;
  return tasks.items.find((t): t is YAMLMap => isMap(t) && t.get('name') === name);
}

function setInline(value: unknown, comment: string | null | undefined, fallback?: YAMLMap): void {
  if (comment === undefined || comment === null) return;
  if (isScalar(value)) value.comment = comment;
  else if (fallback !== undefined) fallback.commentBefore = joined([fallback.commentBefore ?? '', comment]);
}

/** Every comment in a node or pair, in document order. */
function commentsIn(node: Node | Pair): string[] {
  const found: string[] = [];
  const add = (n: unknown) => {
    if (isNode(n)) push(found, n.commentBefore, n.comment);
  };
  if (isPair(node)) add(node.key);
  const root = isPair(node) ? node.value : node;
  add(root);
  if (isCollection(root)) visit(root, { Node: (_k, n) => (n === root ? undefined : add(n)) });
  return found;
}

function keyOf(pair: Pair): string | undefined {
  const key = isScalar(pair.key) ? pair.key.value : pair.key;
  return typeof key === 'string' ? key : undefined;
}

function push(list: string[], ...comments: (string | null | undefined)[]): void {
  for (const c of comments) if (c !== undefined && c !== null && c !== '') list.push(c);
}

function joined(list: readonly string[]): string | null {
  const kept = list.filter((c) => c !== '');
  return kept.length === 0 ? null : kept.join('\n');
}
