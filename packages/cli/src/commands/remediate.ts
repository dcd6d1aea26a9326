import * as Flags from '@oclif/core/flags';
import {
  remediate,
  type ProblemSource,
  type RemediationPlan,
  type RemediationRunResult,
} from '@ci-connect/core';
import { BaseCommand } from '../base-command.js';
import { caFileFlag, historyFlag, projectFlags } from '../flags.js';
import { renderRemediation, renderRemediationPlan } from '../output/remediation-text.js';
import { parseLabels } from '../parse-key-values.js';
import { withStopSignals } from '../stage-run-tools.js';

const PROBLEM_FLAGS = ['problem-id', 'event-file', 'problem-type'];

export default class Remediate extends BaseCommand {
  static override summary =
    "Remediate a problem with the actions of the service's remediation.yaml, re-evaluating after each";
  static override description = `Keptn's auto-remediation in a CI job. The problem comes from Dynatrace (--problem-id), from a
problem notification payload (--event-file: a Dynatrace webhook body, or a Keptn remediation.triggered
or problem event), or by its type alone (--problem-type). The next action for it in remediation.yaml
(root cause, then title, then default; actions already recorded for the problem in history are
skipped) runs through tasks.<action> in ci-connect.yaml (scaling without one: helm, replicaCount
raised by the action's value). After --wait the service's quality gate runs over the time since the
action: pass or warning resolves the problem (a comment on the Dynatrace problem; --close closes
it), fail tries the next action, and no action left escalates. Every step is recorded in history.
Exits 0 (resolved, or the problem is closed), 1 (escalated), 2 (configuration), 3 (Dynatrace or
monitoring unreachable), 130/143 (stopped; the next remediate continues where this one stopped).`;

  static override examples = [
    '<%= config.bin %> remediate --stage production --service carts --problem-id P-211117376 --close',
    '<%= config.bin %> remediate --stage production --event-file problem.json --wait 2m',
    '<%= config.bin %> remediate --stage production --problem-type "Response time degradation" --dry-run',
  ];

  static override flags = {
    ...projectFlags,
    ...historyFlag,
    ...caFileFlag,
    'problem-id': Flags.string({
      description: 'the Dynatrace problem: its id or display id (P-...), read from the Problems API v2',
      env: 'CI_CONNECT_PROBLEM_ID',
      exactlyOne: PROBLEM_FLAGS,
    }),
    'event-file': Flags.string({
      description:
        'a problem notification payload (Dynatrace webhook body, Keptn remediation.triggered or problem event)',
      env: 'CI_CONNECT_EVENT_FILE',
      exactlyOne: PROBLEM_FLAGS,
    }),
    'problem-type': Flags.string({
      description:
        'the problem\'s type alone, as remediation.yaml\'s problemType (e.g. "Response time degradation")',
      env: 'CI_CONNECT_PROBLEM_TYPE',
      exactlyOne: PROBLEM_FLAGS,
    }),
    wait: Flags.string({
      description:
        "time between an action and the quality gate, e.g. 90s or 2m (default: the shipyard's remediation evaluation triggeredAfter, else 1m)",
      env: 'CI_CONNECT_WAIT',
    }),
    close: Flags.boolean({
      description: 'close the Dynatrace problem once the quality gate passes',
      env: 'CI_CONNECT_CLOSE',
      default: false,
    }),
    label: Flags.string({
      description: 'label recorded with each step, key=value (repeatable; env CI_CONNECT_LABELS=k=v,k2=v2)',
      multiple: true,
    }),
    'dry-run': Flags.boolean({
      description: 'print the next action and how it would run; run and change nothing',
      default: false,
    }),
  };

  async run(): Promise<RemediationRunResult | RemediationPlan> {
    const { flags } = await this.parse(Remediate);
    const request = {
      configDir: flags['config-dir'],
      project: flags.project,
      stage: flags.stage,
      service: flags.service,
      problem: problemSource(flags),
      wait: flags.wait,
      close: flags.close,
      history: flags.history,
      labels: parseLabels(flags.label, process.env),
      dryRun: flags['dry-run'],
      caFile: flags['ca-file'],
    };
    return withStopSignals(this.logger, async (signal) => {
      const outcome = await remediate(request, this.host(signal));
      if (outcome.kind === 'plan') {
        if (!this.jsonEnabled()) this.writeResult(renderRemediationPlan(outcome.plan));
        return outcome.plan;
      }
      if (!this.jsonEnabled()) this.writeResult(renderRemediation(outcome.result, this.palette));
      this.setExitCode(outcome.result.exitCode);
      return outcome.result;
    });
  }
}

function problemSource(flags: {
  'problem-id'?: string | undefined;
  'event-file'?: string | undefined;
  'problem-type'?: string | undefined;
}): ProblemSource {
  if (flags['problem-id'] !== undefined) return { problemId: flags['problem-id'] };
  if (flags['event-file'] !== undefined) return { eventFile: flags['event-file'] };
  return { problemType: flags['problem-type'] ?? '' };
}
