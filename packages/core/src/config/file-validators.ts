import type { Diagnostic } from './diagnostics.js';
import type { LoadOptions } from './load-yaml-file.js';

/** Validates one kind of configuration file found by name in the config directory. */
export type FileValidator = (path: string, options: LoadOptions) => Promise<Diagnostic[]>;

/**
 * Validators for config files this module does not check itself, by file name. validateConfigDir
 * runs each one on every file of that name at the top of the config directory and in every
 * service directory (base and overlays). The shipyard.yaml and remediation.yaml validators are
 * added here by their own issue, e.g. `'shipyard.yaml': validateShipyardFile`.
 */
export const FILE_VALIDATORS: Readonly<Record<string, FileValidator>> = {};
