/**
 * Checks across the files that apply to one service in one stage (DESIGN.md section 3): an SLI
 * name defined by two providers is an error; an objective whose SLI no SLI file defines and no
 * provider has built in is a warning (its value can still come from --values).
 */

import type { Diagnostic } from './diagnostics.js';
import { makeDiagnostic } from './file-diagnostics.js';
import type { SliLoadResult } from './sli-file.js';
import type { SliReference } from './slo-file.js';

/** The loaded files that apply to one service in one stage (no stage: the base files). */
export interface EffectiveFiles {
  service: string;
  stage?: string;
  sloFile: string;
  references: readonly SliReference[];
  slis: readonly [provider: string, result: SliLoadResult][];
}

/** An objective whose SLI nothing defines, with the stages in which that is so. */
export interface UndefinedSli {
  service: string;
  sloFile: string;
  reference: SliReference;
  /** undefined stands for the base files (no stage). */
  stages: (string | undefined)[];
}

/** Errors for SLI names defined by two providers, at the second definition. */
export function findDuplicateIndicators(files: EffectiveFiles): Diagnostic[] {
  const first = new Map<string, string>();
  const found: Diagnostic[] = [];
  for (const [provider, result] of [...files.slis].sort(([a], [b]) => a.localeCompare(b))) {
    const sli = result.sli;
    if (sli === undefined) continue;
    for (const [name, { line, column }] of Object.entries(sli.indicators)) {
      const earlier = first.get(name);
      if (earlier === undefined) {
        first.set(name, `provider ${provider} (${sli.file}:${line}:${column})`);
        continue;
      }
      const message = `SLI "${name}" is also defined by ${earlier}`;
      const hint = 'an SLI name must come from one provider: rename or remove one';
      found.push(makeDiagnostic('error', sli.file, ['indicators', name], message, hint, { line, column }));
    }
  }
  return found;
}

/** The objectives whose SLI no effective SLI file defines and no provider has built in. */
export function findUndefinedSlis(files: EffectiveFiles, builtIn: ReadonlySet<string>): UndefinedSli[] {
  // With a broken SLI file we cannot tell which names it defines: its own errors say enough.
  if (files.slis.some(([, r]) => r.sli === undefined)) return [];
  const defined = new Set(files.slis.flatMap(([, r]) => Object.keys(r.sli?.indicators ?? {})));
  return files.references
    .filter((ref) => !defined.has(ref.sli) && !builtIn.has(ref.sli))
    .map((reference) => ({
      service: files.service,
      sloFile: files.sloFile,
      reference,
      stages: [files.stage],
    }));
}

/** One warning per objective, naming the stages when it is not a problem of the base files. */
export function undefinedSliWarning({ service, sloFile, reference, stages }: UndefinedSli): Diagnostic {
  const named = stages.filter((s) => s !== undefined);
  const where = stages.includes(undefined) ? '' : ` in stage ${named.join(', ')}`;
  const message = `no SLI file of service "${service}" defines "${reference.sli}"${where}, and no provider has it built in`;
  const hint = 'define it in sli/<provider>.yaml, or pass its value with --values';
  return makeDiagnostic('warning', sloFile, reference.path, message, hint, reference.position);
}
