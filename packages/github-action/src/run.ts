/**
 * One step of a workflow: read the inputs, run the command through core's application layer,
 * then outputs, annotations, the job summary and the pull request comment. Every text that
 * leaves passes through the redactor; every secret it knows is masked in the runner's log too.
 */

import * as actions from '@actions/core';
import { ciJobLink, ExitCode, listenForStopSignals, reviewCommentBody, type Host } from '@ci-connect/core';
import path from 'node:path';
import { ignoredInputsWarning } from './command-inputs.js';
import { runCommand, type ActionOutcome } from './commands.js';
import { readInputs, type ActionInputs } from './inputs.js';
import { createRunnerHost, createRunnerRedactor } from './runner-host.js';
import { commentOnPullRequest, recentEvaluations, writeJobSummary } from './summary.js';
import { reportError, reportVerdict } from './verdict.js';

/** Runs the step; sets process.exitCode, never exits. */
export async function run(): Promise<void> {
  const env = process.env;
  const redactor = createRunnerRedactor(env, [actions.getInput('github_token')]);
  const host = createRunnerHost(
    env,
    redactor,
    // Aborted when the runner cancels the job; the step ends with it, so it never stops listening.
    listenForStopSignals({ warn: (m) => actions.warning(redactor.redact(m)) }).signal,
  );
  let inputs: ActionInputs | undefined;
  try {
    inputs = withRunLabel(readInputs(env), host);
    const ignored = ignoredInputsWarning(inputs.command);
    if (ignored !== undefined) actions.warning(redactor.redact(ignored), { title: 'ci-connect' });
    const outcome = await runCommand(inputs, host);
    setOutputs(outcome, inputs, host);
    reportVerdict(outcome, host, inputs);
    await publish(outcome, inputs, host);
  } catch (error) {
    const { exitCode, message } = reportError(error, host);
    setOutputs({ exitCode, result: 'error', headline: message }, inputs, host);
    await writeJobSummary({ error: message }, undefined, host).catch(() => undefined);
  }
}

/** The CI job back-link as a label (`ciJobUrl`), unless the labels input gives one. */
function withRunLabel(inputs: ActionInputs, host: Host): ActionInputs {
  const jobUrl = ciJobLink(host.env)?.jobUrl;
  if (jobUrl === undefined || Object.hasOwn(inputs.labels, 'ciJobUrl')) return inputs;
  return { ...inputs, labels: { ...inputs.labels, ciJobUrl: jobUrl } };
}

function setOutputs(outcome: ActionOutcome, inputs: ActionInputs | undefined, host: Host): void {
  const set = (name: string, value: string | number | undefined) =>
    actions.setOutput(name, host.redactor.redact(value === undefined ? '' : String(value)));
  set('result', outcome.result);
  set('score', outcome.score);
  set('evaluation_id', outcome.evaluationId);
  set('report_dir', inputs === undefined ? undefined : path.resolve(host.cwd, inputs.reportDir));
  set('exit_code', outcome.exitCode);
}

/** The job summary and the pull request comment: after the verdict, which neither may change. */
async function publish(outcome: ActionOutcome, inputs: ActionInputs, host: Host): Promise<void> {
  const { evaluation } = outcome;
  const recent = evaluation === undefined ? [] : await recentEvaluations(evaluation, inputs, host);
  const body = evaluation === undefined ? undefined : reviewCommentBody(evaluation, recent);
  try {
    await writeJobSummary(outcome, body, host);
  } catch (error) {
    actions.warning(host.redactor.redact(`no job summary: ${(error as Error).message}`));
  }
  if (evaluation !== undefined && body !== undefined && outcome.exitCode !== ExitCode.internal)
    await commentOnPullRequest(evaluation, body, inputs, host);
}
