import type { Slo } from '../gate/types.js';
import type { Diagnostic } from './diagnostics.js';
import { sortDiagnostics } from './file-diagnostics.js';
import { readYamlFile } from './load-yaml-file.js';
import type { LoadOptions } from './load-yaml-file.js';
import { checkSchema } from './schema-check.js';
import { normaliseSlo } from './slo-rules.js';
import { locate, scalarText } from './yaml-nodes.js';
import type { DocPath, Position, YamlSource } from './yaml-nodes.js';
import { parseYamlSource } from './yaml-source.js';
import type { YamlParseResult } from './yaml-source.js';

export interface SloLoadResult {
  /** Present when the file has no errors (warnings allowed). */
  slo?: Slo;
  diagnostics: Diagnostic[];
}

const NOT_FOUND_HINT =
  'pass --slo <file>, or put slo.yaml in the config directory as base/<service>/slo.yaml (--config-dir, CI_CONNECT_CONFIG_DIR)';

/** Loads and validates a Keptn SLO file; every problem of the file is in `diagnostics`. */
export async function loadSloFile(path: string, options: LoadOptions = {}): Promise<SloLoadResult> {
  return finish(await readYamlFile(path, { notFoundHint: NOT_FOUND_HINT, ...options }));
}

/** Where an objective names its SLI, for checks across files. */
export interface SliReference {
  sli: string;
  path: DocPath;
  position?: Position;
  /** The objective's pass and warning criteria as written, where they are. */
  criteria?: readonly CriterionReference[];
}

/** One criterion string of an objective and where it is. */
export interface CriterionReference {
  raw: string;
  path: DocPath;
  position?: Position;
}

/** loadSloFile, plus where each objective names its SLI (used by validateConfigDir). */
export async function loadSloWithReferences(
  path: string,
  options: LoadOptions = {},
): Promise<SloLoadResult & { references: SliReference[] }> {
  const parsed = await readYamlFile(path, { notFoundHint: NOT_FOUND_HINT, ...options });
  const result = await finish(parsed);
  const source = parsed.source;
  if (result.slo === undefined || source === undefined) return { ...result, references: [] };
  const objectives = (source.data as { objectives?: unknown }).objectives;
  const references = (Array.isArray(objectives) ? objectives : []).flatMap(
    (o: unknown, i): SliReference[] => {
      const sli = (o as { sli?: unknown } | null)?.sli;
      if (sli === undefined || sli === null) return [];
      const path = ['objectives', i, 'sli'];
      const position = locate(source, path);
      const criteria = criteriaOf(source, o as Record<string, unknown>, i);
      return [{ sli: scalarText(source, path, sli), path, ...(position ? { position } : {}), criteria }];
    },
  );
  return { ...result, references };
}

/** The `pass` and `warning` criteria strings of objective `index`, with their positions. */
function criteriaOf(
  source: YamlSource,
  objective: Record<string, unknown>,
  index: number,
): CriterionReference[] {
  const found: CriterionReference[] = [];
  for (const key of ['pass', 'warning'] as const) {
    const sets = objective[key];
    if (!Array.isArray(sets)) continue;
    sets.forEach((set: unknown, j) => {
      const list = (set as { criteria?: unknown } | null)?.criteria;
      if (!Array.isArray(list)) return;
      list.forEach((raw: unknown, k) => {
        const path = ['objectives', index, key, j, 'criteria', k];
        const position = locate(source, path);
        found.push({ raw: scalarText(source, path, raw), path, ...(position ? { position } : {}) });
      });
    });
  }
  return found;
}

/** Validates SLO text as if read from `file` (for tests and for SLOs that do not come from a file). */
export async function parseSlo(
  text: string,
  file = 'slo.yaml',
  options: LoadOptions = {},
): Promise<SloLoadResult> {
  return finish(parseYamlSource(file, text, options));
}

function schemaHint(path: DocPath): string | undefined {
  const key = path.at(-1);
  if (key === 'weight') return 'a weight is a whole number from 1 (missing or 0 means 1)';
  if (key === 'number_of_comparison_results') return 'a whole number from 1 (missing or 0 means 3)';
  if (key === 'aggregate_function')
    return 'Keptn computed a baseline of 0 for other functions; ci-connect refuses them';
  return undefined;
}

async function finish({ source, diagnostics: out }: YamlParseResult): Promise<SloLoadResult> {
  if (source === undefined) return { diagnostics: sortDiagnostics(out.list) };
  // The rules report missing keys with better messages than `required` can.
  await checkSchema('slo', source, out, { skipRequired: true, hint: schemaHint });
  const slo = normaliseSlo(source, out);
  return { ...(slo !== undefined && !out.hasErrors ? { slo } : {}), diagnostics: sortDiagnostics(out.list) };
}
