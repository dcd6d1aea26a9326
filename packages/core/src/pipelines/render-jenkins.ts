/**
 * A declarative `Jenkinsfile` calling the ci-connect shared library's steps (docs/ci/jenkins.md)
 * with Map arguments. Declarative stages run one after another, so jobs are grouped by how many
 * jobs come before them: one Jenkins stage per step, its jobs in `parallel` when there are several.
 * A manual approval is the library's `input` step, asked when the CLI says approval is required
 * (exit 5), so a pass the shipyard approves automatically does not wait for anyone.
 */

import { commentBlock, headerLines } from './header.js';
import { isDefaultSequence, type RenderRequest } from './render-request.js';
import type { PipelineCommand, PipelineJob, PipelinePlan } from './types.js';

export const JENKINS_LIBRARY = 'ci-connect@0.1.0';

/** The Jenkins credential (username and token) the default git: history pushes with. */
export const JENKINS_HISTORY_CREDENTIAL = 'ci-connect-history';

export const JENKINS_DEFAULT_HISTORY = 'git:ci-connect-history';

/** The library's and the CLI's default report and JMeter results directories; each job takes a subdirectory. */
const REPORT_DIR = 'ci-connect-report';
const RESULTS_DIR = 'ci-connect-results';

const STEPS: Readonly<Record<PipelineCommand, string>> = {
  'trigger-deployment': 'ciConnectTriggerDeployment',
  promote: 'ciConnectPromote',
  evaluate: 'ciConnectEvaluate',
};

/** Renders the plan as a Jenkinsfile. */
export function renderJenkins(request: RenderRequest): string {
  const { plan } = request;
  const header = headerLines(plan, 'jenkins', request.command, {
    history: [...historyNotes(plan.history), ...envNotes(plan)],
    approvals: [
      "Manual approvals: the library's input step asks when the shipyard's approval task needs a person",
      '(limit who may answer with the input submitter setting of your Jenkins, or folder permissions).',
    ],
  });
  const levels = levelsOf(plan.jobs).map((jobs, i) => renderLevel(plan, jobs, i));
  return [
    commentBlock(header.map(withoutUnicodeEscapes), '//'),
    `@Library(${groovyString(JENKINS_LIBRARY)}) _`,
    '',
    'pipeline {',
    '  agent any',
    '  options {',
    '    // Runs of one stage and service queue, as Keptn queued sequences.',
    '    disableConcurrentBuilds()',
    '  }',
    '  stages {',
    ...levels.flat(),
    '  }',
    '}',
    '',
  ].join('\n');
}

/** The jobs by depth: a job's depth is one more than the deepest job it needs. */
function levelsOf(jobs: readonly PipelineJob[]): PipelineJob[][] {
  const depth = new Map<string, number>();
  const depthOf = (job: PipelineJob): number => {
    const known = depth.get(job.id);
    if (known !== undefined) return known;
    const needed = jobs.filter((j) => job.needs.includes(j.id)).map(depthOf);
    const d = needed.length === 0 ? 0 : Math.max(...needed) + 1;
    depth.set(job.id, d);
    return d;
  };
  const levels: PipelineJob[][] = [];
  for (const job of jobs) (levels[depthOf(job)] ??= []).push(job);
  return levels.filter((level) => level.length > 0);
}

function renderLevel(plan: PipelinePlan, jobs: readonly PipelineJob[], index: number): string[] {
  if (jobs.length === 1) return renderStage(plan, jobs[0]!, '    ');
  const stages = [...new Set(jobs.map((j) => j.stage))].join(' + ');
  return [
    `    stage(${groovyString(`step ${index + 1}: ${stages}`)}) {`,
    '      parallel {',
    ...jobs.flatMap((job) => renderStage(plan, job, '        ')),
    '      }',
    '    }',
  ];
}

