/**
 * Runs the Helm side of the shipyard tasks `deployment`, `release` and `rollback`: first the
 * read-only commands a decision needs, then the decided commands (plan.ts), through the process
 * runner. A failed release is a `failed` result (exit 1); a missing helm is a ConfigError (exit
 * 2); an unreachable cluster is an ExternalSystemError (exit 3).
 */

import { ExternalSystemError } from '../../errors.js';
import { silentLogger } from '../../environment.js';
import type { Logger } from '../../environment.js';
import { createRedactor } from '../../redaction/redaction.js';
import type { Redactor } from '../../redaction/redaction.js';
import { runProcess } from '../process.js';
import type { ProcessRunner } from '../process.js';
import {
  helmErrorMessage,
  isClusterUnreachable,
  isReleaseNotFound,
  parseBlueGreenState,
  parseHistory,
  parseReplicaCount,
  parseRevisionLine,
} from './helm-output.js';
import { resolveHelmNames } from './naming.js';
import { decideHelmStep, planReads } from './decide.js';
import type { HelmDecision, HelmKnownState } from './decide.js';
import { timeoutSeconds } from './helm-argv.js';
import { planHelm } from './plan.js';
import type { HelmPlan } from './plan.js';
import type { HelmAction, HelmScaleResult, HelmScaleTarget, HelmStepResult, HelmTarget } from './types.js';

/** How the Helm runner reaches helm; everything is injectable for tests. */
export interface HelmRunnerOptions {
  /** Default: the real process runner. */
  runProcess?: ProcessRunner;
  /** The helm executable, a name looked up on PATH or a path. Default "helm". */
  helmBinary?: string;
  /** helm's whole environment (KUBECONFIG, HELM_* ...); omitted: ci-connect's own. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  logger?: Logger;
  /**
   * The run's redactor, applied to every message and logged command line, and to helm's error
   * output before it is cut short. Default: one that knows no secret (credential shapes only).
   */
  redactor?: Redactor;
  /** Cancels the running helm, killing its process group (the CLI aborts on SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL when helm is stopped. Default 5000 ms. */
  killGraceMs?: number;
  /** A hard limit for every helm command, instead of the one derived from the target's timeout. */
  commandTimeoutMs?: number;
  /** Added to "helm not found on PATH": how the user points ci-connect at helm. */
  notFoundHint?: string;
}

// An --atomic upgrade may wait `timeout` for the release and again for its own rollback; the
// margin lets Helm finish that rollback instead of being killed in the middle of it.
const ATOMIC_MARGIN_SECONDS = 60;
const READ_TIMEOUT_SECONDS = 120;
// `helm get values` prints every user-supplied value; the JSON must not be cut by the tail.
const READ_TAIL_BYTES = 8 * 1024 * 1024;

/** A Helm command that did not succeed: caught in runStep and turned into a failed result. */
class HelmCommandFailure extends Error {}

/** Runs Helm for one shipyard task on one service in one stage. */
export class HelmRunner {
  private readonly helm: string;
  private readonly run: ProcessRunner;
  private readonly logger: Logger;
  private readonly redactor: Redactor;

  constructor(private readonly options: HelmRunnerOptions = {}) {
    this.helm = options.helmBinary ?? 'helm';
    this.run = options.runProcess ?? runProcess;
    this.logger = options.logger ?? silentLogger;
    this.redactor = options.redactor ?? createRedactor();
  }

  /** Runs the reads, decides, and runs the decided commands; see docs/helm.md. */
  async runStep(action: HelmAction, target: HelmTarget): Promise<HelmStepResult> {
    const started = Date.now();
    const commands: string[][] = [];
    const outcome = await this.attempt(action, target, commands);
    const namespace = target.strategy === 'user_managed' ? null : resolveHelmNames(target).namespace;
    const message = this.redact(outcome.message);
    const result: HelmStepResult = {
      ...outcome,
      message,
      action,
      strategy: target.strategy,
      namespace,
      commands,
      durationMs: Date.now() - started,
    };
    if (result.revision === undefined) delete result.revision;
    return result;
  }

  private async attempt(action: HelmAction, target: HelmTarget, commands: string[][]): Promise<StepOutcome> {
    let known: HelmKnownState = {};
    let decision: HelmDecision | undefined;
    try {
      known = await this.readState(action, target, commands);
      decision = decideHelmStep(action, target, known, this.helm);
      if (decision.kind !== 'run') {
        const status = decision.kind === 'nothing' ? 'succeeded' : 'failed';
        return { status, release: decision.release, message: decision.message, ...colors(known, decision) };
      }
      let revision: number | undefined;
      for (const argv of decision.commands) {
        const printed = await this.change(argv, target, commands);
        // The first command is the one the step is about (blue/green: the colour, not the switch).
        revision ??= printed;
      }
      if (action === 'rollback' && target.strategy === 'direct') revision = nextRevision(known);
      const message = successMessage(action, decision);
      return {
        status: 'succeeded',
        release: decision.release,
        revision,
        message,
        ...colors(known, decision),
      };
    } catch (error) {
      if (!(error instanceof HelmCommandFailure)) throw error;
      const release = decision?.kind === 'run' ? decision.release : null;
      return { status: 'failed', release, message: error.message, ...colors(known, decision, true) };
    }
  }

