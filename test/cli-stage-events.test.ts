// A stage run reporting what it does (issue 4, DESIGN.md section 7), as a pipeline runs it: the
// real CLI runs `trigger-deployment` on a small project whose tasks need neither Helm nor JMeter
// (a user_managed deployment, a gate on a local server answering Prometheus' query API, a test
// run by a command), with `events.cloudevents` writing to a file and `events.dynatrace` pointing
// at the strict Dynatrace stand-in. Events are a side channel: they never change the exit code.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import { startPrometheusStandIn, type PrometheusStandIn } from './support/prometheus-stand-in.js';
import {
  startDynatraceStandIn,
  type DynatraceStandIn,
  type StandInResponse,
} from './support/dynatrace-stand-in.js';

const TOKEN =
  'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.RUNSECRETRUNSECRETRUNSECRETRUNSECRETRUNSECRETRUNSECRETRUNSECRETRU';
const INGEST = '/api/v2/events/ingest';
const JOB_URL = 'https://github.com/shop/carts/actions/runs/4242';

// The evaluation comes before the test, so it gates the task's own timeframe (the Prometheus
// stand-in answers for any window) and this test does not depend on how a test's window is widened.
const SHIPYARD = `apiVersion: "spec.keptn.sh/0.2.2"
kind: "Shipyard"
metadata:
  name: "shipyard-shop"
spec:
  stages:
    - name: "hardening"
      sequences:
        - name: "delivery"
          tasks:
            - name: "deployment"
              properties:
                deploymentstrategy: "user_managed"
            - name: "evaluation"
              properties:
                timeframe: "5m"
            - name: "test"
              properties:
                teststrategy: "performance"
`;

const CI_CONNECT_YAML = `project: shop
tasks:
  test:
    command: [${JSON.stringify(process.execPath)}, "-e", "console.log('load test ran')"]
events:
  cloudevents:
    sink: file:events.jsonl
  dynatrace:
    enabled: true
`;

interface CloudEvent {
  id: string;
  type: string;
  source: string;
  shkeptncontext: string;
  triggeredid?: string;
  data: Record<string, unknown>;
}

interface Run {
  result: string;
  status: string;
  tasks: { task: string; result: string; details: Record<string, unknown> }[];
}

/** Answers Prometheus' instant queries with one sample: an error ratio of 0.5%. */
let prometheus: PrometheusStandIn;
let prometheusUrl = '';

beforeAll(async () => {
  prometheus = await startPrometheusStandIn('0.5');
  prometheusUrl = prometheus.url;
});
afterAll(() => prometheus.close());

let standIn: DynatraceStandIn;
let root: string;

beforeEach(async () => {
  standIn = await startDynatraceStandIn({ token: TOKEN });
  root = mkdtempSync(path.join(tmpdir(), 'ci-connect-stage-events-'));
  const configDir = path.join(root, '.ci-connect');
  const service = path.join(configDir, 'base', 'carts');
  mkdirSync(path.join(service, 'sli'), { recursive: true });
  writeFileSync(path.join(configDir, 'shipyard.yaml'), SHIPYARD);
  writeFileSync(path.join(configDir, 'ci-connect.yaml'), CI_CONNECT_YAML);
  writeFileSync(
    path.join(service, 'slo.yaml'),
    'objectives:\n  - sli: error_ratio\n    pass: [{criteria: ["<1"]}]\ntotal_score: {pass: "90%"}\n',
  );
  writeFileSync(
    path.join(service, 'sli', 'prometheus.yaml'),
    'spec_version: "1.0"\nindicators:\n  error_ratio: sum(rate(http_errors_total{job="$SERVICE"}[$DURATION_SECONDS]))\n',
  );
});

afterEach(async () => {
  expect(standIn.violations).toEqual([]);
  expect(standIn.unusedExpectations()).toEqual([]);
  await standIn.close();
});

function expectIngests(respond: StandInResponse, times: number): void {
  standIn.expect({ method: 'POST', path: INGEST, query: {}, respond, times });
}

async function trigger(extra: string[] = []): Promise<CliRun> {
  const run = await runCli(
    [
      'trigger-deployment',
      '--service',
      'carts',
      '--version',
      '1.4.2',
      '--stage',
      'hardening',
      '--json',
      ...extra,
    ],
    {
      cwd: root,
      env: {
        DT_URL: standIn.url,
        DT_API_TOKEN: TOKEN,
        PROMETHEUS_URL: prometheusUrl,
        GITHUB_ACTIONS: 'true',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'shop/carts',
        GITHUB_RUN_ID: '4242',
      },
    },
  );
  expect(`${run.stdout}\n${run.stderr}`).not.toContain('RUNSECRET');
  return run;
}

function cloudEvents(): CloudEvent[] {
  const text = readFileSync(path.join(root, 'events.jsonl'), 'utf8');
  expect(text).not.toContain('RUNSECRET');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as CloudEvent);
}

const EXPECTED_TYPES = [
  'hardening.delivery.triggered',
  'deployment.triggered',
  'deployment.started',
  'deployment.finished',
  'evaluation.triggered',
  'evaluation.started',
  'evaluation.finished',
  'test.triggered',
  'test.started',
  'test.finished',
  'hardening.delivery.finished',
].map((type) => `sh.keptn.event.${type}`);

