/**
 * Navigation in a parsed YAML document by document path (`['objectives', 2, 'pass']`), following
 * aliases and `<<` merge keys as Go's yaml.v3 did, so that every diagnostic can name the line and
 * column of the node it is about.
 */

import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, ParsedNode } from 'yaml';

export type DocPath = readonly (string | number)[];

/** A parsed single-document YAML file with the line counter that maps offsets to positions. */
export interface YamlSource {
  /** The file as the user named it. */
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain data (aliases expanded, within the alias limit). */
  data: unknown;
}

export interface MapEntry {
  key: string;
  keyNode: ParsedNode;
  value: ParsedNode | null;
}

export interface Position {
  line: number;
  column: number;
}

/** The node an alias points at (or the node itself); undefined for a dangling alias. */
export function resolveNode(source: YamlSource, node: ParsedNode | null): ParsedNode | null | undefined {
  if (node === null || !isAlias(node)) return node;
  return node.resolve(source.doc) as ParsedNode | undefined;
}

/** The text of a mapping key as Go reads it into a string; undefined for collection keys. */
export function keyText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (node.value === null) return '';
  if (typeof node.value === 'symbol') return '<<';
  return typeof node.value === 'string' ? node.value : (node.source ?? showScalar(node.value));
}

/** A scalar value (number, boolean, ...) as text. */
export function showScalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value) ?? '';
}

/** The entries of a mapping node, explicit keys first winning over `<<` merged ones. */
export function mapEntries(source: YamlSource, node: ParsedNode | null, depth = 0): MapEntry[] {
  const map = resolveNode(source, node);
  if (!isMap(map) || depth > 20) return [];
  const own: MapEntry[] = [];
  const merged: MapEntry[] = [];
  for (const pair of map.items) {
    const key = keyText(pair.key);
    if (key === undefined) continue;
    if (key === '<<' && typeof (pair.key as { value?: unknown }).value === 'symbol') {
      const target = resolveNode(source, pair.value);
      const targets = isSeq(target) ? target.items : [target ?? null];
      for (const t of targets) merged.push(...mapEntries(source, t, depth + 1));
      continue;
    }
    own.push({ key, keyNode: pair.key, value: pair.value });
  }
  const seen = new Set(own.map((e) => e.key));
  return [...own, ...merged.filter((e) => !seen.has(e.key) && seen.add(e.key))];
}

/** The value node at `path` with the key node that leads to it, as far as the path exists. */
export function findNode(
  source: YamlSource,
  path: DocPath,
): { found: boolean; node: ParsedNode | null; keyNode?: ParsedNode } {
  let node = resolveNode(source, source.doc.contents) ?? null;
  let keyNode: ParsedNode | undefined;
  for (const part of path) {
    const next = childOf(source, node, part);
    if (next === undefined) return { found: false, node, ...(keyNode ? { keyNode } : {}) };
    node = resolveNode(source, next.value) ?? null;
    keyNode = next.keyNode;
  }
  return { found: true, node, ...(keyNode ? { keyNode } : {}) };
}

/**
 * Where a diagnostic about `path` should point: the value, or its key when the value is empty
 * or `at` is 'key'; the nearest existing parent when the path does not exist; undefined when
 * not even the first key exists (a problem about the whole file).
 */
export function locate(
  source: YamlSource,
  path: DocPath,
  at: 'value' | 'key' = 'value',
): Position | undefined {
  const { found, node, keyNode } = findNode(source, path);
  if (
    !found &&
    path.length > 0 &&
    childOf(source, resolveNode(source, source.doc.contents) ?? null, path[0] ?? '') === undefined
  ) {
    return undefined;
  }
  const emptyValue = node === null || (isScalar(node) && node.value === null && node.source === '');
  const target = found && (at === 'key' || emptyValue) && keyNode ? keyNode : (node ?? keyNode);
  const offset = target?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * A scalar as the text Go's yaml.v3 put into a string field: strings as they are, null as '',
 * numbers and booleans as written in the file (`1.50` stays "1.50").
 */
export function scalarText(source: YamlSource, path: DocPath, value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  const { found, node } = findNode(source, path);
  return (found ? nodeText(node) : undefined) ?? showScalar(value);
}

/** The Go string text of a scalar node (see scalarText); undefined for collections. */
export function nodeText(node: ParsedNode | null): string | undefined {
  if (node === null) return '';
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  if (node.value === null) return '';
  return node.type === 'PLAIN' && typeof node.source === 'string' ? node.source : showScalar(node.value);
}

function childOf(
  source: YamlSource,
  node: ParsedNode | null,
  part: string | number,
): { value: ParsedNode | null; keyNode?: ParsedNode } | undefined {
  if (typeof part === 'number') {
    if (!isSeq(node)) return undefined;
    const item = node.items[part];
    return item === undefined ? undefined : { value: item };
  }
  const entry = mapEntries(source, node).find((e) => e.key === part);
  return entry === undefined ? undefined : { value: entry.value, keyNode: entry.keyNode };
}
