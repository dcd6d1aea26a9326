/**
 * A check across one service's SLO and SLI files: a fixed target that looks written in another
 * unit than the provider's query answers in (e.g. `<400`, milliseconds, against a Dynatrace
 * metric in microseconds). Providers say what they know of their queries through a TargetChecker;
 * each finding is a warning at the criterion, naming the query's file and line.
 */

import { CriterionSyntaxError, parseCriterion } from '../gate/criteria.js';
import type { Diagnostic } from './diagnostics.js';
import type { EffectiveFiles } from './cross-check.js';
import { makeDiagnostic } from './file-diagnostics.js';

/** A provider's check of one fixed target against one of its queries; undefined when it fits. */
export type TargetChecker = (query: string, target: number) => { message: string; hint: string } | undefined;

/** A provider's built-in query that answers an SLI no SLI file defines (e.g. Dynatrace's Keptn defaults). */
export interface BuiltInDefinition {
  provider: string;
  query: string;
}

/**
 * Warnings for fixed pass/warning targets that do not fit the unit of the SLI's query: an SLI
 * file's, or else the built-in query the gate will run for it (`builtIns`, known only to the gate).
 */
export function findUnitMismatches(
  files: EffectiveFiles,
  checkers: Readonly<Record<string, TargetChecker>>,
  builtIns: Readonly<Record<string, BuiltInDefinition>> = {},
): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const reference of files.references) {
    const builtIn = builtIns[reference.sli];
    const inFile = definitionOf(files, reference.sli);
    const defined =
      inFile ??
      (builtIn === undefined
        ? undefined
        : { ...builtIn, where: `${builtIn.provider} built-in indicator ${reference.sli}` });
    const checker = defined === undefined ? undefined : checkers[defined.provider];
    if (defined === undefined || checker === undefined) continue;
    for (const criterion of reference.criteria ?? []) {
      const target = fixedTarget(criterion.raw);
      const problem = target === undefined ? undefined : checker(defined.query, target);
      if (problem === undefined) continue;
      const message = `"${criterion.raw}" for SLI "${reference.sli}": ${problem.message} (${defined.where})`;
      // A built-in query is changed by writing it into the provider's SLI file.
      const hint =
        inFile === undefined
          ? `${problem.hint}; to convert it, define ${reference.sli} in sli/${defined.provider}.yaml ` +
            `(the built-in query: ${defined.query})`
          : problem.hint;
      found.push(makeDiagnostic('warning', files.sloFile, criterion.path, message, hint, criterion.position));
    }
  }
  return found;
}

function definitionOf(
  files: EffectiveFiles,
  sli: string,
): { provider: string; query: string; where: string } | undefined {
  for (const [provider, result] of files.slis) {
    const indicator = result.sli?.indicators[sli];
    if (indicator !== undefined && result.sli !== undefined)
      return {
        provider,
        query: indicator.query,
        where: `${result.sli.file}:${indicator.line}:${indicator.column}`,
      };
  }
  return undefined;
}

/** The number of a fixed criterion (`<400`); undefined for relative or unreadable ones. */
function fixedTarget(raw: string): number | undefined {
  try {
    const criterion = parseCriterion(raw);
    return criterion.kind === 'fixed' ? criterion.amount : undefined;
  } catch (error) {
    if (error instanceof CriterionSyntaxError) return undefined; // the SLO's own check reports it
    throw error;
  }
}
