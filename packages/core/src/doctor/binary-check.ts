/**
 * The binaries stage runs need: helm (deployment tasks) and jmeter (test tasks). Each is looked
 * up the way it will be run (HELM_BIN, JMETER_BIN, else PATH) and asked for its version, with an argv
 * array and a timeout (DESIGN.md section 9), so "found" also means "starts". JMeter is then
 * asked to run a one-sample plan (jmeter-plan-check.ts), since answering `--version` does not
 * mean it can load one; it runs in a scratch directory with `-j`, leaving no jmeter.log behind.
 *
 * A missing or broken binary fails the check when the shipyard has tasks that run it (`needs`,
 * from the project survey), and is a warning otherwise: a gate-only project needs neither.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CiConnectError } from '../errors.js';
import { commandFromEnv, findExecutable } from '../tools/find-executable.js';
import { runProcess } from '../tools/process.js';
import { checkPlanLoads } from './jmeter-plan-check.js';
import { checkResult } from './types.js';
import type { CheckResult, DoctorDependencies } from './types.js';

type BinaryDependencies = Pick<DoctorDependencies, 'env' | 'runProcess' | 'cwd'>;

/** How to find, run and recognise one binary. */
interface BinarySpec {
  name: string;
  /** The command as configured: a bare name looked up on PATH, or a path. */
  command: string;
  /** Where the command came from, for messages (e.g. "JMETER_BIN=/opt/jmeter/bin/jmeter"). */
  source: string;
  args: readonly string[];
  timeoutMs: number;
  version: (output: string) => string | undefined;
  hint: string;
  /**
   * JMeter writes jmeter.log into its working directory: run it in a scratch directory, with
   * `-j` naming the log there, so that doctor leaves the user's directory as it was; and, once
   * it answers, check that it can load and run a plan.
   */
  jmeter?: true;
}

const HELM_TIMEOUT_MS = 15_000;
// JMeter starts a JVM and loads its plugins before it prints anything.
const JMETER_TIMEOUT_MS = 60_000;

/** Why the project needs a binary, e.g. "the shipyard's deployment tasks run it"; absent: not needed. */
export interface BinaryNeeds {
  helm?: string;
  jmeter?: string;
}

/** Checks helm and jmeter, in that order. */
export async function checkBinaries(
  deps: BinaryDependencies,
  needs: BinaryNeeds = {},
): Promise<CheckResult[]> {
  // As a stage run finds them (runners/create-runners.ts): HELM_BIN, JMETER_BIN, unless unset or blank.
  const helm = commandFromEnv(deps.env.HELM_BIN, 'helm');
  const jmeter = commandFromEnv(deps.env.JMETER_BIN, 'jmeter');
  const specs: BinarySpec[] = [
    {
      name: 'helm',
      command: helm,
      source: (deps.env.HELM_BIN?.trim() ?? '') === '' ? 'PATH' : `HELM_BIN=${helm}`,
      args: ['version', '--short'],
      timeoutMs: HELM_TIMEOUT_MS,
      version: (output) => firstLine(output),
      hint: 'install Helm 3 (https://helm.sh/docs/intro/install/) and put it on PATH, or set HELM_BIN to the helm command; stage runs deploy with it',
    },
    {
      name: 'jmeter',
      command: jmeter,
      source: (deps.env.JMETER_BIN?.trim() ?? '') === '' ? 'PATH' : `JMETER_BIN=${jmeter}`,
      args: ['--version'],
      timeoutMs: JMETER_TIMEOUT_MS,
      version: jmeterVersion,
      hint: 'install Apache JMeter and put jmeter on PATH, or set JMETER_BIN to the jmeter command; stage runs test with it',
      jmeter: true,
    },
  ];
  return Promise.all(
    specs.map(async (spec) => {
      const result = await checkBinary(spec, deps);
      const need = needs[spec.name as keyof BinaryNeeds];
      if (result.status !== 'warning' || need === undefined) return result;
      return { ...result, status: 'fail' as const, detail: `${result.detail}; ${need}` };
    }),
  );
}

async function checkBinary(spec: BinarySpec, deps: BinaryDependencies): Promise<CheckResult> {
  const path = await findExecutable(spec.command, deps);
  if (path === undefined) {
    const where = spec.source === 'PATH' ? 'not found on PATH' : `${spec.source} is not an executable file`;
    return checkResult(spec.name, 'warning', where, { hint: spec.hint });
  }
  if (spec.jmeter !== true) return runBinary(spec, path, undefined, deps);
  const scratch = await mkdtemp(join(tmpdir(), 'ci-connect-doctor-jmeter-'));
  try {
    const result = await runBinary(spec, path, scratch, deps);
    if (result.status !== 'ok') return result;
    const problem = await checkPlanLoads(path, scratch, deps);
    if (problem === undefined) return { ...result, detail: `${result.detail}; loads and runs a test plan` };
    return checkResult(spec.name, 'warning', `${path}: ${problem.detail}`, { hint: problem.hint });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Runs the binary's version command; in `scratch`, with its log there, when given one. */
async function runBinary(
  spec: BinarySpec,
  path: string,
  scratch: string | undefined,
  deps: BinaryDependencies,
): Promise<CheckResult> {
  const shown = [spec.command, ...spec.args].join(' ');
  const logArgs = scratch === undefined ? [] : ['-j', join(scratch, 'jmeter.log')];
  try {
    const result = await (deps.runProcess ?? runProcess)({
      argv: [path, ...logArgs, ...spec.args],
      env: { ...deps.env },
      cwd: scratch ?? deps.cwd,
      timeoutMs: spec.timeoutMs,
    });
    const output = `${result.stdoutTail}\n${result.stderrTail}`;
    if (result.timedOut) {
      const seconds = Math.round(spec.timeoutMs / 1000);
      return checkResult(spec.name, 'warning', `${path}: \`${shown}\` did not finish within ${seconds} s`, {
        hint: `run \`${shown}\` by hand to see why it hangs`,
      });
    }
    if (result.exitCode !== 0) {
      const ended =
        result.exitCode === null
          ? `was ended by ${result.signal ?? 'a signal'}`
          : `exited with ${result.exitCode}`;
      const said = lastLine(result.stderrTail) ?? lastLine(result.stdoutTail);
      return checkResult(spec.name, 'warning', `${path}: \`${shown}\` ${ended}${said ? `: ${said}` : ''}`, {
        hint: `${path} is there but does not run; reinstall it or fix its environment`,
      });
    }
    const version = spec.version(output);
    return checkResult(spec.name, 'ok', `${version ?? 'runs (version not recognised)'} (${path})`);
  } catch (error) {
    if (!(error instanceof CiConnectError)) throw error;
    return checkResult(spec.name, 'warning', `${path}: ${error.message}`, { hint: error.hint ?? spec.hint });
  }
}

/** JMeter 2.x prints "Version 2.13 r1665067"; 5.x prints the bare version under an ASCII banner. */
export function jmeterVersion(output: string): string | undefined {
  const labelled = /\bVersion\s+(\d[\w.-]*)/.exec(output)?.[1];
  const bare = output
    .split('\n')
    .map((line) => line.trim())
    .find((line) => /^\d+\.\d+(\.\d+)?$/.test(line));
  const version = labelled ?? bare;
  return version === undefined ? undefined : `JMeter ${version}`;
}

function firstLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '');
}

function lastLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .at(-1);
}