describe('trigger-deployment reports its stage run', () => {
  it('writes every step as a CloudEvent and sends the Dynatrace events, each once', async () => {
    expectIngests('events-v2-ingest_201_one-report-ok', 4);
    const run = await trigger();
    expect(run.exitCode, run.stderr).toBe(0);
    const [delivery] = JSON.parse(run.stdout) as Run[];
    expect(delivery?.tasks.map((t) => [t.task, t.result])).toEqual([
      ['deployment', 'pass'],
      ['evaluation', 'pass'],
      ['test', 'pass'],
    ]);
    const evaluationId = delivery!.tasks[1]!.details.evaluationId as string;
    const deploymentId = delivery!.tasks[0]!.details.deploymentId as string;

    const events = cloudEvents();
    expect(events.map((e) => e.type)).toEqual(EXPECTED_TYPES);
    expect(new Set(events.map((e) => e.shkeptncontext)).size).toBe(1);
    expect(new Set(events.map((e) => e.source))).toEqual(new Set([JOB_URL]));
    const byType = (type: string) => events.find((e) => e.type === `sh.keptn.event.${type}`)!;
    for (const task of ['deployment', 'evaluation', 'test'])
      for (const kind of ['started', 'finished'])
        expect(byType(`${task}.${kind}`).triggeredid, `${task}.${kind}`).toBe(byType(`${task}.triggered`).id);
    expect(byType('hardening.delivery.finished').triggeredid).toBe(byType('hardening.delivery.triggered').id);
    expect(byType('deployment.finished').data).toMatchObject({
      project: 'shop',
      stage: 'hardening',
      service: 'carts',
      status: 'succeeded',
      result: 'pass',
      deployment: { deploymentstrategy: 'user_managed', deploymentNames: [] },
    });
    expect(byType('evaluation.triggered').data.evaluation).toEqual({ timeframe: '5m' });
    const evaluation = byType('evaluation.finished');
    expect(evaluation.id).toBe(evaluationId);
    expect(evaluation.data.evaluation).toMatchObject({
      result: 'pass',
      score: 100,
      indicatorResults: [{ value: { metric: 'error_ratio', value: 0.5, success: true }, status: 'pass' }],
    });
    expect(byType('test.triggered').data.test).toEqual({ teststrategy: 'performance' });
    expect(byType('hardening.delivery.finished').data).toMatchObject({ status: 'succeeded', result: 'pass' });
    expect(prometheus.paths.at(-1)).toBe('/api/v1/query');

    const bodies = standIn.requests.map(
      (r) => r.body as { eventType: string; title: string; properties: Record<string, string> },
    );
    expect(standIn.requests.every((r) => r.authorization === `Api-Token ${TOKEN}`)).toBe(true);
    expect(bodies.map((b) => [b.eventType, b.title])).toEqual([
      ['CUSTOM_DEPLOYMENT', 'Deployment of carts 1.4.2 to hardening'],
      ['CUSTOM_INFO', 'Quality gate pass for carts 1.4.2 in hardening: score 100%'],
      ['CUSTOM_ANNOTATION', 'Test performance of carts 1.4.2 started'],
      ['CUSTOM_ANNOTATION', 'Test performance of carts 1.4.2 finished: pass'],
    ]);
    expect(bodies[0]?.properties).toMatchObject({
      project: 'shop',
      stage: 'hardening',
      service: 'carts',
      version: '1.4.2',
      ci: 'github',
      ciBackLink: JOB_URL,
      'dt.event.deployment.version': '1.4.2',
      'dt.event.deployment.release_stage': 'hardening',
      'dt.event.deployment.ci_back_link': JOB_URL,
      deploymentStrategy: 'user_managed',
      deploymentId,
      sequence: 'delivery',
    });
    expect(bodies[1]?.properties.evaluationId).toBe(evaluationId);
    expect(run.stderr).toContain(
      'sent CUSTOM_DEPLOYMENT "Deployment of carts 1.4.2 to hardening" to Dynatrace',
    );
  });

  it('only warns when Dynatrace fails (500): the exit code stays the run’s, the CloudEvents are complete', async () => {
    expectIngests({ status: 500, body: { error: { code: 500, message: 'Internal Server Error' } } }, 4);
    const run = await trigger();
    expect(run.exitCode, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as Run[])[0]).toMatchObject({ result: 'pass', status: 'succeeded' });
    // Sent once each: an ingest POST is never retried (it could duplicate the event).
    expect(standIn.requests).toHaveLength(4);
    expect(run.stderr).toMatch(
      /CUSTOM_DEPLOYMENT "Deployment of carts 1.4.2 to hardening" was not sent to Dynatrace \(the run goes on\): .*500/,
    );
    expect(run.stderr).toMatch(
      /CUSTOM_ANNOTATION "Test performance of carts 1.4.2 finished: pass" was not sent/,
    );
    expect(run.stderr).toContain('the result is recorded, but was not sent to Dynatrace');
    expect(cloudEvents().map((e) => e.type)).toEqual(EXPECTED_TYPES);
  });

  it('sends nothing to Dynatrace with --no-dynatrace-event, and still writes the CloudEvents', async () => {
    const run = await trigger(['--no-dynatrace-event']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(standIn.requests).toEqual([]);
    expect(cloudEvents().map((e) => e.type)).toEqual(EXPECTED_TYPES);
  });
});
