/** A Keptn remediation file (spec.keptn.sh/0.1.4, keptn-spec.md 4) as ci-connect uses it. */

export interface RemediationFile {
  /** The file it was read from, as the user named it. */
  file: string;
  /** metadata.name, or '' when there is none. */
  name: string;
  /** In file order: the first entry for a problem type is the one used. */
  remediations: readonly Remediation[];
}

export interface Remediation {
  /** Compared exactly with the problem's root cause, then its title; `default` matches any problem. */
  problemType: string;
  /** Tried one after the other while the problem stays open. */
  actions: readonly RemediationAction[];
}

export interface RemediationAction {
  /** The action's identifier, which selects what runs it (e.g. scaling, toggle-feature). */
  action: string;
  /** Display name ('' when missing). */
  name: string;
  /** '' when missing. */
  description: string;
  /** The action's parameter, passed on unchanged (text or a mapping); absent when not written. */
  value?: unknown;
}
