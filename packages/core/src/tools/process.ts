/**
 * Runs an external tool (helm, jmeter) the way DESIGN.md section 9 requires: an argv array and
 * never a shell, a timeout, and on timeout or cancel the whole process group is killed, so a
 * wrapper script cannot leave its children running on the CI runner.
 */

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as delay } from 'node:timers/promises';
import { ConfigError, InternalError } from '../errors.js';

/** What to run and how long it may take. */
export interface ProcessSpec {
  /** The executable (looked up on PATH) and its arguments; never interpreted by a shell. */
  argv: readonly string[];
  cwd?: string;
  /** The child's whole environment (undefined values are dropped); omitted: the parent's. */
  env?: Record<string, string | undefined>;
  /** After this the process group gets SIGTERM, then SIGKILL after `killGraceMs`. */
  timeoutMs: number;
  /** Aborting kills the process group like a timeout does (the CLI aborts on SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Called for every complete output line (without the line break), as it arrives. */
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Time between SIGTERM and SIGKILL. Default 5000 ms. */
  killGraceMs?: number;
  /** Bytes kept of each stream's end in the result. Default 64 KiB. */
  tailBytes?: number;
  /** How to fix a missing executable, e.g. which option names its path. */
  notFoundHint?: string;
  /** Written to the process's stdin, which is then closed; without it stdin is /dev/null. */
  input?: string | Uint8Array;
}

/** How a process ended. A non-zero exit is a result, not an exception. */
export interface ProcessResult {
  /** null when the process was ended by a signal. */
  exitCode: number | null;
  /** The signal that ended the process, e.g. "SIGTERM"; null when it exited by itself. */
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  /** The last `tailBytes` of stdout. */
  stdoutTail: string;
  /** The last `tailBytes` of stderr. */
  stderrTail: string;
}

/** The type of {@link runProcess}, so callers can take a fake runner in tests. */
export type ProcessRunner = (spec: ProcessSpec) => Promise<ProcessResult>;

const DEFAULT_KILL_GRACE_MS = 5000;
const DEFAULT_TAIL_BYTES = 64 * 1024;

/** Runs one process to its end; rejects only when it cannot be started (ConfigError) or onLine threw. */
export const runProcess: ProcessRunner = async (spec) => {
  const [command, ...args] = spec.argv;
  if (command === undefined || command === '')
    throw new InternalError('runProcess was called with an empty argv');
  const started = Date.now();
  if (spec.signal?.aborted === true) return notStartedResult();

  const child = spawn(command, args, {
    cwd: spec.cwd,
    env: spec.env === undefined ? undefined : definedEntries(spec.env),
    // Own process group: killing -pid reaches the grandchildren a wrapper script starts.
    detached: true,
    shell: false,
    stdio: [spec.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  if (spec.input !== undefined && child.stdin !== null) {
    // A process that exits without reading all of it closes the pipe (EPIPE): its exit code
    // and output say what happened, so the write error itself is not news.
    child.stdin.on('error', () => undefined);
    child.stdin.end(spec.input);
  }
  return superviseChild(child, spec, command, started);
};

function notStartedResult(): ProcessResult {
  return {
    exitCode: null,
    signal: null,
    timedOut: false,
    aborted: true,
    durationMs: 0,
    stdoutTail: '',
    stderrTail: '',
  };
}

function definedEntries(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
  return out;
}

function superviseChild(
  child: ChildProcess,
  spec: ProcessSpec,
  command: string,
  started: number,
): Promise<ProcessResult> {
  const tailBytes = spec.tailBytes ?? DEFAULT_TAIL_BYTES;
  const stdout = new OutputStream('stdout', tailBytes, spec.onLine);
  const stderr = new OutputStream('stderr', tailBytes, spec.onLine);
  const group = new ProcessGroupKiller(child.pid, spec.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
  let timedOut = false;
  let aborted = false;

  return new Promise<ProcessResult>((resolve, reject) => {
    const stop = (reason: 'timeout' | 'abort' | 'callback'): void => {
      if (reason === 'timeout') timedOut = true;
      if (reason === 'abort') aborted = true;
      group.terminate();
    };
    const timer = setTimeout(() => stop('timeout'), spec.timeoutMs);
    const onAbort = (): void => stop('abort');
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanUp = (): void => {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
    };

    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk, () => stop('callback')));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk, () => stop('callback')));
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanUp();
      group.forget();
      reject(startError(error, command, spec));
    });
    // 'close' waits for the streams too, so every line has been delivered before we resolve.
    child.once('close', (exitCode: number | null, signal: NodeJS.Signals | null) => {
      cleanUp();
      stdout.end(() => undefined);
      stderr.end(() => undefined);
      group.settled().then(() => {
        const callbackError = stdout.callbackError ?? stderr.callbackError;
        if (callbackError !== undefined) return reject(toError(callbackError));
        resolve({
          exitCode,
          signal,
          timedOut,
          aborted,
          durationMs: Date.now() - started,
          stdoutTail: stdout.tail(),
          stderrTail: stderr.tail(),
        });
      }, reject);
    });
  });
}

