/**
 * What a use case needs from the world it runs in (DESIGN.md section 2: core takes its
 * environment as parameters). A front end builds one: the CLI from its process, the GitHub
 * Action from the runner's. Nothing in core reads process.env, the clock or signals itself.
 */

import type { Clock, Logger } from '../environment.js';
import type { Redactor } from '../redaction/redaction.js';
import type { ProcessRunner } from '../tools/process.js';

export interface Host {
  /**
   * A `file:` history and `report --out` are resolved against it. Config and input files and the
   * report directories are still read and written relative to the process's cwd (messages show
   * them as the user wrote them): a front end keeps the two equal.
   */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  /** Progress and warnings (stderr in the CLI); results are returned, never logged. */
  logger: Logger;
  /** Every output of the use case passes through it; the front end prints through it too. */
  redactor: Redactor;
  /**
   * Aborted when the job is stopped; its `reason` names the signal (`SIGTERM`), so that the
   * exit code can say so (130, 143).
   */
  signal: AbortSignal;
  runProcess: ProcessRunner;
  newId: () => string;
}
