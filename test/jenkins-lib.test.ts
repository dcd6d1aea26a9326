// The Jenkins shared library (packages/jenkins-lib, issue 11) run by real Groovy: each case is a
// piece of Jenkinsfile calling ciConnectEvaluate, ciConnectTriggerDeployment or ciConnectPromote,
// loaded with stubbed pipeline steps (packages/jenkins-lib/test/PipelineHarness.groovy) whose `sh`
// really runs the CLI as a user installs it (the packed tarball, test/support/packed-cli.ts). All
// cases run in one groovy process (one JVM start); then each test checks the build result, the
// messages, the recorded steps, and that no token reached the console, the shell scripts, the
// withEnv lists or the reports.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from './support/free-port.js';
import { commitAll } from './support/git-repo.js';
import { groovy, javaHome, runGroovy } from './support/groovy.js';
import { createHelmStub, upgradeSucceeded, type HelmStub } from './support/helm-stub.js';
import { installPackedCli } from './support/packed-cli.js';
import { describeWithReal, repoRoot } from './support/real-components.js';

const LIB = path.join(repoRoot, 'packages/jenkins-lib');
const TOKEN = 'jenkins-secret-PROM-7c1e0f3a9b24';
const BUILD_URL = 'https://jenkins.example.com/job/shop/job/carts/42/';
const HOSTILE = `it's "$(touch pwned-dollar)" \`touch pwned-tick\`; touch pwned-semi | $HOME`;

interface PipelineCase {
  name: string;
  workspace: string;
  pipeline: string;
  env?: Record<string, string>;
  credentials?: Record<string, string>;
  input?: { approver?: string; abort?: string };
  htmlPublisher?: boolean;
}

interface StepResult {
  result: string | null;
  score: number | null;
  evaluationId: string | null;
  exitCode: number;
}

interface PipelineRun {
  name: string;
  buildResult: 'SUCCESS' | 'UNSTABLE' | 'FAILURE' | 'ABORTED';
  returned: StepResult | null;
  /** Whether the returned Map survives Java serialization, as CPS saves a Jenkinsfile's variables. */
  returnedSerializable: boolean | null;
  error: string | null;
  console: string;
  sh: { script: string; label: string; returnStatus: boolean; exitCode: number }[];
  steps: ({ step: string } & Record<string, unknown>)[];
  withEnv: string[][];
  /** The `@Library('...')` reference of a Jenkinsfile, and the Declarative stages that ran. */
  library: string | null;
  stages: string[];
}

let root: string | undefined;

/** One temporary directory for every workspace of this file (and their `@tmp` siblings), removed after the run. */
function tempRoot(): string {
  root ??= mkdtempSync(path.join(tmpdir(), 'ci-connect-jenkins-'));
  return root;
}

