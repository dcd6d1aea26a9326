/**
 * Checks on a YAML file beyond syntax (DESIGN.md section 9): the structure is small enough for
 * the parser (it allocates per nesting level and per node, so a 10 MiB file of brackets would
 * exhaust memory), no custom tags, no duplicate or collection keys, no dangling or
 * self-containing aliases.
 */

import { isAlias, isCollection, isMap, isPair, visit } from 'yaml';
import type { Alias } from 'yaml';
import type { FileDiagnostics } from './file-diagnostics.js';
import { keyText } from './yaml-nodes.js';
import type { YamlSource } from './yaml-nodes.js';

// Far above any real configuration file, far below what makes the parser slow.
const MAX_FLOW_DEPTH = 100;
const MAX_ITEMS = 50_000;
// Deeply indented blocks overflow the parser's stack (it composes them recursively).
const MAX_INDENT = 400;
const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);
const PLAIN_YAML_HINT = 'ci-connect reads plain YAML: text, numbers, booleans, lists and mappings';

/** False (after reporting) when the text is nested too deeply or has too many lines and items. */
export function checkStructureSize(text: string, out: FileDiagnostics): boolean {
  const hint = 'is this the right file?';
  let depth = 0;
  let items = 0;
  let indent = 0; // leading spaces of the current line; -1 once past them
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) indent = 0;
    else if (c === 0x20 && indent >= 0) indent++;
    else indent = -1;
    if (c === 0x5b || c === 0x7b) depth++;
    else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
    else if (c === 0x0a || c === 0x2c) items++;
    if (depth > MAX_FLOW_DEPTH)
      return fail(out, `brackets are nested more than ${MAX_FLOW_DEPTH} levels deep`, hint);
    if (indent > MAX_INDENT) return fail(out, `a line is indented by more than ${MAX_INDENT} spaces`, hint);
  }
  if (items <= MAX_ITEMS) return true;
  return fail(
    out,
    `the file has ${items} lines and list items, more than the ${MAX_ITEMS} a configuration file may have`,
    hint,
  );
}

function fail(out: FileDiagnostics, message: string, hint: string): false {
  out.error([], message, hint);
  return false;
}

/** Custom tags, collection keys, duplicate keys and self-containing aliases, at their nodes. */
export function reportTagsAndKeys(source: YamlSource, out: FileDiagnostics): void {
  const place = (node: unknown, message: string, hint?: string) =>
    out.addAt(
      { range: (node as { range?: readonly number[] | null }).range ?? [0] },
      'error',
      [],
      message,
      hint,
    );
  visit(source.doc, (_, node) => {
    if (isPair(node)) return;
    const tag = (node as { tag?: string }).tag;
    if (tag !== undefined && !CORE_TAGS.has(tag)) {
      place(node, `YAML tag ${tag.replace('tag:yaml.org,2002:', '!!')} is not supported`, PLAIN_YAML_HINT);
    }
    if (isAlias(node)) checkAlias(source, node, place);
    if (isMap(node)) checkKeys(node.items, place);
  });
}

function checkKeys(pairs: readonly unknown[], place: (n: unknown, m: string, h?: string) => void): void {
  const seen = new Set<string>();
  for (const pair of pairs) {
    if (!isPair(pair)) continue;
    if (isCollection(pair.key)) place(pair.key, 'a mapping key must be text, not a list or mapping');
    const key = keyText(pair.key);
    if (key === undefined || key === '<<') continue;
    if (seen.has(key))
      place(pair.key, `the key ${JSON.stringify(key)} appears twice in this mapping`, 'remove one of them');
    seen.add(key);
  }
}

function checkAlias(
  source: YamlSource,
  alias: Alias,
  place: (n: unknown, m: string, h?: string) => void,
): void {
  const target = alias.resolve(source.doc);
  const name = `*${alias.source}`;
  if (target === undefined) {
    place(alias, `alias ${name} refers to no anchor`, `define &${alias.source} before this point`);
    return;
  }
  const [start, , end] = target.range ?? [0, 0, 0];
  const at = alias.range?.[0] ?? -1;
  if (at >= start && at < end)
    place(alias, `alias ${name} refers to the node that contains it`, 'YAML data must not contain itself');
}
