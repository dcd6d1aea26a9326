// `ci-connect send-event` as a pipeline step runs it: the real CLI against the strict Dynatrace
// stand-in, which records the ingest body. The token is searched for in everything printed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import { startDynatraceStandIn, type DynatraceStandIn } from './support/dynatrace-stand-in.js';
import { findFreePort } from './support/free-port.js';

const TOKEN = 'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.SECRETSECRETSECRETSECRETSECRETSECRETSECRETSECRETSECRETSE';
const INGEST = '/api/v2/events/ingest';
const JOB_URL = 'https://gitlab.example.com/shop/carts/-/jobs/812';

let standIn: DynatraceStandIn;

beforeEach(async () => {
  standIn = await startDynatraceStandIn({ token: TOKEN });
});

afterEach(async () => {
  expect(standIn.violations).toEqual([]);
  expect(standIn.unusedExpectations()).toEqual([]);
  await standIn.close();
});

const target = ['--project', 'shop', '--stage', 'hardening', '--service', 'carts', '--version', '1.4.2'];

async function sendEvent(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const run = await runCli(['send-event', '--config-dir', 'no-such-dir', ...target, ...args], {
    env: {
      DT_URL: standIn.url,
      DT_API_TOKEN: TOKEN,
      GITLAB_CI: 'true',
      CI_JOB_URL: JOB_URL,
      CI_PIPELINE_URL: '',
      ...env,
    },
  });
  expect(`${run.stdout}\n${run.stderr}`).not.toContain('SECRETSECRET');
  return run;
}

describe('ci-connect send-event', () => {
  it('sends a CUSTOM_DEPLOYMENT with the CI back-link and prints one line', async () => {
    standIn.expect({
      method: 'POST',
      path: INGEST,
      query: {},
      respond: 'events-v2-ingest_201_one-report-ok',
    });
    const run = await sendEvent(['--type', 'deployment', '--property', 'approver=jane']);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(
      'sent CUSTOM_DEPLOYMENT to Dynatrace: 1 event (correlation id 29028bcb58ef4998)\n',
    );
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]?.authorization).toBe(`Api-Token ${TOKEN}`);
    expect(standIn.requests[0]?.body).toEqual({
      eventType: 'CUSTOM_DEPLOYMENT',
      title: 'Deployment of carts 1.4.2 to hardening',
      entitySelector: 'type(SERVICE),tag(service:carts)',
      properties: {
        project: 'shop',
        stage: 'hardening',
        service: 'carts',
        version: '1.4.2',
        ci: 'gitlab',
        ciBackLink: JOB_URL,
        'dt.event.deployment.name': 'Deployment of carts 1.4.2 to hardening',
        'dt.event.deployment.version': '1.4.2',
        'dt.event.deployment.project': 'shop',
        'dt.event.deployment.release_stage': 'hardening',
        'dt.event.deployment.ci_back_link': JOB_URL,
        approver: 'jane',
      },
    });
  });

  it('prints the event and the results with --json', async () => {
    standIn.expect({
      method: 'POST',
      path: INGEST,
      query: {},
      respond: 'events-v2-ingest_201_one-report-ok',
    });
    const run = await sendEvent([
      '--type',
      'info',
      '--title',
      'Evaluation of $SERVICE: pass',
      '--entity-selector',
      'type(SERVICE),tag(keptn_stage:$STAGE)',
      '--json',
    ]);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      schemaVersion: 1,
      kind: 'event',
      provider: 'dynatrace',
      eventType: 'CUSTOM_INFO',
      title: 'Evaluation of carts: pass',
      entitySelector: 'type(SERVICE),tag(keptn_stage:hardening)',
      properties: {
        project: 'shop',
        stage: 'hardening',
        service: 'carts',
        version: '1.4.2',
        ci: 'gitlab',
        ciBackLink: JOB_URL,
      },
      reportCount: 1,
      results: [{ correlationId: '29028bcb58ef4998', status: 'OK' }],
    });
  });

  it('exits 2 naming the selector when it matched no entity', async () => {
    standIn.expect({ method: 'POST', path: INGEST, query: {}, respond: 'events-v2-ingest_201_zero-reports' });
    const run = await sendEvent([
      '--type',
      'annotation',
      '--entity-selector',
      'type(SERVICE),tag(app:cartz)',
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('the entity selector type(SERVICE),tag(app:cartz) matched no entity');
    expect(run.stderr).toContain('check the entity selector');
  });

  it('exits 2 when the token is refused', async () => {
    standIn.expect({
      method: 'POST',
      path: INGEST,
      query: {},
      respond: 'error_401_missing-authorization-parameter',
    });
    const run = await sendEvent(['--type', 'deployment']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('HTTP 401');
    expect(run.stderr).toContain('DT_API_TOKEN');
  });

  it('exits 3 after exactly one request when Dynatrace answers 503, saying the event may exist', async () => {
    standIn.expect({
      method: 'POST',
      path: INGEST,
      query: {},
      respond: { status: 503, body: { error: { code: 503, message: 'Service Unavailable' } } },
    });
    const run = await sendEvent(['--type', 'deployment', '--json']);
    expect(run.exitCode).toBe(3);
    expect(standIn.requests).toHaveLength(1);
    expect(run.stderr).toContain('may or may not have been created');
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'error', exitCode: 3 });
  });

  it('exits 3 when Dynatrace refuses the connection, saying the event was surely not created', async () => {
    const closedPort = await findFreePort();
    const run = await sendEvent(['--type', 'deployment'], { DT_URL: `http://127.0.0.1:${closedPort}` });
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toContain('refused the connection');
    expect(run.stderr).not.toContain('may or may not');
  });

  it.each<{ name: string; env: Record<string, string> }>([
    { name: 'DT_URL', env: { DT_URL: '' } },
    { name: 'DT_API_TOKEN', env: { DT_API_TOKEN: '' } },
  ])('exits 2 without $name, sending nothing', async ({ name, env }) => {
    const run = await sendEvent(['--type', 'deployment'], env);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(name);
    expect(standIn.requests).toHaveLength(0);
  });
});