function renderStage(plan: PipelinePlan, job: PipelineJob, indent: string): string[] {
  const args = argumentsOf(plan, job);
  return [
    `${indent}stage(${groovyString(job.id)}) {`,
    // The input step holds the agent while it waits: not for ever.
    ...(job.manualApproval
      ? [`${indent}  options {`, `${indent}    timeout(time: 24, unit: 'HOURS')`, `${indent}  }`]
      : []),
    `${indent}  steps {`,
    `${indent}    script {`,
    `${indent}      ${STEPS[job.command]}(`,
    ...args.map((arg, i) => `${indent}        ${arg}${i === args.length - 1 ? '' : ','}`),
    `${indent}      )`,
    `${indent}    }`,
    `${indent}  }`,
    `${indent}}`,
  ];
}

function argumentsOf(plan: PipelinePlan, job: PipelineJob): string[] {
  return [
    `service: ${groovyString(job.service)}`,
    `stage: ${groovyString(job.stage)}`,
    'version: env.GIT_COMMIT ?: env.BUILD_TAG',
    ...(plan.project === undefined ? [] : [`project: ${groovyString(plan.project)}`]),
    ...(plan.configDir === undefined ? [] : [`configDir: ${groovyString(plan.configDir)}`]),
    `history: ${groovyString(plan.history)}`,
    `onWarning: 'warn'`,
    // Parallel stages share the workspace, and archiveArtifacts of one path in a later stage
    // replaces the earlier stage's files: every job writes its own directories.
    `reportDir: ${groovyString(`${REPORT_DIR}/${job.id}`)}`,
    ...(plan.history.startsWith('git:')
      ? [
          `credentials: [gitUsernamePassword(credentialsId: ${groovyString(JENKINS_HISTORY_CREDENTIAL)}, gitToolName: 'Default')]`,
        ]
      : []),
    ...(isDefaultSequence(job) ? [] : [`sequence: ${groovyString(job.sequence)}`]),
    ...(job.from === undefined ? [] : [`from: ${groovyString(job.from)}`]),
    ...(job.manualApproval ? [`approval: 'input'`] : []),
    // evaluate has no results directory: it reads results, it runs no test.
    ...(job.command === 'evaluate'
      ? []
      : [`extraArgs: ['--results-dir', ${groovyString(`${RESULTS_DIR}/${job.id}`)}]`]),
  ];
}

/**
 * Groovy, like Java, reads `\uXXXX` escapes before it finds where a comment ends, so a `\u000a`
 * in a project name or a Windows path (`C:\users`) would end the comment or fail the parse. A
 * backslash before `u` is taken as an escape only after an even number of backslashes: each such
 * run is made even.
 */
function withoutUnicodeEscapes(line: string): string {
  return line.replace(/\\+(?=u)/g, (run) => (run.length % 2 === 1 ? `${run}\\` : run));
}

/**
 * A single-quoted Groovy string: no `${}` interpolation, so nothing in a name is ever evaluated;
 * backslashes, quotes and line breaks are escaped.
 */
export function groovyString(text: string): string {
  const escaped = text
    .replaceAll('\\', '\\\\')
    .replaceAll("'", "\\'")
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r');
  return `'${escaped}'`;
}

/** A Jenkins credential that does not exist fails the build, so the steps bind none of these. */
function envNotes(plan: PipelinePlan): string[] {
  if (plan.env.secrets.length + plan.env.variables.length === 0) return [];
  return [
    '',
    `Endpoints and tokens: the steps bind only the history credential. The CLI reads ${plan.env.variables.join(', ') || 'no URL'}, and the`,
    `secrets ${plan.env.secrets.join(', ') || 'none'}, from the environment of the agent`,
    '(see docs/ci/generate-pipeline.md#endpoints-and-tokens).',
  ];
}

function historyNotes(history: string): string[] {
  const lines = [`History: ${history}`];
  if (history === JENKINS_DEFAULT_HISTORY)
    lines.push(
      "a branch ci-connect-history of the job's repository (remote origin), which outlives the agents.",
      `The Git plugin keeps no credentials for later commands: create a username/password credential`,
      `${JENKINS_HISTORY_CREDENTIAL} whose token may push to the repository (GitHub: contents write;`,
      'GitLab: write_repository); the steps bind it with gitUsernamePassword.',
    );
  else if (history.startsWith('file:'))
    lines.push('a file in the workspace: it outlives a build only on an agent that keeps its workspace.');
  return lines;
}