  /** The helm command it runs (HELM_BIN, else `helm`). */
  get binary(): string {
    return this.helm;
  }

  /** Whether the step runs Helm at all (a user_managed step, or a direct release, runs none). */
  runsHelm(action: HelmAction, target: HelmTarget): boolean {
    return planHelm(action, target, {}, this.helm).commands.length > 0;
  }

  /** How to fix a helm command that cannot be found. */
  notFoundHint(): string {
    return (
      this.options.notFoundHint ?? 'install Helm 3 (https://helm.sh/docs/intro/install/) and put it on PATH'
    );
  }

  /** The exact plan of a step for `--dry-run`: runs only the read-only commands. */
  async planStep(action: HelmAction, target: HelmTarget): Promise<HelmPlan> {
    try {
      const known = await this.readState(action, target, []);
      return planHelm(action, target, known, this.helm);
    } catch (error) {
      if (!(error instanceof HelmCommandFailure)) throw error;
      // A dry run still shows what it can: the reads, and what they would have decided.
      const plan = planHelm(action, target, {}, this.helm);
      return { ...plan, description: `${plan.description} (the read failed: ${this.redact(error.message)})` };
    }
  }

  /**
   * The remediation action `scaling` (Keptn's helm-service: the value is the number of replicas
   * to add): reads the release's `replicaCount` (`helm get values --all`, 1 when the chart sets
   * none), then upgrades the release with the same values and `replicaCount` + increment.
   */
  async scale(target: HelmScaleTarget, increment: number): Promise<HelmScaleResult> {
    const commands: string[][] = [];
    const where = ['--namespace', target.namespace];
    const read = [this.helm, 'get', 'values', target.release, ...where, '--all', '--output', 'json'];
    try {
      commands.push(read);
      const values = await this.exec(read, {
        timeoutMs: READ_TIMEOUT_SECONDS * 1000,
        tailBytes: READ_TAIL_BYTES,
        missingRelease: true,
      });
      if (values === null)
        return {
          status: 'failed',
          message: `there is no release ${target.release} in ${target.namespace} to scale`,
          commands,
        };
      const from = parseReplicaCount(values.text);
      if (typeof from !== 'number')
        return {
          status: 'failed',
          message: `the release ${target.release} has replicaCount ${from.invalid}, not a whole number of replicas: set a number in its values (or run scaling through a command: tasks.scaling)`,
          commands,
        };
      const to = Math.max(0, from + increment);
      const timeout = target.timeoutSeconds ?? 300;
      const upgrade = [
        ...[this.helm, 'upgrade', target.release, target.chartDir, ...where, '--reuse-values'],
        ...['--atomic', '--wait', '--timeout', `${timeout}s`, '--set', `replicaCount=${to}`],
      ];
      commands.push(upgrade);
      await this.exec(upgrade, {
        timeoutMs: (2 * timeout + ATOMIC_MARGIN_SECONDS) * 1000,
        missingRelease: false,
      });
      return {
        status: 'succeeded',
        message: `scaled ${target.release} from ${from} to ${to} replicas`,
        commands,
        from,
        to,
      };
    } catch (error) {
      if (!(error instanceof HelmCommandFailure)) throw error;
      return { status: 'failed', message: this.redact(error.message), commands };
    }
  }

  private redact(text: string): string {
    return this.redactor.redact(text);
  }

  private async readState(
    action: HelmAction,
    target: HelmTarget,
    commands: string[][],
  ): Promise<HelmKnownState> {
    const known: HelmKnownState = {};
    for (const argv of planReads(action, target, this.helm)) {
      commands.push(argv);
      const stdout = await this.exec(argv, {
        timeoutMs: READ_TIMEOUT_SECONDS * 1000,
        tailBytes: READ_TAIL_BYTES,
        missingRelease: true,
      });
      if (argv[1] === 'history') known.history = stdout === null ? null : parseHistory(stdout.text);
      else
        known.blueGreen =
          stdout === null ? { activeColor: null, releasedColor: null } : parseBlueGreenState(stdout.text);
    }
    return known;
  }

