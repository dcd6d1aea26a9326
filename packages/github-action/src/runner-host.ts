/**
 * Core's Host for a GitHub Actions runner (as packages/cli/src/base-command.ts builds one for a
 * terminal): the runner's env and workspace, and a logger that writes the job log through
 * @actions/core (naming the input where core's approval message names the CLI's flag), config-file warnings as
 * annotations on the file and line.
 */

import * as actions from '@actions/core';
import { createProcessRedactor, runProcess, systemClock, type Host, type Redactor } from '@ci-connect/core';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { approvalInActionTerms } from './cli-terms.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The redactor for this job: every credential in the environment and `tokens`, each also masked
 * in the runner's log with setSecret, and so is every secret core registers later (the variables
 * ci-connect.yaml names, URL credentials). setSecret's `::add-mask::` line is read by the runner
 * and never shown.
 */
export function createRunnerRedactor(env: Env, tokens: readonly (string | undefined)[]): Redactor {
  const redactor = createProcessRedactor(env);
  redactor.add(...tokens);
  redactor.watch((form) => actions.setSecret(form));
  return redactor;
}

/** The Host: the workspace is the working directory, as the runner starts the step. */
export function createRunnerHost(env: Env, redactor: Redactor, signal: AbortSignal): Host {
  const cwd = process.cwd();
  return {
    cwd,
    env,
    clock: systemClock,
    logger: {
      debug: (message) => actions.debug(redactor.redact(approvalInActionTerms(message))),
      info: (message) => actions.info(redactor.redact(approvalInActionTerms(message))),
      warn: (message) => {
        const text = redactor.redact(approvalInActionTerms(message));
        actions.warning(text, annotationAt(text, cwd, env));
      },
    },
    redactor,
    signal,
    runProcess,
    newId: randomUUID,
  };
}

/**
 * Where an annotation points: a message that starts with `file:line:col` (core's diagnostics,
 * formatDiagnostic) names a file of the workspace; GitHub wants it relative to GITHUB_WORKSPACE.
 */
export function annotationAt(message: string, cwd: string, env: Env): actions.AnnotationProperties {
  const match = /^(\S+?):(\d+):(\d+)\s/.exec(message);
  if (match === null) return { title: 'ci-connect' };
  const [, file = '', line = '', column = ''] = match;
  return { title: 'ci-connect', ...fileLocation(file, cwd, env, Number(line), Number(column)) };
}

/** An annotation's file, line and column, when the file is inside the workspace. */
export function fileLocation(
  file: string,
  cwd: string,
  env: Env,
  line: number | undefined,
  column: number | undefined,
): actions.AnnotationProperties {
  const absolute = path.resolve(cwd, file);
  const workspace = path.resolve(env.GITHUB_WORKSPACE ?? cwd);
  const relative = path.relative(workspace, absolute);
  if (relative.startsWith('..') || path.isAbsolute(relative) || !existsSync(absolute)) return {};
  return {
    file: relative.split(path.sep).join('/'),
    ...(line === undefined ? {} : { startLine: line }),
    ...(column === undefined ? {} : { startColumn: column }),
  };
}
