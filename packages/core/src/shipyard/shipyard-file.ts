/**
 * Loading `shipyard.yaml`: yaml (positions kept) → the JSON Schema in
 * packages/core/schemas/shipyard.schema.json → Keptn's rules → the typed `Shipyard`.
 * spec.keptn.sh/0.2.x files are read as they are; legacy 0.1 files are converted, with a warning.
 */

import type { Diagnostic } from '../config/diagnostics.js';
import { sortDiagnostics } from '../config/file-diagnostics.js';
import { isRecord } from '../config/guards.js';
import { readYamlFile } from '../config/load-yaml-file.js';
import type { LoadOptions } from '../config/load-yaml-file.js';
import { checkSchema } from '../config/schema-check.js';
import { parseYamlSource } from '../config/yaml-source.js';
import type { YamlParseResult } from '../config/yaml-source.js';
import { CONVERTED_API_VERSION, convertLegacyShipyard, isLegacyShipyard } from './legacy-shipyard.js';
import { textAt } from './names.js';
import type { ReadContext } from './names.js';
import { readApiVersion, readStages } from './shipyard-rules.js';
import type { Shipyard } from './types.js';

export interface ShipyardLoadResult {
  /** Present when the file has no errors (warnings allowed). */
  shipyard?: Shipyard;
  diagnostics: Diagnostic[];
}

const NOT_FOUND_HINT =
  'put the shipyard in the config directory as shipyard.yaml (--config-dir, CI_CONNECT_CONFIG_DIR)';

/** Loading options; with `runnableTasks`, a task none of them names is reported (validate). */
export interface ShipyardLoadOptions extends LoadOptions {
  runnableTasks?: readonly string[] | undefined;
}

/** Loads and validates a Keptn shipyard; every problem of the file is in `diagnostics`. */
export async function loadShipyardFile(
  path: string,
  options: ShipyardLoadOptions = {},
): Promise<ShipyardLoadResult> {
  return finish(
    await readYamlFile(path, { notFoundHint: NOT_FOUND_HINT, ...options }),
    options.runnableTasks,
  );
}

/** Validates shipyard text as if read from `file`. */
export async function parseShipyard(
  text: string,
  file = 'shipyard.yaml',
  options: ShipyardLoadOptions = {},
): Promise<ShipyardLoadResult> {
  return finish(parseYamlSource(file, text, options), options.runnableTasks);
}

/** `ci-connect validate` for shipyard.yaml (registered in FILE_VALIDATORS). */
export async function validateShipyardFile(
  path: string,
  options: ShipyardLoadOptions = {},
): Promise<Diagnostic[]> {
  return (await loadShipyardFile(path, options)).diagnostics;
}

async function finish(
  { source, diagnostics: out }: YamlParseResult,
  runnableTasks?: readonly string[],
): Promise<ShipyardLoadResult> {
  if (source === undefined) return { diagnostics: sortDiagnostics(out.list) };
  await checkSchema('shipyard', source, out, { skipRequired: true });
  const ctx: ReadContext = { source, out, runnableTasks };
  const data = isRecord(source.data) ? source.data : {};
  const shipyard = isLegacyShipyard(data) ? readLegacy(ctx, data) : readCurrent(ctx, data);
  return {
    ...(shipyard !== undefined && !out.hasErrors ? { shipyard } : {}),
    diagnostics: sortDiagnostics(out.list),
  };
}

function readCurrent(ctx: ReadContext, data: Record<string, unknown>): Shipyard | undefined {
  if (data.stages !== undefined) {
    ctx.out.error(
      ['stages'],
      'stages at the top level is the legacy 0.1 format; with apiVersion they belong under spec',
      'move them to spec: { stages: [...] }, with sequences and tasks',
      'key',
    );
  }
  const apiVersion = readApiVersion(ctx, data.apiVersion);
  const stages = readStages(ctx, data);
  if (apiVersion === undefined) return undefined;
  return { file: ctx.source.file, apiVersion, name: metadataName(ctx, data), legacy: false, stages };
}

function readLegacy(ctx: ReadContext, data: Record<string, unknown>): Shipyard {
  const stages = convertLegacyShipyard(ctx, data);
  return { file: ctx.source.file, apiVersion: CONVERTED_API_VERSION, name: '', legacy: true, stages };
}

function metadataName(ctx: ReadContext, data: Record<string, unknown>): string {
  const metadata = isRecord(data.metadata) ? data.metadata : {};
  return textAt(ctx, ['metadata', 'name'], metadata.name) ?? '';
}