  /** Runs one changing command; returns the revision Helm printed, if any. */
  private async change(
    argv: string[],
    target: HelmTarget,
    commands: string[][],
  ): Promise<number | undefined> {
    commands.push(argv);
    const timeoutMs = (2 * timeoutSeconds(target) + ATOMIC_MARGIN_SECONDS) * 1000;
    const output = await this.exec(argv, { timeoutMs, missingRelease: false });
    return output?.revision;
  }

  /** Runs helm; null when a read found no release. Throws HelmCommandFailure for a failed command. */
  private async exec(
    argv: readonly string[],
    limits: { timeoutMs: number; tailBytes?: number; missingRelease: boolean },
  ): Promise<{ text: string; revision: number | undefined } | null> {
    const redact = (text: string): string => this.redact(text);
    const shown = describeCommand(argv);
    this.logger.info(redact(`running ${argv.join(' ')}`));
    let revision: number | undefined;
    const timeoutMs = this.options.commandTimeoutMs ?? limits.timeoutMs;
    const result = await this.run({
      argv,
      cwd: this.options.cwd,
      env: this.options.env,
      timeoutMs,
      signal: this.options.signal,
      killGraceMs: this.options.killGraceMs,
      tailBytes: limits.tailBytes,
      notFoundHint: this.notFoundHint(),
      // stdout is not logged: `helm get values` prints every value, secrets included.
      onLine: (stream, line) => {
        if (stream === 'stderr') this.logger.debug(redact(`helm: ${line}`));
        // The first one: chart NOTES follow the summary and may contain anything.
        else revision ??= parseRevisionLine(line);
      },
    });
    if (result.timedOut)
      throw new HelmCommandFailure(
        `helm timed out after ${timeoutMs / 1000}s (${shown}); ci-connect stopped it and its child processes`,
      );
    if (result.aborted)
      throw new HelmCommandFailure(`${shown} was cancelled; ci-connect stopped helm and its child processes`);
    if (result.exitCode === 0) return { text: result.stdoutTail, revision };
    if (limits.missingRelease && isReleaseNotFound(result.stderrTail)) return null;
    const message = helmErrorMessage(result.stderrTail, this.redactor);
    if (isClusterUnreachable(result.stderrTail))
      throw new ExternalSystemError(`helm cannot reach the Kubernetes cluster: ${message}`, {
        hint: 'check KUBECONFIG and the runner\u2019s network access to the cluster; retrying may help',
      });
    const ended =
      result.exitCode === null
        ? `was ended by ${result.signal ?? 'a signal'}`
        : `failed (exit ${result.exitCode})`;
    throw new HelmCommandFailure(`${shown} ${ended}: ${message}`);
  }
}

/** A step's result before the fields every step shares. */
type StepOutcome = Omit<HelmStepResult, 'action' | 'strategy' | 'namespace' | 'commands' | 'durationMs'>;

function colors(
  known: HelmKnownState,
  decision: HelmDecision | undefined,
  failed = false,
): Pick<HelmStepResult, 'blueGreen'> {
  if (known.blueGreen === undefined) return {};
  const before = known.blueGreen;
  // A failed step changed no traffic: the switch comes last, and --atomic undoes a failed one.
  const after = !failed && decision?.kind === 'run' && decision.after !== undefined ? decision.after : before;
  const deployed =
    decision?.kind === 'run' && decision.deployedColor !== undefined
      ? { deployedColor: decision.deployedColor }
      : {};
  return { blueGreen: { before, after, ...deployed } };
}

/** "helm upgrade shop-dev-carts", "helm get values shop-prod-carts": the command and its release. */
function describeCommand(argv: readonly string[]): string {
  // Option values are not prefixed, but they all follow the subcommand and the release.
  const words = argv.slice(1).filter((word) => !word.startsWith('--'));
  return ['helm', ...words.slice(0, words[0] === 'get' ? 3 : 2)].join(' ');
}

// `helm rollback` prints no revision; it always creates the one after the newest.
function nextRevision(known: HelmKnownState): number | undefined {
  const newest = known.history?.at(-1);
  return newest === undefined ? undefined : newest.revision + 1;
}

function successMessage(action: HelmAction, decision: Extract<HelmDecision, { kind: 'run' }>): string {
  const colors = decision.after;
  switch (action) {
    case 'deployment':
      return decision.deployedColor === undefined
        ? `deployed ${decision.release}`
        : `deployed ${decision.release}; traffic switched to ${decision.deployedColor}`;
    case 'release':
      return `released ${colors?.activeColor ?? ''} (${decision.release})`.replace(' ()', '');
    case 'rollback':
      return colors === undefined
        ? `rolled back ${decision.release}`
        : `traffic returned to ${colors.activeColor ?? ''} (${decision.release})`;
  }
}