/** A Groovy single-quoted string literal: no interpolation, whatever `text` holds. */
function g(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const SLO = `spec_version: "1.0"
objectives:
  - sli: response_time_p95
    pass: [{criteria: ["<500"]}]
    warning: [{criteria: ["<=800"]}]
  - sli: error_rate
    pass: [{criteria: ["<=1"]}]
total_score: {pass: "90%", warning: "50%"}
`;

const SHIPYARD = `apiVersion: "spec.keptn.sh/0.2.2"
kind: "Shipyard"
metadata:
  name: "shop"
spec:
  stages:
    - name: "hardening"
      sequences:
        - name: "delivery"
          tasks:
            - name: "smoke-test"
    - name: "production"
      sequences:
        - name: "delivery"
          tasks:
            - name: "approval"
              properties:
                pass: "manual"
                warning: "manual"
`;

const CONFIG = `project: shop
tasks:
  smoke-test:
    command: ['sh', '-c', 'echo smoke test of $SERVICE $VERSION; exit 1']
`;

/** A flags-only gate: an SLO, SLI values for each verdict, a Prometheus SLI file. */
function gateWorkspace(): string {
  const dir = mkdtempSync(path.join(tempRoot(), 'gate-'));
  writeFileSync(path.join(dir, 'slo.yaml'), SLO);
  const slo = (criterion: string) =>
    `objectives:\n  - sli: error_rate\n    pass: [{criteria: ["${criterion}"]}]\ntotal_score: {pass: "90%"}\n`;
  writeFileSync(path.join(dir, 'broken-slo.yaml'), slo('<=one'));
  writeFileSync(path.join(dir, 'prometheus-slo.yaml'), slo('<=1'));
  writeFileSync(path.join(dir, 'prometheus.yaml'), 'indicators:\n  error_rate: "sum(rate(errors[5m]))"\n');
  const values = {
    pass: { response_time_p95: 300, error_rate: 0.5 },
    warning: { response_time_p95: 600, error_rate: 0.5 },
    fail: { response_time_p95: 900, error_rate: 5 },
  };
  for (const [name, v] of Object.entries(values))
    writeFileSync(path.join(dir, `values-${name}.json`), JSON.stringify(v));
  return dir;
}

/** A project with a shipyard: hardening's smoke test fails, production waits for a manual approval. */
function stageWorkspace(): string {
  const dir = mkdtempSync(path.join(tempRoot(), 'stage-'));
  mkdirSync(path.join(dir, '.ci-connect'));
  writeFileSync(path.join(dir, '.ci-connect/shipyard.yaml'), SHIPYARD);
  writeFileSync(path.join(dir, '.ci-connect/ci-connect.yaml'), CONFIG);
  return dir;
}

const DELIVERY_SHIPYARD = `apiVersion: "spec.keptn.sh/0.2.2"
kind: "Shipyard"
metadata:
  name: "shop"
spec:
  stages:
    - name: "dev"
      sequences:
        - name: "delivery"
          tasks:
            - name: "deployment"
              properties:
                deploymentstrategy: "direct"
            - name: "release"
    - name: "production"
      sequences:
        - name: "delivery"
          triggeredOn:
            - event: "dev.delivery.finished"
          tasks:
            - name: "approval"
              properties:
                pass: "manual"
                warning: "manual"
            - name: "deployment"
              properties:
                deploymentstrategy: "direct"
            - name: "release"
`;

/** A git-tracked project with a chart: dev deploys with Helm, production is promoted after a manual approval. */
function deliveryWorkspace(): string {
  const dir = mkdtempSync(path.join(tempRoot(), 'delivery-'));
  const chart = path.join(dir, '.ci-connect/base/carts/helm');
  mkdirSync(path.join(chart, 'templates'), { recursive: true });
  writeFileSync(path.join(dir, '.ci-connect/ci-connect.yaml'), 'project: shop\n');
  writeFileSync(path.join(dir, '.ci-connect/shipyard.yaml'), DELIVERY_SHIPYARD);
  writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: carts\nversion: 0.1.0\n');
  writeFileSync(path.join(chart, 'values.yaml'), 'image: ""\nversion: ""\nreplicas: 1\n');
  writeFileSync(path.join(chart, 'templates/deployment.yaml'), 'kind: Deployment\n');
  commitAll(dir, 'carts chart 0.1.0');
  return dir;
}

/** Prometheus' query API that answers only with the expected bearer token; records what it was sent. */
interface TokenPrometheus {
  url: string;
  requests: { path: string; authorization: string | undefined }[];
  unexpected: string[];
  close(): Promise<void>;
}

async function startTokenPrometheus(): Promise<TokenPrometheus> {
  const requests: TokenPrometheus['requests'] = [];
  const unexpected: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://prometheus');
    requests.push({ path: url.pathname, authorization: req.headers.authorization });
    res.setHeader('content-type', 'application/json');
    if (url.pathname !== '/api/v1/query') {
      unexpected.push(`${req.method ?? ''} ${url.pathname}`);
      res.writeHead(404).end('{}');
      return;
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401).end(JSON.stringify({ status: 'error', error: 'unauthorized' }));
      return;
    }
    const time = Number(url.searchParams.get('time') ?? Date.now() / 1000);
    const data = { resultType: 'vector', result: [{ metric: {}, value: [time, '0.25'] }] };
    res.end(JSON.stringify({ status: 'success', data }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    unexpected,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const DOCS = path.join(repoRoot, 'docs/ci/jenkins.md');
const DOCS_PROMETHEUS = 'https://prometheus.example.com';
const DOCS_HISTORY = 'postgres://ci@db.example.com/ci_history?sslmode=verify-full';
const HISTORY_PASSWORD = 'jenkins-secret-PG-5d2a7e90c3';

/** The first Jenkinsfile of docs/ci/jenkins.md (a ```groovy block with `pipeline {`). */
function docsJenkinsfile(): string {
  const blocks = [...readFileSync(DOCS, 'utf8').matchAll(/```groovy\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const jenkinsfile = blocks.find((block) => block.includes('pipeline {'));
  if (jenkinsfile === undefined) throw new Error(`no Jenkinsfile in ${DOCS}`);
  return jenkinsfile;
}

/** What the docs' Jenkinsfile expects of the repository: the carts service's SLO and Prometheus SLI. */
function docsWorkspace(): string {
  const dir = mkdtempSync(path.join(tempRoot(), 'docs-'));
  mkdirSync(path.join(dir, '.ci-connect/base/carts/sli'), { recursive: true });
  writeFileSync(
    path.join(dir, '.ci-connect/base/carts/slo.yaml'),
    'objectives:\n  - sli: error_rate\n    pass: [{criteria: ["<=1"]}]\ntotal_score: {pass: "90%"}\n',
  );
  writeFileSync(
    path.join(dir, '.ci-connect/base/carts/sli/prometheus.yaml'),
    'indicators:\n  error_rate: "sum(rate(errors[5m]))"\n',
  );
  return dir;
}

/** The docs' workspace with a shipyard: hardening's sequence is the gate, production's a task with no evaluation. */
function gateStageWorkspace(): string {
  const dir = docsWorkspace();
  writeFileSync(
    path.join(dir, '.ci-connect/shipyard.yaml'),
    `apiVersion: "spec.keptn.sh/0.2.2"
kind: "Shipyard"
metadata:
  name: "shop"
spec:
  stages:
    - name: "hardening"
      sequences:
        - name: "delivery"
          tasks:
            - name: "evaluation"
    - name: "production"
      sequences:
        - name: "delivery"
          tasks:
            - name: "smoke-test"
`,
  );
  writeFileSync(
    path.join(dir, '.ci-connect/ci-connect.yaml'),
    "project: shop\ntasks:\n  smoke-test:\n    command: ['true']\n",
  );
  return dir;
}

/**
 * An `npx` that runs the packed CLI for exactly `npx --yes ci-connect@0.1.0 ...` (the steps'
 * default `cli`) and fails for anything else: the registry has no ci-connect to download here.
 */
function npxStub(cliBin: string): string {
  const dir = mkdtempSync(path.join(tempRoot(), 'npx-'));
  const quoted = `'${cliBin.replace(/'/g, `'\\''`)}'`;
  writeFileSync(
    path.join(dir, 'npx'),
    `#!/bin/sh\n[ "$1" = --yes ] && [ "$2" = ci-connect@0.1.0 ] || { echo "npx stub: unexpected npx $*" >&2; exit 99; }\nshift 2\nexec ${quoted} "$@"\n`,
    { mode: 0o755 },
  );
  return dir;
}

/** Makes randomUUID throw inside the CLI: an error ci-connect did not anticipate (exit 70). */
const SIMULATED_BUG = `--import=data:text/javascript,${encodeURIComponent(
  "import crypto from 'node:crypto'; import { syncBuiltinESMExports } from 'node:module'; crypto.randomUUID = () => { throw new TypeError('simulated bug'); }; syncBuiltinESMExports();",
)}`;

function cases(
  cliBin: string,
  dirs: { gate: string; stage: string; docs: string; delivery: string; gateStage: string },
  prometheusUrl: string,
  closedPort: number,
): PipelineCase[] {
  const { gate, stage } = dirs;
  // The installed bin, word for word: `cli` as a List keeps a path with spaces whole.
  const CLI = `cli: [${g(cliBin)}]`;
  const jenkinsEnv = { BUILD_URL, JENKINS_URL: 'https://jenkins.example.com/', BUILD_NUMBER: '42' };
  const evaluate = (name: string, extra: string) =>
    `ciConnectEvaluate(service: 'carts', stage: 'hardening', version: '1.4.2', history: 'file:history-${name}.jsonl', reportDir: 'reports/${name}', ${CLI}, ${extra})`;
  const promCredentials = `credentials: [string(credentialsId: 'prom-token', variable: 'PROMETHEUS_TOKEN')]`;
  const promGate = `slo: 'prometheus-slo.yaml', timeframe: '5m', extraArgs: ['--sli', 'prometheus=prometheus.yaml'], ${promCredentials}`;
  const onGate = (name: string, pipeline: string, more: Partial<PipelineCase> = {}): PipelineCase => ({
    name,
    workspace: gate,
    env: jenkinsEnv,
    credentials: { 'prom-token': TOKEN },
    pipeline,
    ...more,
  });
  const onStage = (name: string, pipeline: string, more: Partial<PipelineCase> = {}): PipelineCase => ({
    name,
    workspace: stage,
    env: jenkinsEnv,
    pipeline,
    ...more,
  });
  const stageArgs = (name: string) =>
    `service: 'carts', version: '1.4.2', history: 'file:history-${name}.jsonl', reportDir: 'reports/${name}', ${CLI}`;
  return [
    // The only case with the default report directory, ci-connect-report.
    onGate(
      'pass',
      `ciConnectEvaluate(service: 'carts', stage: 'hardening', version: '1.4.2', history: 'file:history-pass.jsonl', slo: 'slo.yaml', values: 'values-pass.json', ${CLI})`,
    ),
    onGate('warning', evaluate('warning', `slo: 'slo.yaml', values: 'values-warning.json'`)),
    onGate('fail', evaluate('fail', `slo: 'slo.yaml', values: 'values-fail.json'`)),
    onGate(
      'warning-passes',
      evaluate('warning-passes', `slo: 'slo.yaml', values: 'values-warning.json', onWarning: 'pass'`),
    ),
    onGate(
      'warning-fails',
      evaluate('warning-fails', `slo: 'slo.yaml', values: 'values-warning.json', onWarning: 'fail'`),
    ),
    onGate('config', evaluate('config', `slo: 'broken-slo.yaml', values: 'values-pass.json'`)),
    onGate('prometheus-token', evaluate('prometheus-token', promGate), {
      env: { ...jenkinsEnv, PROMETHEUS_URL: prometheusUrl },
    }),
    onGate('unreachable', evaluate('unreachable', promGate), {
      env: { ...jenkinsEnv, PROMETHEUS_URL: `http://127.0.0.1:${closedPort}` },
    }),
    onGate('internal', evaluate('internal', `slo: 'slo.yaml', values: 'values-pass.json'`), {
      env: { ...jenkinsEnv, NODE_OPTIONS: SIMULATED_BUG },
    }),
    onGate(
      'hostile',
      evaluate(
        'hostile',
        `slo: 'slo.yaml', values: 'values-pass.json', labels: [note: ${g(HOSTILE)}], extraArgs: ['--label', ${g(`extra=${HOSTILE}`)}]`,
      ),
    ),
    onGate(
      'no-html-publisher',
      evaluate('no-html-publisher', `slo: 'slo.yaml', values: 'values-pass.json'`),
      {
        htmlPublisher: false,
      },
    ),
    // A workspace kept from an earlier build (as on most agents): its reports are in reportDir
    // when this build's CLI exits 2 before writing any.
    onGate(
      'stale-reports',
      [
        evaluate('stale-reports', `slo: 'slo.yaml', values: 'values-pass.json'`),
        evaluate('stale-reports', `slo: 'broken-slo.yaml', values: 'values-pass.json'`),
      ].join('\n'),
    ),
    onGate('unknown-key', `ciConnectEvaluate(servce: 'carts', ${CLI})`),
    onGate('unknown-key-trigger', `ciConnectTriggerDeployment(servce: 'carts', ${CLI})`),
    onGate('unknown-key-promote', `ciConnectPromote(servce: 'carts', ${CLI})`),
    onGate('no-cli', `ciConnectEvaluate(service: 'carts', cli: 'ci-connect-is-not-installed-here')`),
    onStage(
      'approval-input',
      `ciConnectTriggerDeployment(stage: 'production', submitter: 'release-managers', ${stageArgs('approval-input')})`,
      { input: { approver: 'jane' } },
    ),
    onStage(
      'approval-fail',
      `ciConnectTriggerDeployment(stage: 'production', approval: 'fail', ${stageArgs('approval-fail')})`,
    ),
    onStage(
      'approval-rejected',
      `ciConnectTriggerDeployment(stage: 'production', ${stageArgs('approval-rejected')})`,
      { input: { abort: 'bob' } },
    ),
    // A CLI that asks for an approval again after it was given (a stand-in: the real one records it).
    onStage(
      'approval-still-waiting',
      `ciConnectTriggerDeployment(stage: 'production', service: 'carts', version: '1.4.2', reportDir: 'reports/still-waiting', cli: ['sh', '-c', ${g(
        `printf '%s' '${JSON.stringify({
          runs: [
            {
              service: 'carts',
              version: '1.4.2',
              stage: 'production',
              sequence: 'delivery',
              result: 'pass',
              tasks: [
                {
                  task: 'approval',
                  status: 'waiting',
                  message: 'manual approval required for carts 1.4.2 in production',
                },
              ],
            },
          ],
        })}'; exit 5`,
      )}, 'cli-stub'])`,
      { input: { approver: 'jane' } },
    ),
    // A --dry-run (in extraArgs) whose checks found a problem: the plan on stdout, exit 2.
    onStage(
      'dry-run-problems',
      `ciConnectTriggerDeployment(stage: 'hardening', service: 'carts', version: '1.4.2', reportDir: 'reports/dry-run', extraArgs: ['--dry-run'], cli: ['sh', '-c', ${g(
        `printf '%s' '${JSON.stringify({
          setup: { project: 'shop', stage: 'hardening', sequence: 'delivery', service: 'carts' },
          trigger: { triggeredBy: 'manual' },
          tasks: [],
          onFail: [],
          checks: {
            problems: [
              {
                where: 'hardening.delivery task 2 (tests)',
                message: 'the shipyard task "tests" has no runner',
                hint: 'did you mean "test"?',
                exitCode: 2,
              },
            ],
            notes: [],
          },
        })}'; exit 2`,
      )}, 'cli-stub'])`,
    ),
    // A stage run whose gate wrote the reports, then one with no evaluation into the same directory.
    {
      name: 'stage-reports',
      workspace: dirs.gateStage,
      env: { ...jenkinsEnv, PROMETHEUS_URL: prometheusUrl },
      credentials: { 'prom-token': TOKEN },
      pipeline: ['hardening', 'production']
        .map(
          (stage) =>
            `ciConnectTriggerDeployment(stage: '${stage}', ${stageArgs('stage-reports')}, ${promCredentials})`,
        )
        .join('\n'),
    },
    onStage('task-fails', `ciConnectTriggerDeployment(stage: 'hardening', ${stageArgs('task-fails')})`),
    onStage('promote', `ciConnectPromote(stage: 'production', ${stageArgs('promote')})`),
    // A delivery in one Jenkinsfile: dev deployed with Helm, then promoted to production, whose
    // approval the input step asks for.
    {
      name: 'delivery',
      workspace: dirs.delivery,
      env: jenkinsEnv,
      input: { approver: 'jane' },
      pipeline: [
        `ciConnectTriggerDeployment(stage: 'dev', image: 'registry.example.com/carts:1.4.2', ${stageArgs('delivery')})`,
        `ciConnectPromote(stage: 'production', submitter: 'release-managers', ${stageArgs('delivery')})`,
      ].join('\n'),
    },
    // The docs' Jenkinsfile as it is, with its Prometheus and PostgreSQL addresses made local, and
    // the default cli (npx --yes ci-connect@0.1.0) answered by the npx stub.
    {
      name: 'docs-jenkinsfile',
      workspace: dirs.docs,
      env: { ...jenkinsEnv, GIT_COMMIT: '4f9c2e1d7a3b5c6e8f0a1b2c3d4e5f6a7b8c9d0e' },
      credentials: { 'prometheus-token': TOKEN, 'ci-history-password': HISTORY_PASSWORD },
      pipeline: docsJenkinsfile()
        .replace(DOCS_PROMETHEUS, prometheusUrl)
        .replace(DOCS_HISTORY, 'file:history-docs.jsonl'),
    },
  ];
}

describeWithReal(
  groovy,
  'the Jenkins shared library in real Groovy, with stubbed pipeline steps',
  (found) => {
    const runs = new Map<string, PipelineRun>();
    let gate = '';
    let stage = '';
    let docs = '';
    let delivery = '';
    let gateStage = '';
    let helm: HelmStub;
    let prometheus: TokenPrometheus;

    beforeAll(async () => {
      gate = gateWorkspace();
      stage = stageWorkspace();
      docs = docsWorkspace();
      delivery = deliveryWorkspace();
      gateStage = gateStageWorkspace();
      helm = await createHelmStub(
        [{ command: ['upgrade'], stdout: upgradeSucceeded('shop-production-carts', 'shop-production', 1) }],
        { digestCharts: true },
      );
      prometheus = await startTokenPrometheus();
      const work = mkdtempSync(path.join(tempRoot(), 'run-'));
      const casesFile = path.join(work, 'cases.json');
      const resultsFile = path.join(work, 'results.json');
      const { bin } = await installPackedCli();
      const closedPort = await findFreePort();
      writeFileSync(
        casesFile,
        JSON.stringify(cases(bin, { gate, stage, docs, delivery, gateStage }, prometheus.url, closedPort)),
      );
      // A clean environment: nothing of the test runner's (NODE_OPTIONS, CI_CONNECT_*) reaches the
      // steps; the bin's `#!/usr/bin/env node` finds the Node that runs the tests first.
      const PATH = [npxStub(bin), helm.binDir, path.dirname(process.execPath), process.env.PATH ?? ''].join(
        path.delimiter,
      );
      await runGroovy(
        found.bin,
        ['-cp', 'src:test/stubs:test', 'test/run-pipelines.groovy', casesFile, resultsFile],
        {
          cwd: LIB,
          env: {
            PATH,
            HOME: process.env.HOME ?? tmpdir(),
            JAVA_HOME: javaHome() ?? '',
          },
        },
      );
      for (const run of JSON.parse(readFileSync(resultsFile, 'utf8')) as PipelineRun[])
        runs.set(run.name, run);
    }, 240_000);

    afterAll(async () => {
      if (root !== undefined) rmSync(root, { recursive: true, force: true });
      await prometheus.close();
      await helm.cleanup();
    });

    function run(name: string): PipelineRun {
      const found = runs.get(name);
      if (found === undefined) throw new Error(`no result for the case ${name}`);
      return found;
    }

    function stepsNamed(r: PipelineRun, step: string): Record<string, unknown>[] {
      return r.steps.filter((s) => s.step === step);
    }

    function history(workspace: string, name: string): Record<string, unknown>[] {
      return readFileSync(path.join(workspace, `history-${name}.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    }

    it('pass: SUCCESS; returns result, score, evaluation id and exit code; JUnit, artifacts and the HTML report published', () => {
      const r = run('pass');
      expect(r.buildResult, r.console).toBe('SUCCESS');
      const evaluation = JSON.parse(
        readFileSync(path.join(gate, 'ci-connect-report/evaluation.json'), 'utf8'),
      ) as {
        id: string;
        labels: Record<string, string>;
      };
      expect(r.returned).toEqual({ result: 'pass', score: 100, evaluationId: evaluation.id, exitCode: 0 });
      expect(r.console).toContain('ci-connect evaluate: carts 1.4.2 in hardening: pass (score 100.00%)');
      // BUILD_URL is recorded as the label ciJobUrl: the report links the evaluation to its build.
      expect(evaluation.labels).toEqual({ ciJobUrl: BUILD_URL });
      expect(stepsNamed(r, 'junit')).toEqual([
        {
          step: 'junit',
          testResults: 'ci-connect-report/junit.xml',
          allowEmptyResults: true,
          skipMarkingBuildUnstable: true,
        },
      ]);
      expect(stepsNamed(r, 'archiveArtifacts')).toEqual([
        { step: 'archiveArtifacts', artifacts: 'ci-connect-report/**', allowEmptyArchive: true },
      ]);
      expect(stepsNamed(r, 'publishHTML')).toEqual([
        expect.objectContaining({ reportDir: 'ci-connect-report', reportFiles: 'index.html', keepAll: true }),
      ]);
      for (const file of ['junit.xml', 'index.html', 'report.css', 'summary.md'])
        expect(existsSync(path.join(gate, 'ci-connect-report', file)), file).toBe(true);
      // One sh, status returned, with --json to a file; flags went in the CLI's own variables.
      expect(r.sh).toHaveLength(1);
      expect(r.sh[0]).toMatchObject({ returnStatus: true, exitCode: 0, label: 'ci-connect evaluate' });
      expect(r.withEnv[0]).toEqual(
        expect.arrayContaining([
          'CI_CONNECT_SERVICE=carts',
          'CI_CONNECT_STAGE=hardening',
          'CI_CONNECT_VERSION=1.4.2',
          'CI_CONNECT_ON_WARNING=warn',
          'CI_CONNECT_REPORT_DIR=ci-connect-report',
        ]),
      );
    });

    it('every Map a step returns survives Java serialization, as CPS saves it across the steps that follow', () => {
      const returned = [...runs.values()].filter((r) => r.returned !== null);
      expect(returned.map((r) => r.name)).toEqual(
        expect.arrayContaining(['pass', 'warning', 'approval-input']),
      );
      for (const r of returned) expect(r.returnedSerializable, r.name).toBe(true);
    });

    it('warning: UNSTABLE through `unstable`, naming the objectives in warning; the Map is returned', () => {
      const r = run('warning');
      expect(r.buildResult, r.console).toBe('UNSTABLE');
      expect(r.returned).toMatchObject({ result: 'warning', score: 75, exitCode: 4 });
      expect(stepsNamed(r, 'unstable')).toEqual([
        {
          step: 'unstable',
          message: expect.stringContaining(
            'Objectives in warning: response_time_p95 = 600 (violates <500)',
          ) as string,
        },
      ]);
      expect(stepsNamed(r, 'junit')).toHaveLength(1);
    });

    it("onWarning: 'pass': a warning exits 0 and the build is SUCCESS, with result warning in the Map", () => {
      const r = run('warning-passes');
      expect(r.buildResult, r.console).toBe('SUCCESS');
      expect(r.withEnv[0]).toContain('CI_CONNECT_ON_WARNING=pass');
      expect(r.returned).toMatchObject({ result: 'warning', score: 75, exitCode: 0 });
      expect(stepsNamed(r, 'unstable')).toEqual([]);
    });

    it("onWarning: 'fail': a warning exits 1 and the build is FAILURE, naming the objectives in warning as such", () => {
      const r = run('warning-fails');
      expect(r.buildResult).toBe('FAILURE');
      expect(r.sh[0]?.exitCode).toBe(1);
      expect(r.error).toContain('ci-connect evaluate: carts 1.4.2 in hardening: warning (score 75.00%)');
      expect(r.error).toContain('Objectives in warning: response_time_p95 = 600 (violates <500)');
      expect(r.error).not.toContain('failed');
    });

    it('fail: FAILURE through `error`, naming each objective that failed; the reports are still published', () => {
      const r = run('fail');
      expect(r.buildResult).toBe('FAILURE');
      expect(r.returned).toBeNull();
      expect(r.error).toContain('ci-connect evaluate: carts 1.4.2 in hardening: fail (score 0.00%)');
      expect(r.error).toContain(
        'Objectives that failed: response_time_p95 = 900 (violates <500); error_rate = 5 (violates <=1)',
      );
      expect(stepsNamed(r, 'junit')).toHaveLength(1);
      expect(stepsNamed(r, 'archiveArtifacts')).toHaveLength(1);
    });

    it('exit 2 (configuration): FAILURE with the CLI message, naming file:line:col', () => {
      const r = run('config');
      expect(r.buildResult).toBe('FAILURE');
      expect(r.sh[0]?.exitCode).toBe(2);
      expect(r.error).toMatch(
        /^ci-connect evaluate: configuration or usage error \(exit 2; retrying will not help\): /,
      );
      expect(r.error).toContain(
        'broken-slo.yaml:3:24 objectives[0].pass[0].criteria[0]: "<=one" is not a criterion',
      );
    });

    it("a run that writes no reports publishes none: an earlier build's reports in reportDir are not this build's", () => {
      const r = run('stale-reports');
      expect(r.buildResult).toBe('FAILURE');
      expect(r.sh.map((s) => s.exitCode)).toEqual([0, 2]);
      // Only the first (earlier) run's reports: the failed run publishes nothing it did not write.
      for (const step of ['junit', 'archiveArtifacts', 'publishHTML'])
        expect(stepsNamed(r, step), step).toHaveLength(1);
      expect(r.console).toContain(
        'ci-connect: reports/stale-reports holds no report of this run; nothing published',
      );
    });

    it('exit 3 (monitoring unreachable): FAILURE saying retrying may help, with the CLI message and hint', () => {
      const r = run('unreachable');
      expect(r.buildResult).toBe('FAILURE');
      expect(r.sh[0]?.exitCode).toBe(3);
      expect(r.error).toMatch(
        /^ci-connect evaluate: an external system is unavailable \(exit 3; retrying may help\): /,
      );
      expect(r.error).toContain('prometheus: GET http://127.0.0.1:');
      expect(r.error).toContain('refused the connection (ECONNREFUSED)');
      expect(r.error).toContain('\nhint: check the port in the URL and that the service is running');
    });

    it('exit 70 (a bug in the CLI): FAILURE asking for a report', () => {
      const r = run('internal');
      expect(r.buildResult).toBe('FAILURE');
      expect(r.sh[0]?.exitCode).toBe(70);
      expect(r.error).toContain(
        'internal error in ci-connect (exit 70; please report it): internal error: simulated bug',
      );
      expect(r.error).toContain('hint: this is a bug in ci-connect');
    });

    it('a token from withCredentials reaches the CLI through the environment and nothing else', () => {
      const ok = run('prometheus-token');
      expect(ok.buildResult, ok.console).toBe('SUCCESS');
      expect(prometheus.requests.length).toBeGreaterThan(0);
      expect(prometheus.requests.every((q) => q.authorization === `Bearer ${TOKEN}`)).toBe(true);
      expect(prometheus.unexpected).toEqual([]);
      expect(stepsNamed(ok, 'withCredentials')).toEqual([
        { step: 'withCredentials', variables: ['PROMETHEUS_TOKEN'] },
      ]);
      for (const name of ['prometheus-token', 'unreachable']) {
        const r = run(name);
        const seen = [
          r.console,
          r.error ?? '',
          JSON.stringify(r.sh),
          JSON.stringify(r.withEnv),
          JSON.stringify(r.returned),
        ];
        for (const text of seen) expect(text).not.toContain(TOKEN);
      }
      const reports = path.join(gate, 'reports/prometheus-token');
      for (const file of readdirSync(reports))
        expect(readFileSync(path.join(reports, file), 'utf8'), file).not.toContain(TOKEN);
      expect(readFileSync(path.join(gate, 'history-prometheus-token.jsonl'), 'utf8')).not.toContain(TOKEN);
    });

    it('no value becomes shell text: quotes, $(...), backticks and ; in labels and extraArgs arrive verbatim', () => {
      const r = run('hostile');
      expect(r.buildResult, r.console).toBe('SUCCESS');
      const [record] = history(gate, 'hostile');
      expect(record?.labels).toEqual({ ciJobUrl: BUILD_URL, note: HOSTILE, extra: HOSTILE });
      expect(readdirSync(gate).filter((f) => f.startsWith('pwned'))).toEqual([]);
      expect(readdirSync(LIB).filter((f) => f.startsWith('pwned'))).toEqual([]);
      // Every script only names variables: nothing a user gave is in it.
      for (const each of runs.values())
        for (const { script } of each.sh) {
          expect(script).toMatch(
            /^("\$CI_CONNECT_JENKINS_ARG_\d+" )+[a-z-]+ --json( "\$CI_CONNECT_JENKINS_ARG_\d+")* >"\$CI_CONNECT_JENKINS_JSON"$/,
          );
          expect(script).not.toContain('carts');
        }
    });

    it('without the HTML Publisher plugin the report is still archived and the build passes', () => {
      const r = run('no-html-publisher');
      expect(r.buildResult, r.console).toBe('SUCCESS');
      expect(stepsNamed(r, 'archiveArtifacts')).toHaveLength(1);
      expect(r.console).toContain('install the HTML Publisher plugin for a link on the build page');
    });

    it('refuses an unknown argument before running anything, and says what the CLI exit means when it never ran', () => {
      const unknown = run('unknown-key');
      expect(unknown.buildResult).toBe('FAILURE');
      expect(unknown.error).toMatch(
        /^ci-connect evaluate: unknown argument servce for ci-connect evaluate; known: /,
      );
      expect(unknown.sh).toEqual([]);
      const noCli = run('no-cli');
      expect(noCli.buildResult).toBe('FAILURE');
      expect(noCli.sh[0]?.exitCode).toBe(127);
      expect(noCli.error).toContain('ci-connect evaluate exited 127: the command was not found');
    });

    it('docs/ci/jenkins.md describes every argument each step knows', () => {
      const text = readFileSync(DOCS, 'utf8');
      const section = text.slice(text.indexOf('## Arguments'), text.indexOf('## Exit codes'));
      for (const name of ['unknown-key', 'unknown-key-trigger', 'unknown-key-promote']) {
        const known = /known: (.*)$/.exec(run(name).error ?? '')?.[1]?.split(', ') ?? [];
        expect(known.length, name).toBeGreaterThan(10);
        for (const key of known) expect(section, `${name}: ${key}`).toContain(`\`${key}\``);
      }
    });

    it('approval (exit 5) with approval: input: asks with `input`, then runs again approved by who answered', () => {
      const r = run('approval-input');
      expect(r.buildResult, r.console).toBe('SUCCESS');
      expect(stepsNamed(r, 'input')).toEqual([
        {
          step: 'input',
          message: 'ci-connect: approve carts 1.4.2 in production?',
          ok: 'Approve',
          submitterParameter: 'approvedBy',
          submitter: 'release-managers',
        },
      ]);
      expect(r.sh.map((s) => s.exitCode)).toEqual([5, 0]);
      expect(r.withEnv[0]).not.toContain('CI_CONNECT_APPROVED_BY=jane');
      expect(r.withEnv[1]).toContain('CI_CONNECT_APPROVED_BY=jane');
      expect(r.returned).toEqual({ result: 'pass', score: null, evaluationId: null, exitCode: 0 });
      const approvals = history(stage, 'approval-input').filter((rec) => rec.kind === 'approval');
      expect(approvals).toEqual([
        expect.objectContaining({ approvedBy: 'jane', stage: 'production', mode: 'manual' }),
      ]);
    });

    it('approval (exit 5) with approval: fail: FAILURE naming the approval, no input step', () => {
      const r = run('approval-fail');
      expect(r.buildResult).toBe('FAILURE');
      expect(stepsNamed(r, 'input')).toEqual([]);
      expect(r.sh.map((s) => s.exitCode)).toEqual([5]);
      expect(r.error).toContain('manual approval required for carts 1.4.2 in production');
      expect(r.error).toContain("approval: 'fail'");
    });

    it('approval asked with input, and the stage still waits: FAILURE saying so, not advising approval: input', () => {
      const r = run('approval-still-waiting');
      expect(r.buildResult).toBe('FAILURE');
      expect(r.sh.map((s) => s.exitCode)).toEqual([5, 5]);
      expect(stepsNamed(r, 'input')).toHaveLength(1);
      expect(r.error).toContain('manual approval required for carts 1.4.2 in production');
      expect(r.error).toContain('still waits after jane approved in the input step');
      expect(r.error).not.toContain("give approval: 'input'");
    });

    it("a stage run publishes its gate's reports; the next run, with no evaluation, does not publish them again", () => {
      const r = run('stage-reports');
      expect(r.buildResult, `${r.console}\n${r.error ?? ''}`).toBe('SUCCESS');
      expect(r.sh.map((s) => s.exitCode)).toEqual([0, 0]);
      const [record] = history(gateStage, 'stage-reports').filter((rec) => rec.kind === 'evaluation');
      expect(record).toMatchObject({ stage: 'hardening', result: 'pass' });
      for (const step of ['junit', 'archiveArtifacts', 'publishHTML'])
        expect(stepsNamed(r, step), step).toHaveLength(1);
      expect(stepsNamed(r, 'junit')[0]).toMatchObject({ testResults: 'reports/stage-reports/junit.xml' });
      expect(r.console).toContain(
        'ci-connect: reports/stage-reports holds no report of this run; nothing published',
      );
    });

    it('a rejected input aborts the build without running the stage again', () => {
      const r = run('approval-rejected');
      expect(r.buildResult).toBe('ABORTED');
      expect(r.sh).toHaveLength(1);
    });

    it('a --dry-run whose checks found problems (exit 2): FAILURE listing each problem and its hint', () => {
      const r = run('dry-run-problems');
      expect(r.buildResult).toBe('FAILURE');
      expect(r.error).toContain(
        'ci-connect trigger-deployment: configuration or usage error (exit 2; retrying will not help): dry run of hardening.delivery for carts: 1 problem; the run would stop before its first task:',
      );
      expect(r.error).toContain(
        '1. hardening.delivery task 2 (tests): the shipyard task "tests" has no runner',
      );
      expect(r.error).toContain('hint: did you mean "test"?');
      expect(r.error).not.toContain('Node.js');
    });

    it('a failed task of trigger-deployment (exit 1): FAILURE naming the task and its message', () => {
      const r = run('task-fails');
      expect(r.buildResult).toBe('FAILURE');
      expect(r.error).toContain('ci-connect trigger-deployment: carts 1.4.2 in hardening (delivery): fail');
      expect(r.error).toContain('delivery failed at smoke-test: sh exited 1: smoke test of carts 1.4.2');
    });

    it('promote: `stage` is the stage to deploy to (--to); a stage with no Helm deployment is exit 2 with the hint', () => {
      const r = run('promote');
      expect(r.buildResult).toBe('FAILURE');
      expect(r.withEnv[0]).toContain('CI_CONNECT_TO_STAGE=production');
      expect(r.withEnv[0]?.some((e) => e.startsWith('CI_CONNECT_STAGE='))).toBe(false);
      expect(r.error).toContain('production.delivery has no deployment task run by Helm');
      expect(r.error).toContain(
        'hint: for a stage the team deploys itself (user_managed) run trigger-deployment',
      );
    });

    it('promote after an approval: dev deployed, production asked with input, then promoted from what dev recorded', () => {
      const r = run('delivery');
      expect(r.buildResult, `${r.console}\n${r.error ?? ''}`).toBe('SUCCESS');
      expect(r.sh.map((s) => [s.label, s.exitCode])).toEqual([
        ['ci-connect trigger-deployment', 0],
        ['ci-connect promote', 5],
        ['ci-connect promote', 0],
      ]);
      expect(stepsNamed(r, 'input')).toEqual([
        expect.objectContaining({
          message: 'ci-connect: approve carts 1.4.2 in production?',
          submitter: 'release-managers',
        }),
      ]);
      expect(r.withEnv[1]).toContain('CI_CONNECT_TO_STAGE=production');
      expect(r.withEnv[2]).toContain('CI_CONNECT_APPROVED_BY=jane');
      expect(r.returned).toMatchObject({ result: 'pass', exitCode: 0 });
      const records = history(delivery, 'delivery');
      const deployments = records.filter((rec) => rec.kind === 'deployment');
      expect(deployments.map((d) => d.stage)).toEqual(['dev', 'production']);
      expect(deployments[1]).toMatchObject({
        promotedFrom: deployments[0]?.id,
        image: 'registry.example.com/carts:1.4.2',
      });
      expect(records.filter((rec) => rec.kind === 'approval')).toEqual([
        expect.objectContaining({ stage: 'production', approvedBy: 'jane' }),
      ]);
      expect(helm.calls().map((call) => call.argv.slice(0, 3))).toEqual([
        ['upgrade', '--install', 'shop-dev-carts'],
        ['upgrade', '--install', 'shop-production-carts'],
      ]);
      expect(helm.unmatched()).toEqual([]);
    });

    it("the docs' Jenkinsfile runs as it is written: @Library, Declarative sections, the default cli, both credentials", () => {
      const jenkinsfile = docsJenkinsfile();
      expect(jenkinsfile).toContain(DOCS_PROMETHEUS);
      expect(jenkinsfile).toContain(DOCS_HISTORY);
      const r = run('docs-jenkinsfile');
      expect(r.buildResult, `${r.console}\n${r.error ?? ''}`).toBe('SUCCESS');
      expect(r.library).toBe('ci-connect@0.1.0');
      expect(r.stages).toEqual(['quality gate']);
      const [record] = history(docs, 'docs');
      expect(record).toMatchObject({
        kind: 'evaluation',
        service: 'carts',
        stage: 'hardening',
        version: '4f9c2e1d7a3b',
        result: 'pass',
        labels: { ciJobUrl: BUILD_URL, buildNumber: '42' },
      });
      expect(r.console).toContain(`quality gate: pass, score 100.0, evaluation ${String(record?.id)}`);
      // The default cli, through the npx stub: `npx --yes ci-connect@0.1.0` and nothing else.
      expect(r.withEnv[0]).toEqual(
        expect.arrayContaining([
          'CI_CONNECT_JENKINS_ARG_0=npx',
          'CI_CONNECT_JENKINS_ARG_1=--yes',
          'CI_CONNECT_JENKINS_ARG_2=ci-connect@0.1.0',
        ]),
      );
      expect(stepsNamed(r, 'withCredentials')).toEqual([
        { step: 'withCredentials', variables: ['PGPASSWORD', 'PROMETHEUS_TOKEN'] },
      ]);
      const seen = [r.console, JSON.stringify(r.sh), JSON.stringify(r.withEnv), JSON.stringify(r.returned)];
      for (const secret of [TOKEN, HISTORY_PASSWORD])
        for (const text of seen) expect(text).not.toContain(secret);
    });
  },
);

