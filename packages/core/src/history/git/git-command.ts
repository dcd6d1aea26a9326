/**
 * Runs the real `git` the way the history store needs it: through the project's process runner
 * (argv, no shell, a timeout, killed with its children on cancel), never waiting for a prompt
 * (`GIT_TERMINAL_PROMPT=0`, no pager, no credential manager dialog), with English messages so
 * failures can be told apart, and with every word of output redacted before anyone sees it.
 */

import type { Redactor } from '../../redaction/redaction.js';
import type { ProcessRunner } from '../../tools/process.js';

type Env = Readonly<Record<string, string | undefined>>;

/** What every git call of one store shares. */
export interface GitContext {
  runProcess: ProcessRunner;
  /** The job's environment: PATH, HOME, credential helpers, SSH agent, proxies. */
  env: Env;
  signal?: AbortSignal;
  redactor: Redactor;
}

/** One git call. */
export interface GitCall {
  args: readonly string[];
  cwd?: string;
  /** Added to (or, when undefined, removed from) the job's environment. */
  env?: Env;
  input?: string;
  timeoutMs: number;
  /** Bytes of stdout kept; the default suits one-line answers and listings. */
  outputBytes?: number;
}

/** How a git call ended; stderr is already redacted. */
export interface GitOutput {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** The command as messages show it: `git push`, `git fetch`. */
  command: string;
}

const DEFAULT_OUTPUT_BYTES = 4 * 1024 * 1024;
/** How long a call that stays on this machine may take. */
export const LOCAL_TIMEOUT_MS = 60_000;

/** Settings that keep git from waiting on a human, whatever the job's environment says. */
const UNATTENDED: Env = {
  GIT_TERMINAL_PROMPT: '0',
  GCM_INTERACTIVE: 'never',
  GIT_PAGER: 'cat',
  PAGER: 'cat',
  // Messages in English, so that a rejected push or a refused login can be recognised.
  LC_ALL: 'C',
  LANGUAGE: undefined,
};

/** Runs git; a failure to start it at all (not installed) is the runner's ConfigError. */
export async function runGit(context: GitContext, call: GitCall): Promise<GitOutput> {
  const result = await context.runProcess({
    argv: ['git', ...call.args],
    ...(call.cwd === undefined ? {} : { cwd: call.cwd }),
    env: { ...context.env, ...UNATTENDED, ...call.env },
    timeoutMs: call.timeoutMs,
    ...(context.signal === undefined ? {} : { signal: context.signal }),
    ...(call.input === undefined ? {} : { input: call.input }),
    tailBytes: call.outputBytes ?? DEFAULT_OUTPUT_BYTES,
    notFoundHint:
      'the git: history store runs git: install git (2.31 or newer) and put it on PATH, or use --history file:...',
  });
  return {
    exitCode: result.exitCode,
    stdout: result.stdoutTail,
    stderr: context.redactor.redact(result.stderrTail),
    timedOut: result.timedOut,
    aborted: result.aborted,
    command: `git ${call.args.find((arg) => !arg.startsWith('-')) ?? ''}`.trim(),
  };
}

/**
 * GIT_CONFIG_COUNT settings (git 2.31): configuration for one call that is neither on the command
 * line (where every local user could read a token in it) nor in a file. Settings the job's
 * environment already passes this way come first and stay.
 */
export function configEnvironment(env: Env, settings: readonly (readonly [string, string])[]): Env {
  const given = Number.parseInt(env.GIT_CONFIG_COUNT ?? '0', 10);
  const first = Number.isInteger(given) && given > 0 ? given : 0;
  const out: Record<string, string> = { GIT_CONFIG_COUNT: String(first + settings.length) };
  settings.forEach(([key, value], index) => {
    out[`GIT_CONFIG_KEY_${first + index}`] = key;
    out[`GIT_CONFIG_VALUE_${first + index}`] = value;
  });
  return out;
}
