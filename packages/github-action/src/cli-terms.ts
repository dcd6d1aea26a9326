/**
 * Core's messages and hints name the CLI's flags ("say which with --service", "run again with
 * --approved-by NAME to approve"); a workflow author writes the action's inputs instead. An
 * error's message and hint name the input a flag stands for. Log lines and task messages also
 * quote tool command lines (`helm upgrade ... --values v.yaml --version 1.4.2`), which must stay
 * as they ran: there only the approval's instruction is said in inputs.
 */

// The flags whose input is not the flag's name in snake_case (label → labels, ...).
const RENAMED: Readonly<Record<string, string>> = {
  label: 'labels',
  property: 'properties',
  from: 'from_stage',
  to: 'stage',
  type: 'event_type',
};

// The CLI's flags that are inputs of the action under their own name (action.yml).
const SAME_NAME = new Set([
  'service',
  'stage',
  'version',
  'project',
  'config-dir',
  'history',
  'on-warning',
  'report-dir',
  'ca-file',
  'dynatrace-event',
  'start',
  'end',
  'timeframe',
  'slo',
  'values',
  'jtl',
  'settle',
  'image',
  'sequence',
  'url',
  'approved-by',
  'force',
  'dry-run',
  'results-dir',
  'test-timeout',
  'title',
  'entity-selector',
]);

// `--approved-by NAME`: the placeholder goes with the flag.
const FLAG = /(?<![\w-])--([a-z][a-z-]*[a-z])(?![\w-])( NAME\b)?/g;

/** An error's text with each CLI flag that is an input written as `the input <name>`; other flags stay. */
export function inActionTerms(text: string): string {
  return text.replace(FLAG, (whole, flag: string) => {
    const input = RENAMED[flag] ?? (SAME_NAME.has(flag) ? flag.replaceAll('-', '_') : undefined);
    return input === undefined ? whole : `the input ${input}`;
  });
}

/** A log line or task message with the approval's `--approved-by NAME` written as the input. */
export function approvalInActionTerms(text: string): string {
  return text.replaceAll('--approved-by NAME', 'the input approved_by');
}
