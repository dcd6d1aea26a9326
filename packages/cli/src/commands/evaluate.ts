import * as Flags from '@oclif/core/flags';
import { evaluate, type EvaluationRecord } from '@ci-connect/core';
import { BaseCommand } from '../base-command.js';
import { caFileFlag, gateFlags, historyFlag, projectFlags } from '../flags.js';
import { renderEvaluation } from '../output/evaluation-table.js';
import { parseKeyValues, parseLabels } from '../parse-key-values.js';

export default class Evaluate extends BaseCommand {
  static override summary = 'Run the quality gate: score SLIs against the SLO, record and report the result';
  static override description = `Fetches each SLI of the service's slo.yaml for the time window, scores it against the
objectives and the baseline from earlier evaluations (Keptn lighthouse semantics), appends the result to
history and exits 0 (pass, and warning by default), 1 (fail), 2 (configuration error),
3 (monitoring unavailable) or 4 (warning with --on-warning warn).`;

  static override examples = [
    '<%= config.bin %> evaluate --service carts --stage hardening --jtl results.jtl',
    '<%= config.bin %> evaluate --slo slo.yaml --values values.json --json',
    '<%= config.bin %> evaluate --service carts --jtl results.jtl --report-dir reports --on-warning warn',
  ];

  static override flags = {
    ...projectFlags,
    ...historyFlag,
    ...gateFlags,
    version: Flags.string({
      description: 'version of the service being evaluated (recorded)',
      env: 'CI_CONNECT_VERSION',
    }),
    start: Flags.string({
      description: 'window start: ISO 8601 (UTC unless a zone is given) or epoch seconds',
      env: 'CI_CONNECT_START',
      helpGroup: 'WINDOW',
    }),
    end: Flags.string({
      description: 'window end (needs --start)',
      env: 'CI_CONNECT_END',
      helpGroup: 'WINDOW',
    }),
    timeframe: Flags.string({
      description: 'window length, e.g. 15m; alone: the last 15 minutes (default 5m)',
      env: 'CI_CONNECT_TIMEFRAME',
      helpGroup: 'WINDOW',
    }),
    slo: Flags.string({
      description: "SLO file, instead of the config directory's slo.yaml",
      env: 'CI_CONNECT_SLO',
      helpGroup: 'SOURCES',
    }),
    sli: Flags.string({
      description: 'SLI file for a provider, PROVIDER=FILE (repeatable)',
      multiple: true,
      helpGroup: 'SOURCES',
    }),
    values: Flags.string({
      description:
        'JSON file of SLI values {"sli": number | null}; overrides any other definition of those SLIs',
      env: 'CI_CONNECT_VALUES',
      helpGroup: 'SOURCES',
    }),
    settle: Flags.integer({
      description:
        "seconds to wait after the window's end before querying Dynatrace (default 120, Keptn's value; 360 with a USQL; SLI)",
      env: 'CI_CONNECT_SETTLE',
      min: 0,
      max: 3600,
      helpGroup: 'SOURCES',
    }),
    ...caFileFlag,
    'dynatrace-event': Flags.boolean({
      description:
        'send the result to Dynatrace as a CUSTOM_INFO event (default: ci-connect.yaml events.dynatrace.enabled)',
      env: 'CI_CONNECT_DYNATRACE_EVENT',
      allowNo: true,
    }),
    jtl: Flags.string({
      description: 'JMeter results file (CSV or XML); enables the jmeter provider',
      env: 'CI_CONNECT_JTL',
      helpGroup: 'SOURCES',
    }),
    'report-dir': Flags.string({
      description:
        'write evaluation.json, summary.md, junit.xml and the HTML report of its history (index.html, report.css) here',
      env: 'CI_CONNECT_REPORT_DIR',
    }),
  };

  async run(): Promise<EvaluationRecord> {
    const { flags } = await this.parse(Evaluate);
    const labels = parseLabels(flags.label, process.env);
    const sliFiles = Object.entries(parseKeyValues(flags.sli ?? [], '--sli', 'prometheus=sli.yaml')).map(
      ([provider, file]) => ({ provider, file }),
    );
    const reportDir = flags['report-dir'];
    const { evaluation, exitCode, reports } = await evaluate(
      {
        configDir: flags['config-dir'],
        project: flags.project,
        stage: flags.stage,
        service: flags.service,
        version: flags.version,
        labels,
        window: { start: flags.start, end: flags.end, timeframe: flags.timeframe },
        history: flags.history,
        onWarning: flags['on-warning'],
        sloFile: flags.slo,
        sliFiles,
        valuesFile: flags.values,
        jtlFile: flags.jtl,
        settleSeconds: flags.settle,
        caFile: flags['ca-file'],
        dynatraceEvent: flags['dynatrace-event'],
        reportDir,
      },
      this.host(),
    );
    if (!this.jsonEnabled()) this.writeResult(renderEvaluation(evaluation, this.palette));
    if (reports.length > 0) this.logger.info(`reports written: ${reports.join(', ')}`);
    this.setExitCode(exitCode);
    return evaluation;
  }
}
