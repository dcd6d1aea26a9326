/**
 * Keptn SLI files (`sli/<provider>.yaml`): `indicators` maps each SLI name to the provider's
 * query. Names and queries are read as Go's map[string]string read them (scalars as written).
 * Providers can check their own query syntax through `checkQuery`, reported at the query.
 */

import type { Diagnostic } from './diagnostics.js';
import { sortDiagnostics } from './file-diagnostics.js';
import type { FileDiagnostics } from './file-diagnostics.js';
import { readYamlFile } from './load-yaml-file.js';
import type { LoadOptions } from './load-yaml-file.js';
import { checkSchema } from './schema-check.js';
import { findNode, mapEntries, nodeText, resolveNode } from './yaml-nodes.js';
import type { YamlSource } from './yaml-nodes.js';
import { parseYamlSource } from './yaml-source.js';
import type { YamlParseResult } from './yaml-source.js';

/**
 * A provider's check of one query; returns the problem, or undefined when the query is fine.
 * A `warning` (default: error) is a query that runs, or fails only its own SLI, as in Keptn.
 */
export type QueryChecker = (
  query: string,
) => { message: string; hint?: string; severity?: 'error' | 'warning' } | undefined;

export interface SliIndicator {
  query: string;
  /** Where the indicator's name is, for messages that point back at it. */
  line: number;
  column: number;
}

/** A validated SLI file. */
export interface SliFile {
  file: string;
  indicators: Readonly<Record<string, SliIndicator>>;
}

export interface SliLoadOptions extends LoadOptions {
  checkQuery?: QueryChecker;
}

export interface SliLoadResult {
  /** Present when the file has no errors (warnings allowed). */
  sli?: SliFile;
  diagnostics: Diagnostic[];
}

const NOT_FOUND_HINT =
  'pass --sli <provider>=<file>, or put it in the config directory as base/<service>/sli/<provider>.yaml (--config-dir, CI_CONNECT_CONFIG_DIR)';
const INDICATORS_HINT = 'add e.g. indicators: { response_time_p95: "<the provider\'s query>" }';

/** Loads and validates a Keptn SLI file; every problem of the file is in `diagnostics`. */
export async function loadSliFile(path: string, options: SliLoadOptions = {}): Promise<SliLoadResult> {
  return finish(await readYamlFile(path, { notFoundHint: NOT_FOUND_HINT, ...options }), options.checkQuery);
}

/** Validates SLI text as if read from `file`. */
export async function parseSli(
  text: string,
  file = 'sli.yaml',
  options: SliLoadOptions = {},
): Promise<SliLoadResult> {
  return finish(parseYamlSource(file, text, options), options.checkQuery);
}

async function finish(
  { source, diagnostics: out }: YamlParseResult,
  checkQuery?: QueryChecker,
): Promise<SliLoadResult> {
  if (source === undefined) return { diagnostics: sortDiagnostics(out.list) };
  await checkSchema('sli', source, out, { skipRequired: true });
  const indicators = readIndicators(source, out, checkQuery);
  const ok = !out.hasErrors;
  return {
    ...(ok ? { sli: { file: source.file, indicators } } : {}),
    diagnostics: sortDiagnostics(out.list),
  };
}

function readIndicators(
  source: YamlSource,
  out: FileDiagnostics,
  checkQuery?: QueryChecker,
): Record<string, SliIndicator> {
  const indicators: Record<string, SliIndicator> = Object.create(null) as Record<string, SliIndicator>;
  const raw = (source.data as Record<string, unknown>).indicators;
  const { found, node } = findNode(source, ['indicators']);
  const entries = found ? mapEntries(source, node) : [];
  if (
    entries.length === 0 &&
    (raw === undefined || raw === null || (typeof raw === 'object' && !Array.isArray(raw)))
  ) {
    out.error(['indicators'], 'no indicators: an SLI file maps SLI names to queries', INDICATORS_HINT, 'key');
  }
  for (const { key, keyNode, value } of entries) {
    const path = ['indicators', key];
    const query = nodeText(resolveNode(source, value) ?? null);
    if (key === '') out.addAt(keyNode, 'error', path, 'an indicator needs a name', 'write name: query');
    if (query === undefined) continue; // a list or mapping: reported by the schema check
    const empty = query.trim() === '';
    const problem = empty
      ? { message: 'no query', hint: "write the provider's query after the name" }
      : checkQuery?.(query);
    if (problem !== undefined)
      out.addAt(empty ? keyNode : value, problem.severity ?? 'error', path, problem.message, problem.hint);
    const { line, col } = source.lineCounter.linePos(keyNode.range?.[0] ?? 0);
    indicators[key] = { query, line, column: col };
  }
  return indicators;
}
