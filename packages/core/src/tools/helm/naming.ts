/**
 * Namespace and release names, following Keptn's helm-service so a team migrating off Keptn
 * upgrades the releases Keptn created instead of colliding with them: namespace
 * `<project>-<stage>`, release `<project>-<stage>-<service>`, shortened the way helm-service did
 * (keptn/keptn helm-service/pkg/helm/helm_helper.go, GetReleaseName).
 */

import { ConfigError } from '../../errors.js';
import type { BlueGreenColor, HelmTarget } from './types.js';

/** Helm refuses release names longer than this. */
const RELEASE_NAME_MAX = 53;
const NAMESPACE_MAX = 63;
// Helm's release name rule (pkg/chartutil/validate_name.go) and Kubernetes' DNS-1123 label.
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Blue/green adds this much to the base name ("-green"). */
const LONGEST_COLOR_SUFFIX = '-green'.length;

/** The names of the releases one target uses. */
export interface HelmNames {
  namespace: string;
  /** direct: the release; blue/green: the switch release that owns the stable Service. */
  release: string;
}

/** The namespace and release name for a target, validated; an override always wins. */
export function resolveHelmNames(target: HelmTarget): HelmNames {
  const namespace = target.namespace ?? joinNames(target.project, target.stage);
  if (namespace.length > NAMESPACE_MAX || !DNS_LABEL.test(namespace))
    throw new ConfigError(`"${namespace}" cannot be a Kubernetes namespace`, {
      hint: `a namespace is at most ${NAMESPACE_MAX} lowercase letters, digits and "-"; set the deployment's namespace explicitly`,
    });
  const suffixLength = target.strategy === 'blue_green_service' ? LONGEST_COLOR_SUFFIX : 0;
  const release = target.releaseName ?? defaultReleaseName(target, suffixLength);
  const longest = release.length + suffixLength;
  if (longest > RELEASE_NAME_MAX || !RELEASE_NAME.test(release))
    throw new ConfigError(`"${release}" cannot be a Helm release name`, {
      hint:
        `a release name is at most ${RELEASE_NAME_MAX} lowercase letters, digits, "-" and "."` +
        (suffixLength > 0 ? ` including the "-green" suffix blue/green adds` : '') +
        '; set the deployment\u2019s releaseName explicitly',
    });
  return { namespace, release };
}

/** The release that holds one colour of a blue/green deployment. */
export function colorReleaseName(baseRelease: string, color: BlueGreenColor): string {
  return `${baseRelease}-${color}`;
}

// Keptn's order: the full name, then without the project, then the service alone. Keptn cut the
// service name as a last resort, which can make two services share a release; we refuse instead.
function defaultReleaseName(target: HelmTarget, suffixLength: number): string {
  const candidates = [
    joinNames(target.project, target.stage, target.service),
    joinNames(target.stage, target.service),
  ];
  // helm-service compared with "<" rather than "<=": kept, so the names match Keptn's exactly.
  return candidates.find((name) => name.length + suffixLength < RELEASE_NAME_MAX) ?? target.service;
}

function joinNames(...parts: (string | undefined)[]): string {
  return parts.filter((part) => part !== undefined && part !== '').join('-');
}
