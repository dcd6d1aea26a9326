/**
 * Parses a configuration file's text into exactly one YAML document, keeping positions, and
 * refuses what Keptn files never need and attackers like (DESIGN.md section 9): custom tags,
 * unbounded alias expansion, several documents, and inputs whose structure would make the parser
 * itself spend seconds or gigabytes (it allocates per nesting level and per node).
 */

import { LineCounter, isMap, isScalar, parseAllDocuments } from 'yaml';
import type { Document, YAMLError } from 'yaml';
import { FileDiagnostics } from './file-diagnostics.js';
import { describeIndentationError, type YamlText } from './yaml-indentation.js';
import { checkStructureSize, reportTagsAndKeys } from './yaml-checks.js';
import { showScalar } from './yaml-nodes.js';
import type { YamlSource } from './yaml-nodes.js';

export interface YamlParseOptions {
  /** Alias expansions allowed while reading the document (yaml's maxAliasCount; default 100). */
  maxAliasCount?: number;
  /** An empty file is fine (all keys optional); otherwise it is an error. */
  allowEmpty?: boolean;
}

export interface YamlParseResult {
  /** Undefined when the file is empty or could not be parsed. */
  source?: YamlSource;
  /** The file has no document (empty, or only comments). */
  empty: boolean;
  diagnostics: FileDiagnostics;
}

const MAX_SYNTAX_ERRORS = 20;

/** Parses `text` (the content of `file`) into one YAML document, or diagnostics saying why not. */
export function parseYamlSource(file: string, text: string, options: YamlParseOptions = {}): YamlParseResult {
  const out = new FileDiagnostics(file);
  const result = (source?: YamlSource, empty = false): YamlParseResult => ({
    ...(source ? { source } : {}),
    empty,
    diagnostics: out,
  });
  if (!checkStructureSize(text, out)) return result();
  const lineCounter = new LineCounter();
  const docs = parseDocuments(text, lineCounter, out);
  if (docs === undefined) return result();
  const real = (Array.isArray(docs) ? docs : []).filter((d) => !isEmptyDocument(d));
  const first = real[0];
  if (first === undefined) {
    if (options.allowEmpty !== true) reportEmpty(text, out);
    return result(undefined, true);
  }
  const partial: YamlSource = { file, doc: first, lineCounter, data: undefined };
  out.source = partial;
  if (real.length > 1) reportExtraDocuments(real, partial, out);
  if (reportSyntax(first, { file, text, lineCounter }, out) || out.hasErrors) return result();
  reportTagsAndKeys(partial, out);
  if (out.hasErrors) return result();
  const data = toData(partial, options.maxAliasCount ?? 100, out);
  if (out.hasErrors) return result();
  if (!isMap(first.contents)) {
    out.error(
      [],
      `the file must be a mapping of keys to values, but it is ${describeNode(first.contents)}`,
      'write it as `key: value` lines',
    );
    return result();
  }
  return result({ ...partial, data });
}

function parseDocuments(text: string, lineCounter: LineCounter, out: FileDiagnostics) {
  try {
    // uniqueKeys is checked by reportTagsAndKeys: yaml's own check is quadratic in the keys.
    const options = {
      lineCounter,
      prettyErrors: false,
      logLevel: 'silent',
      merge: true,
      uniqueKeys: false,
    } as const;
    return parseAllDocuments(text, options);
  } catch (error) {
    // The parser reports problems as errors; an exception is a parser bug, not the user's.
    out.error([], `cannot parse the file as YAML: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function reportEmpty(text: string, out: FileDiagnostics): void {
  const blank = text.split('\n').every((line) => /^\s*(---|\.\.\.)?\s*$/.test(line));
  out.error(
    [],
    blank ? 'the file is empty' : 'the file holds only comments, no settings',
    'is this the right file?',
  );
}

function isEmptyDocument(doc: Document.Parsed): boolean {
  const c = doc.contents;
  return (
    doc.errors.length === 0 && (c === null || (isScalar(c) && c.value === null && c.source === '' && !c.tag))
  );
}

function reportExtraDocuments(docs: Document.Parsed[], source: YamlSource, out: FileDiagnostics): void {
  const second = docs[1]?.range[0] ?? 0;
  const { line } = source.lineCounter.linePos(second);
  out.addAt(
    { range: [second] },
    'error',
    [],
    `the file holds ${docs.length} YAML documents; a configuration file holds exactly one`,
    `remove the \`---\` line that starts the second document at line ${line}, or split the file`,
  );
}

/** Reports YAML syntax errors (and warnings); true when there was any error. */
function reportSyntax(doc: Document.Parsed, source: YamlText, out: FileDiagnostics): boolean {
  const indentationLines = new Set<number>();
  for (const e of doc.errors.slice(0, MAX_SYNTAX_ERRORS)) {
    const indentation = describeIndentationError(e, source);
    if (indentation !== undefined) {
      // yaml reports one misplaced key twice (BLOCK_AS_IMPLICIT_KEY, MULTILINE_IMPLICIT_KEY).
      const line = indentation.line ?? 0;
      if (!indentationLines.has(line)) out.list.push(indentation);
      indentationLines.add(line);
      continue;
    }
    const [message, hint] = describeYamlError(e);
    out.addAt({ range: e.pos }, 'error', [], message, hint);
  }
  if (doc.errors.length > MAX_SYNTAX_ERRORS) {
    out.list.push({
      severity: 'error',
      file: out.file,
      path: '',
      message: `and ${doc.errors.length - MAX_SYNTAX_ERRORS} more YAML syntax errors`,
    });
  }
  for (const w of doc.warnings) {
    if (w.code === 'TAG_RESOLVE_FAILED') continue; // reported with the node by reportTagsAndKeys
    out.addAt({ range: w.pos }, 'warning', [], `YAML: ${w.message}`);
  }
  return doc.errors.length > 0;
}

function describeYamlError(e: YAMLError): [string, string?] {
  if (e.code === 'DUPLICATE_KEY') return ['YAML syntax error: a key appears twice in the same mapping'];
  // yaml turns a stack overflow while composing deeply indented blocks into an error.
  if (/call stack/i.test(e.message))
    return ['the document is nested too deeply to read', 'is this the right file?'];
  const hint = e.code === 'MISSING_CHAR' ? 'check the quotes and brackets before this point' : undefined;
  return [`YAML syntax error: ${e.message}`, hint];
}

function toData(source: YamlSource, maxAliasCount: number, out: FileDiagnostics): unknown {
  try {
    return source.doc.toJS({ maxAliasCount });
  } catch (error) {
    // yaml throws a ReferenceError when aliases expand beyond maxAliasCount ("billion laughs").
    const message = error instanceof Error ? error.message : String(error);
    const tooMany = /alias count/i.test(message);
    out.error(
      [],
      tooMany
        ? `aliases expand to too many nodes (more than ${maxAliasCount} alias uses)`
        : `cannot read the YAML document: ${message}`,
      tooMany ? 'write the values out instead of using many aliases' : undefined,
    );
    return undefined;
  }
}

function describeNode(node: unknown): string {
  if (isScalar(node)) return typeof node.value === 'string' ? 'text' : `the value ${showScalar(node.value)}`;
  return 'a list';
}
