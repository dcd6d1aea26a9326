/**
 * validate's check across ci-connect.yaml and shipyard.yaml: `defaults.stage` must be one of the
 * shipyard's stages, since every command that falls back to it (trigger-deployment, evaluate
 * with a shipyard) would refuse it, and only after the pipeline has started.
 */

import { join } from 'node:path';
import { knownNamesHint } from '../shipyard/names.js';
import { loadShipyardFile } from '../shipyard/shipyard-file.js';
import type { Diagnostic } from './diagnostics.js';
import { FileDiagnostics } from './file-diagnostics.js';
import { isFile } from './guards.js';
import { readYamlFile } from './load-yaml-file.js';
import type { LoadOptions } from './load-yaml-file.js';

/**
 * An error at ci-connect.yaml's `defaults.stage` when the config directory's shipyard loads and
 * has no such stage; nothing when either file is missing or has errors of its own.
 */
export async function checkDefaultStage(
  configDir: string,
  stage: string | undefined,
  options: LoadOptions = {},
): Promise<Diagnostic[]> {
  const shipyardFile = join(configDir, 'shipyard.yaml');
  if (stage === undefined || !(await isFile(shipyardFile))) return [];
  const { shipyard } = await loadShipyardFile(shipyardFile, options);
  const stages = shipyard?.stages.map((s) => s.name) ?? [];
  if (shipyard === undefined || stages.includes(stage)) return [];
  const file = join(configDir, 'ci-connect.yaml');
  const parsed = await readYamlFile(file, options);
  const out = new FileDiagnostics(file);
  out.source = parsed.source;
  out.error(
    ['defaults', 'stage'],
    `there is no stage ${JSON.stringify(stage)} in ${shipyardFile}`,
    `${knownNamesHint(stage, 'stages', stages)}; commands use defaults.stage when neither --stage nor CI_CONNECT_STAGE is given`,
  );
  return out.list;
}