// Groovy here has no CPS interpreter (Jenkins runs library code through one), so the rules CPS
// imposes are checked on the source: code that calls steps is CPS code in a Serializable class
// with no private members (CPS closures cannot reach them); the pure classes call no step and
// every method of theirs is @NonCPS (their closures and JSON maps never meet a CPS checkpoint).
describe('the library keeps to the rules of Jenkins CPS', () => {
  const source = (file: string) => readFileSync(path.join(LIB, 'src/io/ciconnect', file), 'utf8');

  it('the class that calls steps is Serializable and has no private members', () => {
    const step = source('CiConnectStep.groovy');
    expect(step).toMatch(/class CiConnectStep implements Serializable/);
    expect(step.split('\n').filter((line) => /^\s+private /.test(line))).toEqual([
      '  private static final long serialVersionUID = 1L',
    ]);
    expect(step).not.toContain('@NonCPS');
  });

  it.each(['Invocation.groovy', 'Outcome.groovy'])(
    '%s calls no step, and each of its methods is @NonCPS',
    (file) => {
      const text = source(file);
      expect(text).toMatch(/implements Serializable/);
      expect(text).not.toMatch(/\bsteps\b/);
      const lines = text.split('\n');
      const methods = lines.flatMap((line, i) =>
        /^ {2}(private )?static (?!final)[\w<>, ]+ \w+\(/.test(line) ? [i] : [],
      );
      expect(methods.length).toBeGreaterThan(2);
      for (const i of methods) expect(lines[i - 1]?.trim(), lines[i]).toBe('@NonCPS');
    },
  );

  // A folder library runs in the Groovy sandbox: a constructor or static method of the JDK or Groovy
  // that is not on Script Security's built-in generic-whitelist (e.g. `new groovy.json.JsonSlurperClassic`,
  // `new java.lang.IllegalArgumentException java.lang.String`) stops every build until an
  // administrator approves it. The library's own classes are allowed (ClassLoaderWhitelist).
  it('constructs and calls statically only its own classes and what the sandbox allows without an approval', () => {
    const whitelisted: Record<string, string> = {
      'new ArrayList': 'new java.util.ArrayList java.util.Collection',
      'new JsonSlurper': 'new groovy.json.JsonSlurper',
      'UUID.randomUUID': 'staticMethod java.util.UUID randomUUID',
      'String.format':
        'staticMethod java.lang.String format java.util.Locale java.lang.String java.lang.Object[]',
      'String.valueOf': 'staticMethod java.lang.String valueOf long',
      'Math.rint': 'staticMethod java.lang.Math rint double',
      'Math.abs': 'staticMethod java.lang.Math abs double',
    };
    const own = readdirSync(path.join(LIB, 'src/io/ciconnect')).map((f) => f.replace(/\.groovy$/, ''));
    const files = [
      ...readdirSync(path.join(LIB, 'src/io/ciconnect')).map((f) => path.join(LIB, 'src/io/ciconnect', f)),
      ...readdirSync(path.join(LIB, 'vars'))
        .filter((f) => f.endsWith('.groovy'))
        .map((f) => path.join(LIB, 'vars', f)),
    ];
    const used = new Set<string>();
    for (const file of files) {
      const code = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
        .join('\n');
      for (const m of code.matchAll(/\bnew ([A-Z]\w*)/g)) used.add(`new ${m[1] ?? ''}`);
      for (const m of code.matchAll(/\b([A-Z][a-z]\w*)\.(\w+)\(/g)) used.add(`${m[1] ?? ''}.${m[2] ?? ''}`);
    }
    const foreign = [...used].filter((call) => !own.includes(call.replace(/^new /, '').split('.')[0] ?? ''));
    for (const call of foreign) expect(whitelisted, call).toHaveProperty([call]);
    // The scan sees the library's calls: the JSON parser among them.
    expect(used).toContain('new JsonSlurper');
  });

  it('each vars step is `def call(Map args = [:])` handing its command to CiConnectStep, with a help text', () => {
    const steps = {
      ciConnectEvaluate: 'evaluate',
      ciConnectTriggerDeployment: 'trigger-deployment',
      ciConnectPromote: 'promote',
    };
    expect(readdirSync(path.join(LIB, 'vars')).sort()).toEqual(
      Object.keys(steps)
        .flatMap((name) => [`${name}.groovy`, `${name}.txt`])
        .sort(),
    );
    for (const [name, command] of Object.entries(steps)) {
      const text = readFileSync(path.join(LIB, 'vars', `${name}.groovy`), 'utf8');
      expect(text).toContain(
        `def call(Map args = [:]) {\n  return new CiConnectStep(this).run('${command}', args)\n}`,
      );
    }
  });
});
