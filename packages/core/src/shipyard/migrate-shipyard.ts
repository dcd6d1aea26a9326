/**
 * `ci-connect migrate shipyard`, the pure part: a legacy 0.1 shipyard's text in, the
 * spec.keptn.sh/0.2 file out. The conversion is the one every command applies when it loads a
 * legacy file (legacy-shipyard.ts), so a migrated project behaves exactly as before; the new
 * text is loaded again and compared with it before it is returned.
 */

import { isDeepStrictEqual } from 'node:util';
import { parseDocument } from 'yaml';
import { requireConfig } from '../config/config-errors.js';
import type { Diagnostic } from '../config/diagnostics.js';
import { ConfigError, InternalError } from '../errors.js';
import { carryLegacyComments } from './legacy-comments.js';
import { CONVERTED_API_VERSION, LEGACY_FORMAT_WARNING } from './legacy-shipyard.js';
import { shipyardDocument } from './shipyard-document.js';
import { parseShipyard } from './shipyard-file.js';

export interface ShipyardMigration {
  /** The converted file, with the original's line endings. */
  text: string;
  /** What the legacy file had that the conversion changed or ignored (warnings). */
  diagnostics: Diagnostic[];
  /** The stages, in promotion order, and the sequences each got. */
  stages: { name: string; sequences: string[] }[];
}

export interface MigrateShipyardOptions {
  /** metadata.name of the new file (Keptn's examples: shipyard-<project>). */
  name: string;
}

/**
 * Converts a legacy shipyard; a ConfigError (exit 2) when the file is already 0.2 or has
 * errors, each with file:line:col.
 */
export async function migrateLegacyShipyard(
  text: string,
  file: string,
  options: MigrateShipyardOptions,
): Promise<ShipyardMigration> {
  const loaded = await parseShipyard(text, file);
  const shipyard = requireConfig(loaded.shipyard, loaded.diagnostics);
  if (!shipyard.legacy)
    throw new ConfigError(
      `${file} is already a spec.keptn.sh/0.2 shipyard (apiVersion: ${shipyard.apiVersion}): nothing to convert`,
      {
        hint: 'ci-connect reads it as it is; `ci-connect validate` checks it',
      },
    );
  const converted = shipyardDocument(CONVERTED_API_VERSION, options.name, shipyard.stages);
  carryLegacyComments(parseDocument(text), converted);
  const lf = converted.toString({ lineWidth: 0 });
  const reloaded = await parseShipyard(lf, file);
  if (reloaded.shipyard === undefined || !isDeepStrictEqual(reloaded.shipyard.stages, shipyard.stages))
    throw new InternalError(`the converted shipyard does not load as the legacy one did (${file})`);
  return {
    text: text.includes('\r\n') ? lf.replaceAll('\n', '\r\n') : lf,
    diagnostics: loaded.diagnostics.filter((d) => d.message !== LEGACY_FORMAT_WARNING),
    stages: shipyard.stages.map((s) => ({ name: s.name, sequences: s.sequences.map((q) => q.name) })),
  };
}
