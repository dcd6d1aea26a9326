/**
 * The last two steps for an SLO file: normalise it to the `Slo` type with Keptn's defaults
 * (keptn-spec.md 1.2) and check the rules a schema cannot express. Where Keptn silently produced
 * an outcome from a broken file, this is an error instead (DESIGN.md section 5).
 * Runs after the schema check: values of the wrong type were reported there and are skipped here.
 */

import { CriterionSyntaxError, parseCriterion } from '../gate/criteria.js';
import type { CriteriaSet, Criterion, Objective, Slo } from '../gate/types.js';
import type { FileDiagnostics } from './file-diagnostics.js';
import { isRecord } from './guards.js';
import { readComparison, readTotalScore } from './slo-scores.js';
import { scalarText } from './yaml-nodes.js';
import type { DocPath, YamlSource } from './yaml-nodes.js';

type Raw = Record<string, unknown>;

// yaml.v3 read these YAML 1.1 words into Keptn's bool fields.
const YES = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const OBJECTIVE_HINT = 'add e.g. objectives: [{ sli: response_time_p95, pass: [{ criteria: ["<600"] }] }]';

/** The `Slo` of a schema-checked SLO document, or undefined when it has errors. */
export function normaliseSlo(source: YamlSource, out: FileDiagnostics): Slo | undefined {
  const data = source.data as Raw;
  const filter = readFilter(source, data.filter);
  const comparison = readComparison(data.comparison, out);
  const objectives = readObjectives(source, data.objectives, out);
  const totalScore = readTotalScore(source, data.total_score, out);
  if (out.hasErrors || totalScore === undefined) return undefined;
  return { filter, comparison, objectives, totalScore };
}

function readFilter(source: YamlSource, raw: unknown): Record<string, string> {
  const filter: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!isRecord(raw)) return filter;
  for (const [key, value] of Object.entries(raw)) {
    if (!isRecord(value) && !Array.isArray(value)) filter[key] = scalarText(source, ['filter', key], value);
  }
  return filter;
}

function readObjectives(source: YamlSource, raw: unknown, out: FileDiagnostics): Objective[] {
  const list = Array.isArray(raw) ? raw : [];
  const objectives: Objective[] = [];
  list.forEach((entry: unknown, i) => {
    if (entry === null)
      out.warning(['objectives', i], 'empty objective (ignored, as Keptn did)', 'remove the lone "-"');
    if (isRecord(entry)) objectives.push(readObjective(source, entry, ['objectives', i], out));
  });
  if (!list.some(isRecord) && (raw === undefined || raw === null || Array.isArray(raw))) {
    out.error(
      ['objectives'],
      'no objectives: an SLO needs at least one objective to score',
      OBJECTIVE_HINT,
      'key',
    );
  }
  return objectives;
}

function readObjective(source: YamlSource, raw: Raw, path: DocPath, out: FileDiagnostics): Objective {
  const sli =
    isRecord(raw.sli) || Array.isArray(raw.sli) ? '' : scalarText(source, [...path, 'sli'], raw.sli);
  if (sli === '' && !isRecord(raw.sli) && !Array.isArray(raw.sli)) {
    out.error(
      [...path, 'sli'],
      'missing: every objective names the SLI it scores',
      'add e.g. sli: response_time_p95',
    );
  }
  const pass = readCriteriaList(source, raw.pass, [...path, 'pass'], out);
  const warning = readCriteriaList(source, raw.warning, [...path, 'warning'], out);
  const keySli = raw.key_sli === true || (typeof raw.key_sli === 'string' && YES.has(raw.key_sli));
  if (pass.length === 0) warnInformational(raw, path, warning.length > 0, keySli, out);
  const weight = raw.weight;
  return {
    sli,
    displayName: isRecord(raw.displayName)
      ? ''
      : scalarText(source, [...path, 'displayName'], raw.displayName),
    pass,
    warning,
    // Keptn: a missing or 0 weight is 1; negative and fractional ones are schema errors.
    weight: typeof weight === 'number' && Number.isInteger(weight) && weight >= 1 ? weight : 1,
    keySli,
  };
}

function warnInformational(
  raw: Raw,
  path: DocPath,
  hasWarning: boolean,
  keySli: boolean,
  out: FileDiagnostics,
): void {
  const why = 'an objective without pass criteria is informational';
  if (hasWarning)
    out.warning(
      [...path, 'warning'],
      `ignored: ${why}, so its warning criteria are never checked`,
      'add pass criteria to score it',
      'key',
    );
  if (keySli)
    out.warning(
      [...path, 'key_sli'],
      `no effect: ${why} and can never fail the evaluation`,
      'add pass criteria to score it',
      'key',
    );
  if (raw.weight !== undefined && raw.weight !== null && !hasWarning) {
    out.warning(
      [...path, 'weight'],
      `no effect: ${why} and not scored`,
      'add pass criteria to score it',
      'key',
    );
  }
}

function readCriteriaList(
  source: YamlSource,
  raw: unknown,
  path: DocPath,
  out: FileDiagnostics,
): CriteriaSet[] {
  if (!Array.isArray(raw)) return [];
  const sets: CriteriaSet[] = [];
  raw.forEach((entry: unknown, j) => {
    if (entry !== null && !isRecord(entry)) return;
    const criteria = entry?.criteria;
    if (criteria !== undefined && criteria !== null && !Array.isArray(criteria)) return;
    if (criteria === undefined || criteria === null || criteria.length === 0) {
      const hint = 'write e.g. - criteria: ["<600"] (Keptn counted an entry without criteria as always met)';
      out.error([...path, j, 'criteria'], 'no criteria: each entry needs at least one criterion', hint);
      return;
    }
    const set = criteria.map((c: unknown, k) => readCriterion(source, c, [...path, j, 'criteria', k], out));
    if (set.every((c) => c !== undefined)) sets.push(set);
  });
  return sets;
}

function readCriterion(
  source: YamlSource,
  raw: unknown,
  path: DocPath,
  out: FileDiagnostics,
): Criterion | undefined {
  if (isRecord(raw) || Array.isArray(raw)) return undefined;
  try {
    return parseCriterion(scalarText(source, path, raw));
  } catch (error) {
    if (!(error instanceof CriterionSyntaxError)) throw error;
    out.error(path, error.message, error.hint);
    return undefined;
  }
}
