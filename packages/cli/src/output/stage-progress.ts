import type { Logger, Redactor, ShipyardTask, StageRunListener, TaskResult } from '@ci-connect/core';
import type { Listr, ListrRendererValue } from 'listr2';

/** How a stage run shows its progress: the logger its runners write to, and the run's listener. */
export interface StageProgress {
  logger: Logger;
  listener: StageRunListener;
}

/**
 * On a terminal, a listr2 task list per sequence (spinner, each task's runner, duration and
 * message; tool output such as JMeter's summary lines in the list's output bar). Elsewhere (CI
 * logs, pipes, TERM=dumb, CI=true, a terminal of no width) plain lines, each task with its duration.
 */
export function createStageProgress(
  logger: Logger,
  options: { stream: { isTTY?: boolean; columns?: number }; env: NodeJS.ProcessEnv; redactor: Redactor },
): StageProgress {
  const interactive =
    options.stream.isTTY === true &&
    options.stream.columns !== 0 &&
    !isTruthy(options.env.CI) &&
    options.env.TERM !== 'dumb';
  if (!interactive) return { logger, listener: progressLines(logger) };
  const list = new TaskListProgress(logger, options.redactor);
  return { logger: list.logger, listener: list };
}

/** Plain progress lines on stderr, each task with its duration (CI logs are not terminals). */
function progressLines(logger: Pick<Logger, 'info'>): StageRunListener {
  return {
    taskStarted: (task, runner, context) =>
      logger.info(`▶ ${context.stage}.${context.sequence} ${task.name} (${runner})`),
    taskFinished: (task, result) => logger.info(`${mark(result)} ${task.name} ${describe(result)}`),
  };
}

type Outcome = TaskResult | 'not-run';

/** A listr2 list whose tasks wait for the sequence runner's results instead of running anything. */
export class TaskListProgress implements StageRunListener {
  /** The list of the running sequence (tests read its tasks' states). */
  list: Listr<unknown, ListrRendererValue, ListrRendererValue> | undefined;
  private outcomes: Deferred<Outcome>[] = [];
  private next = 0;
  /** The running task of the list: where runner output is shown. */
  private active: { output: string } | undefined;
  private running: Promise<unknown> | undefined;
  private readonly warnings: string[] = [];

  /** Runners write here: output goes to the list's output bar while a task runs. */
  readonly logger: Logger;

  constructor(
    private readonly base: Logger,
    private readonly redactor: Redactor,
    /** Tests pass `{ renderer: 'silent' }`. */
    private readonly listOptions: { renderer?: 'silent' } = {},
  ) {
    this.logger = {
      debug: (message) => base.debug(message),
      info: (message) => (this.active ? this.show(message) : base.info(message)),
      // Warnings must outlive the output bar: shown now, printed again once the list is done.
      warn: (message) =>
        this.active ? (this.warnings.push(message), this.show(`⚠ ${message}`)) : base.warn(message),
    };
  }

  async sequenceStarted(input: { sequence: string; tasks: readonly ShipyardTask[] }): Promise<void> {
    const { DefaultRenderer, Listr, ListrLogger, ProcessOutput } = await import('listr2');
    // listr2 picks its renderer by stdout, but stdout carries the result (or --json): this one
    // draws on stderr, which createStageProgress found to be a terminal.
    class StderrRenderer extends DefaultRenderer {
      static override nonTTY = true;
    }
    this.outcomes = input.tasks.map(() => deferred<Outcome>());
    this.next = 0;
    const list = new Listr<unknown, ListrRendererValue, ListrRendererValue>(
      input.tasks.map((task, index) => ({
        title: task.name,
        rendererOptions: { outputBar: 3 },
        task: async (_context, wrapper) => {
          this.active = wrapper;
          const outcome = await this.outcomes[index]!.promise;
          this.active = undefined;
          if (outcome === 'not-run') {
            wrapper.title = `${task.name}: not run`;
            return wrapper.skip();
          }
          wrapper.title = `${task.name} ${describe(outcome)}`;
          if (outcome.status === 'waiting') return wrapper.skip();
          if (outcome.result === 'fail' || outcome.status !== 'succeeded') throw new Error(wrapper.title);
          return undefined;
        },
      })),
      {
        concurrent: false,
        exitOnError: false,
        renderer: StderrRenderer,
        rendererOptions: {
          logger: new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) }),
        },
        ...this.listOptions,
      },
    );
    this.list = list;
    this.running = list.run().catch(() => undefined);
  }

  taskFinished(_task: ShipyardTask, result: TaskResult): void {
    this.outcomes[this.next++]?.resolve(result);
  }

  async sequenceFinished(): Promise<void> {
    for (const outcome of this.outcomes.slice(this.next)) outcome.resolve('not-run');
    await this.running;
    this.running = undefined;
    for (const warning of this.warnings.splice(0)) this.base.warn(warning);
  }

  private show(message: string): void {
    if (this.active) this.active.output = this.redactor.redact(message);
  }
}

function describe(result: TaskResult): string {
  return `${result.result} (${result.runner}) in ${(result.durationMs / 1000).toFixed(1)} s: ${result.message}`;
}

function mark(result: TaskResult): string {
  return result.status === 'waiting' ? '⏸' : result.result === 'fail' ? '✗' : '✓';
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
