/**
 * What JMeter's non-GUI console output says about a run. JMeter 2.13 exits 0 even when it
 * cannot load the plan, so the output is the only sign of that; the same lines bracket the
 * test with its start and end in epoch milliseconds:
 *
 *   Error in NonGUIDriver java.lang.IllegalArgumentException: Problem loading XML from:'...'
 *   Could not open /path/plan.jmx
 *   Starting the test @ Sun Nov 22 13:25:01 UTC 2026 (1795353901952)     (JMeter 5: "Starting standalone test @")
 *   Tidying up ...    @ Sun Nov 22 13:25:02 UTC 2026 (1795353902781)
 */

import type { Logger } from '../../environment.js';
import type { Redactor } from '../../redaction/redaction.js';

/** Facts gathered from the output lines of one run. */
export interface JmeterOutputFacts {
  /** When JMeter started the test (threads starting), epoch ms. */
  testStartedAt?: number;
  /** When JMeter finished the test (all threads done), epoch ms. */
  testEndedAt?: number;
  /** JMeter's line saying it could not load or open the plan. */
  planError?: string;
  /** The plan's line JMeter's XML reader pointed at, when it said. */
  planErrorLine?: number;
}

const STARTED = /^Starting (?:the |standalone )?test @ .*\((\d+)\)\s*$/;
const ENDED = /^Tidying up \.\.\..*@ .*\((\d+)\)\s*$/;
const PLAN_ERRORS = [/^Error in NonGUIDriver\b/, /^Could not open /, /Problem loading XML/];
const XML_LINE = /^line number\s*:\s*(\d+)\s*$/;
const PROGRESS = /^summary [+=]/;
const MAX_ERROR_CHARS = 300;

/** Reads JMeter's output line by line (the process runner's onLine) into JmeterOutputFacts. */
export class JmeterOutputWatcher {
  readonly facts: JmeterOutputFacts = {};

  /** The redactor masks the plan error line before it is cut short. */
  constructor(
    private readonly redactor: Redactor,
    private readonly logger?: Logger,
  ) {}

  readonly onLine = (_stream: 'stdout' | 'stderr', line: string): void => {
    if (PROGRESS.test(line)) this.logger?.info(`jmeter: ${line}`);
    else if (line.trim() !== '') this.logger?.debug(`jmeter: ${line}`);
    this.read(line);
  };

  private read(line: string): void {
    const started = STARTED.exec(line);
    if (started !== null) {
      this.facts.testStartedAt ??= Number(started[1]);
      return;
    }
    const ended = ENDED.exec(line);
    if (ended !== null) {
      this.facts.testEndedAt = Number(ended[1]);
      return;
    }
    if (this.facts.planError === undefined && PLAN_ERRORS.some((pattern) => pattern.test(line))) {
      this.facts.planError = this.redactor.clip(line.trim(), MAX_ERROR_CHARS);
      return;
    }
    const xmlLine = XML_LINE.exec(line);
    if (xmlLine !== null && this.facts.planError !== undefined)
      this.facts.planErrorLine ??= Number(xmlLine[1]);
  }
}
