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

/** Warnings for fixed pass/warning targets that do not fit the unit of the SLI's query. */
export function findUnitMismatches(
  files: EffectiveFiles,
  checkers: Readonly<Record<string, TargetChecker>>,
): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const reference of files.references) {
    const defined = definitionOf(files, reference.sli);
    const checker = defined === undefined ? undefined : checkers[defined.provider];
    if (defined === undefined || checker === undefined) continue;
    for (const criterion of reference.criteria ?? []) {
      const target = fixedTarget(criterion.raw);
      const problem = target === undefined ? undefined : checker(defined.query, target);
      if (problem === undefined) continue;
      const message = `"${criterion.raw}" for SLI "${reference.sli}": ${problem.message} (${defined.where})`;
      found.push(
        makeDiagnostic('warning', files.sloFile, criterion.path, message, problem.hint, criterion.position),
      );
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
