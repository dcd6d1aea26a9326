/** Keptn remediation files (`remediation.yaml`, spec.keptn.sh/0.1.4): loading with file:line:col diagnostics. */

export {
  REMEDIATION_API_VERSION,
  loadRemediationFile,
  parseRemediation,
  validateRemediationFile,
} from './remediation-file.js';
export type { RemediationLoadResult } from './remediation-file.js';
export type { Remediation, RemediationAction, RemediationFile } from './types.js';
