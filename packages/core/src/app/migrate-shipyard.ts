/**
 * `ci-connect migrate shipyard`, the use case: reads a legacy 0.1 shipyard (default the config
 * directory's), converts it (shipyard/migrate-shipyard.ts), and returns the new text, or with
 * `write` replaces the file atomically (a temporary file beside it, then a rename).
 */

import { randomBytes } from 'node:crypto';
import { chmod, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { requireConfig } from '../config/config-errors.js';
import type { Diagnostic } from '../config/diagnostics.js';
import { loadProjectSettings } from '../config/project-config.js';
import { readConfigText } from '../config/read-config-file.js';
import { UsageError } from '../errors.js';
import { PROVIDER_SETTINGS } from '../providers/registry.js';
import { CONVERTED_API_VERSION } from '../shipyard/legacy-shipyard.js';
import { migrateLegacyShipyard } from '../shipyard/migrate-shipyard.js';
import type { Host } from './host.js';

/** What `migrate shipyard` was asked. */
export interface MigrateShipyardRequest {
  configDir: string;
  /** Default: `<configDir>/shipyard.yaml`. */
  file?: string;
  /** Replace the file in place; otherwise the text is only returned. */
  write: boolean;
}

/** The `--json` result of `migrate shipyard`. */
export interface MigrateShipyardResult {
  schemaVersion: 1;
  kind: 'shipyard-migration';
  /** The legacy file that was read (absolute). */
  file: string;
  /** True when the file was replaced. */
  written: boolean;
  apiVersion: string;
  stages: { name: string; sequences: string[] }[];
  /** What the conversion changed or ignored, as file:line:col warnings. */
  warnings: Diagnostic[];
  /** The converted file. */
  text: string;
}

const NOT_FOUND_HINT =
  'name the file (ci-connect migrate shipyard path/to/shipyard.yaml) or the directory with --config-dir';

/** Converts the legacy shipyard; ConfigError (exit 2) for a 0.2 file or one with errors. */
export async function migrateShipyard(
  request: MigrateShipyardRequest,
  host: Pick<Host, 'cwd' | 'logger'>,
): Promise<MigrateShipyardResult> {
  const configDir = resolve(host.cwd, request.configDir);
  const file = resolve(host.cwd, request.file ?? join(configDir, 'shipyard.yaml'));
  const read = await readConfigText(file, { notFoundHint: NOT_FOUND_HINT });
  const text = requireConfig(read.text, read.diagnostics);
  const migration = await migrateLegacyShipyard(text, file, { name: await shipyardName(configDir, host) });
  if (request.write) await replaceFile(file, migration.text);
  return {
    schemaVersion: 1,
    kind: 'shipyard-migration',
    file,
    written: request.write,
    apiVersion: CONVERTED_API_VERSION,
    stages: migration.stages,
    warnings: migration.diagnostics,
    text: migration.text,
  };
}

/** `shipyard-<project>` as Keptn's examples named it, when ci-connect.yaml names the project. */
async function shipyardName(configDir: string, host: Pick<Host, 'logger'>): Promise<string> {
  // Without ci-connect.yaml, the default configuration: no project.
  const config = await loadProjectSettings(configDir, host.logger, PROVIDER_SETTINGS);
  return config.project === undefined ? 'shipyard' : `shipyard-${config.project}`;
}

/**
 * Readers see the old file or the new one, never half of either. A symbolic link stays a link:
 * the file it points to is replaced.
 */
async function replaceFile(path: string, text: string): Promise<void> {
  const target = await realpath(path);
  const mode = (await stat(target)).mode & 0o777;
  // Unique per run: a file an interrupted run left (containers reuse process ids) neither blocks
  // this one nor is removed by it.
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, { mode, flag: 'wx' });
    await chmod(temporary, mode); // the umask took bits away from the mode writeFile asked for
    await rename(temporary, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    // EEXIST: the name was someone else's; anything else may have left half of ours.
    if (code !== 'EEXIST') await rm(temporary, { force: true });
    throw new UsageError(`cannot replace ${path} (${code}): nothing was changed`, {
      hint: `check that you may write in ${dirname(target)}, or leave out --write and redirect stdout to a file`,
    });
  }
}
