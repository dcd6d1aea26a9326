/**
 * Runs packages/github-action/dist/index.js as a GitHub runner does: each input as an
 * `INPUT_<NAME>` env var (action.yml's defaults for those not given), the output and job summary
 * files, the event payload file and the runner's context variables; then reads back what the
 * runner would: outputs, the summary, and the workflow commands (annotations, masks) on stdout.
 */

import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './real-components.js';

export const actionDir = path.join(repoRoot, 'packages/github-action');
const actionYml = parse(readFileSync(path.join(actionDir, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
};

/** A workflow command the step wrote: `::warning file=a,line=3::text`. */
export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  commands: WorkflowCommand[];
  /** The annotations: error, warning and notice commands. */
  annotations: WorkflowCommand[];
  /** The values the step masked with setSecret. */
  masked: string[];
}

export interface ActionRunOptions {
  /** The workspace, the step's working directory. */
  workspace: string;
  inputs: Record<string, string>;
  /** A fixtures/github event payload (file name without .json); none: a push-less manual run. */
  event?: string;
  eventName?: string;
  env?: Record<string, string>;
}

/**
 * Where a runner keeps the action: a checkout of it (`_actions/<owner>/<repo>/<ref>`) with no
 * node_modules anywhere above. Running the dist from inside this repository would let it find
 * packages the bundle forgot; a copy outside cannot.
 */
let runnerCopy: string | undefined;
function actionAsRunnerHasIt(): string {
  if (runnerCopy === undefined) {
    const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-actions-'));
    copyFileSync(path.join(actionDir, 'dist/index.js'), path.join(dir, 'index.js'));
    writeFileSync(path.join(dir, 'package.json'), readFileSync(path.join(actionDir, 'package.json')));
    runnerCopy = path.join(dir, 'index.js');
  }
  return runnerCopy;
}

/** Runs the action's dist once. */
export async function runAction(options: ActionRunOptions): Promise<ActionRun> {
  const files = mkdtempSync(path.join(tmpdir(), 'ci-connect-runner-'));
  const outputFile = path.join(files, 'output');
  const summaryFile = path.join(files, 'step_summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? files,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'shop/carts',
    GITHUB_RUN_ID: '812',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'gate',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_NAME:
      options.eventName ?? (options.event === undefined ? 'workflow_dispatch' : 'pull_request'),
    RUNNER_TEMP: files,
  };
  if (options.event !== undefined) {
    const eventFile = path.join(files, 'event.json');
    copyFileSync(path.join(repoRoot, 'fixtures/github', `${options.event}.json`), eventFile);
    env.GITHUB_EVENT_PATH = eventFile;
  }
  for (const [name, input] of Object.entries(actionYml.inputs))
    if (input.default !== undefined) env[`INPUT_${name.toUpperCase()}`] = input.default;
  for (const [name, value] of Object.entries(options.inputs)) {
    if (!(name in actionYml.inputs)) throw new Error(`action.yml has no input ${name}`);
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  Object.assign(env, options.env);
  const { exitCode, stdout, stderr } = await new Promise<{
    exitCode: number;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    execFile(
      process.execPath,
      [actionAsRunnerHasIt()],
      { cwd: options.workspace, env, timeout: 60_000 },
      (error, out, err) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ exitCode: code, stdout: out, stderr: err });
      },
    );
  });
  const commands = parseCommands(stdout);
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    commands,
    annotations: commands.filter((c) => ['error', 'warning', 'notice'].includes(c.command)),
    masked: commands.filter((c) => c.command === 'add-mask').map((c) => c.message),
  };
}

/** `name<<delimiter\nvalue\ndelimiter` blocks, as @actions/core writes GITHUB_OUTPUT. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1] as string] = match[3] as string;
  return outputs;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

function parseCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (match === null) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(',').filter((p) => p !== '')) {
      const at = pair.indexOf('=');
      properties[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1));
    }
    commands.push({ command: match[1] as string, properties, message: unescapeData(match[3] ?? '') });
  }
  return commands;
}
