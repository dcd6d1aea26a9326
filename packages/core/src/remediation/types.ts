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

/**
 * A problem to remediate: read from Dynatrace (`--problem-id`), from a notification payload
 * (`--event-file`: a Dynatrace problem webhook body, a Keptn remediation.triggered or problem
 * event), or named by its type alone (`--problem-type`).
 */
export interface Problem {
  source: 'dynatrace' | 'event-file' | 'problem-type';
  /** Dynatrace's problemId, the Problems API's key (e.g. `-6004362228644432354_1638271020000V2`), when known. */
  problemId?: string;
  /** Dynatrace's display id (`P-211117376`), when known. */
  displayId?: string;
  /** The problem's title (Keptn's problemTitle); for `--problem-type`, the type as given. */
  title: string;
  /** Keptn's rootCause, matched before the title; absent when the source has none. */
  rootCause?: string;
  status: 'open' | 'closed';
  /** What the problem impacts, for the action's environment and the report. */
  impactedEntities: readonly ProblemEntity[];
  /** A link to the problem, when the source has one. */
  url?: string;
  /** The project, stage and service the payload names (Keptn* fields, keptn_* tags), when it names them. */
  target?: { project?: string; stage?: string; service?: string };
}

export interface ProblemEntity {
  id: string;
  name: string;
  type?: string;
}

/** The next action for a problem, chosen as Keptn's remediation-service did (get-action). */
export type ActionChoice =
  | {
      kind: 'action';
      /** The `problemType` of the remediation entry that matched (`default` when only it did). */
      problemType: string;
      /** 0-based position in that entry's actionsOnOpen (Keptn's actionIndex). */
      index: number;
      action: RemediationAction;
    }
  | {
      kind: 'none';
      /** No entry for the problem (and no `default`), or every action was tried. */
      reason: 'no-remediation' | 'exhausted';
      /** Keptn's wording: "unable to find action for ...", "there is no action with index N for ...". */
      message: string;
    };
