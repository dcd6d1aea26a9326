/**
 * Names that end up in generated pipelines. Stage and sequence names are already checked when
 * the shipyard is loaded (Keptn's rules: letters, digits, `-`, `_`), so only service names,
 * which come from directory names or `--service`, are checked here.
 */

import { UsageError } from '../errors.js';

/** A service name that is a directory name, a job-id part and a plain word in YAML and Groovy. */
export const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A UsageError (exit 2) for a service name no CI job could carry safely. */
export function requireServiceName(service: string): void {
  if (SERVICE_NAME.test(service) && service.length <= 63) return;
  throw new UsageError(`the service name ${JSON.stringify(service)} cannot name a CI job`, {
    hint: 'use letters, digits, ".", "-" and "_", starting with a letter or digit, at most 63 characters (Keptn allowed 43); rename the directory under base/ or pass --service',
  });
}

/** `<stage>-<sequence>-<service>`: a valid job id in GitLab, GitHub (`^[_a-zA-Z][\w-]*$`) and Jenkins. */
export function jobIdOf(stage: string, sequence: string, service: string): string {
  return `${stage}-${sequence}-${service.replaceAll('.', '_')}`;
}
