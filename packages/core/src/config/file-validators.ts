import type { Diagnostic } from './diagnostics.js';
import type { LoadOptions } from './load-yaml-file.js';
import { validateRemediationFile } from '../remediation/remediation-file.js';
import { loadJmeterConf } from './jmeter/jmeter-conf.js';
import { validateShipyardFile } from '../shipyard/shipyard-file.js';

/** Validates one kind of configuration file found by name in the config directory. */
export type FileValidator = (
  path: string,
  options: LoadOptions & {
    runnableTasks?: readonly string[] | undefined;
    runnableActions?: readonly string[] | undefined;
  },
) => Promise<Diagnostic[]>;

/**
 * Validators for config files this module does not check itself, by file name. validateConfigDir
 * runs each one on every file of that name at the top of the config directory and in every
 * service directory (base and overlays): the shipyard lives at the top, remediation.yaml per
 * service.
 */
export const FILE_VALIDATORS: Readonly<Record<string, FileValidator>> = {
  'shipyard.yaml': validateShipyardFile,
  'remediation.yaml': validateRemediationFile,
  // Keptn jmeter-service's workloads, per service (base and overlay).
  'jmeter/jmeter.conf.yaml': async (path, options) => (await loadJmeterConf(path, options)).diagnostics,
};