function startError(error: NodeJS.ErrnoException, command: string, spec: ProcessSpec): Error {
  const hint = spec.notFoundHint;
  // spawn reports a missing working directory as ENOENT too; say which one is missing.
  if (error.code === 'ENOENT' && spec.cwd !== undefined && !existsSync(spec.cwd))
    return new ConfigError(`working directory ${spec.cwd} does not exist`, {
      hint: `create it or run ${command} from another directory`,
    });
  // A name is looked up on PATH; a path is not, so the message says which one failed.
  const where = command.includes('/') ? 'does not exist' : 'not found on PATH';
  if (error.code === 'ENOENT')
    return new ConfigError(`${command} ${where}`, {
      hint: hint ?? `install ${command} or put the directory that holds it on PATH`,
    });
  if (error.code === 'EACCES')
    return new ConfigError(`${command} cannot be run: permission denied`, {
      hint: hint ?? `make ${command} executable (chmod +x) or point to another copy`,
    });
  return new ConfigError(`${command} could not be started: ${error.message}`, { hint, cause: error });
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new InternalError(`onLine callback failed: ${String(value)}`);
}

/** Sends SIGTERM to the child's process group, then SIGKILL if anything outlives the grace period. */
class ProcessGroupKiller {
  private ended: Promise<void> | undefined;

  constructor(
    private readonly pid: number | undefined,
    private readonly graceMs: number,
  ) {
    if (pid !== undefined) liveGroups.add(pid);
  }

  terminate(): void {
    if (this.ended !== undefined || this.pid === undefined) return;
    signalGroup(this.pid, 'SIGTERM');
    this.ended = endGroup(this.pid, this.graceMs);
  }

  /** Resolves when no member of a terminated group is still running. */
  async settled(): Promise<void> {
    if (this.ended !== undefined) await this.ended;
    this.forget();
  }

  forget(): void {
    if (this.pid !== undefined) liveGroups.delete(this.pid);
  }
}

const POLL_MS = 50;
// SIGKILL cannot be ignored, but its delivery is not instant; this bounds the wait for it.
const SIGKILL_SETTLE_MS = 2000;

async function endGroup(pgid: number, graceMs: number): Promise<void> {
  const graceEnds = Date.now() + graceMs;
  while (Date.now() < graceEnds) {
    if (!groupHasRunningMembers(pgid)) return;
    await delay(POLL_MS);
  }
  signalGroup(pgid, 'SIGKILL');
  const killSettles = Date.now() + SIGKILL_SETTLE_MS;
  while (Date.now() < killSettles && groupHasRunningMembers(pgid)) await delay(POLL_MS);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // kill(2) fails only with ESRCH (the group is gone, as wanted), EPERM (its members are no
    // longer ours to signal) or EINVAL (not for these signals): nothing is left to do. This runs
    // in timers, where a throw would crash ci-connect.
  }
}

function groupHasRunningMembers(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // kill(0) also succeeds for zombies: an orphaned grandchild that has exited stays a zombie
  // until PID 1 reaps it, which in containers can take seconds or never happen. On Linux, look
  // at the members' states instead; elsewhere, trust kill(0).
  return linuxGroupStates(pgid)?.some((state) => state !== 'Z' && state !== 'X') ?? true;
}

/** The states of the processes in a group, from /proc; undefined where /proc is not available. */
function linuxGroupStates(pgid: number): string[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const states: string[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(entry);
    if (stat !== undefined && stat.pgrp === pgid) states.push(stat.state);
  }
  return states;
}

function readProcStat(pid: string): { state: string; pgrp: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ...": comm may itself contain ") ", so split after the last one.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
  } catch {
    // The process exited between readdir and read.
    return undefined;
  }
}

// Detached children are not killed with us; if ci-connect exits while one runs (an uncaught
// error, process.exit in the CLI), its group goes too, so no helm keeps deploying unobserved.
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
});

/** Splits one output stream into lines for onLine and keeps its last bytes. */
class OutputStream {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private chunks: Buffer[] = [];
  private bufferedBytes = 0;
  callbackError: unknown;

  constructor(
    private readonly name: 'stdout' | 'stderr',
    private readonly tailBytes: number,
    private readonly onLine: ProcessSpec['onLine'],
  ) {}

  push(chunk: Buffer, onCallbackError: () => void): void {
    this.keepTail(chunk);
    if (this.onLine === undefined || this.callbackError !== undefined) return;
    const lines = (this.partial + this.decoder.write(chunk)).split('\n');
    this.partial = lines.pop() ?? '';
    this.deliver(lines, onCallbackError);
  }

  end(onCallbackError: () => void): void {
    if (this.onLine === undefined || this.callbackError !== undefined) return;
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest !== '') this.deliver([rest], onCallbackError);
  }

  tail(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  private deliver(lines: readonly string[], onCallbackError: () => void): void {
    for (const line of lines) {
      try {
        this.onLine?.(this.name, line.endsWith('\r') ? line.slice(0, -1) : line);
      } catch (error) {
        // A throwing callback is the caller's bug: stop the process and report it once.
        this.callbackError = error;
        onCallbackError();
        return;
      }
    }
  }

  private keepTail(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.length;
    while (this.bufferedBytes > this.tailBytes) {
      const first = this.chunks[0];
      if (first === undefined) break;
      const excess = this.bufferedBytes - this.tailBytes;
      if (first.length <= excess) {
        this.chunks.shift();
        this.bufferedBytes -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.bufferedBytes -= excess;
      }
    }
  }
}
