import * as Flags from '@oclif/core/flags';
import { DEFAULT_REPORT_EVALUATIONS, formatScore, report, type ReportSummary } from '@ci-connect/core';
import { BaseCommand } from '../base-command.js';
import { historyFlag, projectFlags } from '../flags.js';

export default class Report extends BaseCommand {
  static override summary = "Write the HTML report of a service's evaluations in a stage: heatmap and trends";
  static override description = `Reads the newest evaluations of one project, stage and service from history (invalidated ones
included, and marked) and writes a static HTML page, index.html, with its stylesheet report.css: a heatmap of
objectives by evaluation, the total score and each objective over time against their thresholds and baselines,
and the evaluations with their versions, labels and links back to their CI jobs. It has no script and no inline
style, so it renders as a CI artifact under Jenkins' default Content Security Policy. Exits 0 when written,
2 when nothing is recorded for that project, stage and service (or a flag or file is wrong), and 3 when the
history store cannot be reached.`;

  static override examples = [
    '<%= config.bin %> report --service carts --stage hardening --out public/quality-gate',
    '<%= config.bin %> report --project sockshop --stage production --service carts --last 200 --history file:history.jsonl',
    '<%= config.bin %> report --service carts --json',
  ];

  static override flags = {
    ...projectFlags,
    ...historyFlag,
    last: Flags.integer({
      description: `how many of the newest evaluations (default ${DEFAULT_REPORT_EVALUATIONS})`,
      env: 'CI_CONNECT_REPORT_LAST',
      min: 1,
    }),
    out: Flags.string({
      description: 'the directory to write index.html and report.css into (publish it as a CI artifact)',
      env: 'CI_CONNECT_REPORT_OUT',
      default: 'ci-connect-report',
    }),
  };

  async run(): Promise<ReportSummary> {
    const { flags } = await this.parse(Report);
    const { report: written, exitCode } = await report(
      {
        configDir: flags['config-dir'],
        project: flags.project,
        stage: flags.stage,
        service: flags.service,
        history: flags.history,
        last: flags.last,
        outDir: flags.out,
      },
      this.host(),
    );
    if (!this.jsonEnabled()) this.writeResult(renderWritten(written));
    this.setExitCode(exitCode);
    return written;
  }
}

function renderWritten(r: ReportSummary): string {
  const n = `${r.evaluations} evaluation${r.evaluations === 1 ? '' : 's'}`;
  const invalidated = r.invalidated === 0 ? '' : ` (${r.invalidated} invalidated)`;
  const newest = `newest: ${r.newest.result} ${formatScore(r.newest.score)} at ${r.newest.evaluatedAt}`;
  return [
    `HTML report of ${n}${invalidated} of ${r.service} in ${r.stage} (project ${r.project}); ${newest}`,
    ...r.files.map((file) => `  ${file}`),
    '',
  ].join('\n');
}
