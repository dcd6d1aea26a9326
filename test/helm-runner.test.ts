// The Helm runner against the recording helm stub (DESIGN.md section 8: no real helm here): the
// exact argv per strategy, the values layering, failures, rollbacks, timeouts and kills.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../packages/core/src/environment.js';
import { ConfigError, ExternalSystemError } from '../packages/core/src/errors.js';
import { createRedactor } from '../packages/core/src/redaction/redaction.js';
import {
  cutSecretRedactor,
  linesCuttingSecret,
  secretFragmentsIn,
} from '../packages/core/src/redaction/test-support/secret-across-cut.js';
import { HelmRunner } from '../packages/core/src/tools/helm/helm-runner.js';
import type { HelmRunnerOptions } from '../packages/core/src/tools/helm/helm-runner.js';
import type { HelmTarget } from '../packages/core/src/tools/helm/types.js';
import {
  createHelmStub,
  historyJson,
  RELEASE_NOT_FOUND,
  upgradeSucceeded,
  type HelmStub,
} from './support/helm-stub.js';

const CHART = '/cfg/base/carts/helm';
const BASE_VALUES = '/cfg/base/carts/helm/values.yaml';
const OVERLAY_VALUES = '/cfg/stages/prod/carts/values.yaml';
const IMAGE = 'docker.io/keptnexamples/carts:0.13.1';

const target = (overrides: Partial<HelmTarget> = {}): HelmTarget => ({
  project: 'shop',
  stage: 'prod',
  service: 'carts',
  strategy: 'direct',
  chartDir: CHART,
  valuesFiles: [BASE_VALUES, OVERLAY_VALUES],
  image: IMAGE,
  version: '0.13.1',
  ...overrides,
});

const upgradeTail = (release: string) => [
  'upgrade',
  '--install',
  release,
  CHART,
  '--namespace',
  'shop-prod',
  '--create-namespace',
  '--atomic',
  '--wait',
  '--timeout',
  '300s',
  '--values',
  BASE_VALUES,
  '--values',
  OVERLAY_VALUES,
];
const imageAndVersion = ['--set-string', `image=${IMAGE}`, '--set-string', 'version=0.13.1'];
const getValues = ['get', 'values', 'shop-prod-carts', '--namespace', 'shop-prod', '--output', 'json'];
const history = ['history', 'shop-prod-carts', '--namespace', 'shop-prod', '--max', '64', '--output', 'json'];

/** A `helm get values -o json` answer of a switch release. */
const colors = (active: string, released?: string) => ({
  command: ['get', 'values'],
  stdout: JSON.stringify({
    image: IMAGE,
    blueGreen: { role: 'switch', activeColor: active, releasedColor: released },
  }),
});

let stub: HelmStub;
beforeEach(async () => {
  stub = await createHelmStub();
});
afterEach(async () => {
  await stub.cleanup();
});

function runner(options: HelmRunnerOptions = {}): HelmRunner {
  return new HelmRunner({ env: stub.env(), ...options });
}

/** Whether pid names a running process; a zombie waiting for PID 1 to reap it is not running. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

describe('direct', () => {
  it('deploys with helm upgrade --install, values layered base, overlay, then image and version', async () => {
    await stub.setRules([
      { command: ['upgrade'], stdout: upgradeSucceeded('shop-prod-carts', 'shop-prod', 4) },
    ]);
    const result = await runner().runStep('deployment', target());
    const expected = [...upgradeTail('shop-prod-carts'), ...imageAndVersion];
    expect(stub.argvs()).toEqual([expected]);
    expect(result).toMatchObject({
      status: 'succeeded',
      action: 'deployment',
      strategy: 'direct',
      release: 'shop-prod-carts',
      namespace: 'shop-prod',
      revision: 4,
      message: 'deployed shop-prod-carts',
      commands: [['helm', ...expected]],
    });
    expect(result.blueGreen).toBeUndefined();
  });

  it('reports a failed upgrade as a failed step with Helm\u2019s own message', async () => {
    const helmError =
      'Error: UPGRADE FAILED: release shop-prod-carts failed, and has been rolled back due to atomic being set: timed out waiting for the condition\n';
    await stub.setRules([
      { command: ['upgrade'], exitCode: 1, stderr: `install.go:200: [debug] WARNING\n${helmError}` },
    ]);
    const result = await runner().runStep('deployment', target());
    expect(result.status).toBe('failed');
    expect(result.message).toBe(
      'helm upgrade shop-prod-carts failed (exit 1): UPGRADE FAILED: release shop-prod-carts failed, and has been rolled back due to atomic being set: timed out waiting for the condition',
    );
    expect(result.revision).toBeUndefined();
  });

  it('redacts Helm\u2019s message with the run\u2019s redactor before cutting it to 1000 characters', async () => {
    const redactor = cutSecretRedactor();
    for (const { line, kept } of linesCuttingSecret(1000)) {
      await stub.setRules([{ command: ['upgrade'], exitCode: 1, stderr: `Error: ${line}\n` }]);
      const result = await runner({ redactor }).runStep('deployment', target());
      expect(result.message, `${kept} characters before the cut`).toMatch(
        /^helm upgrade shop-prod-carts failed \(exit 1\): x+\*/,
      );
      expect(secretFragmentsIn(result.message), `${kept} characters before the cut`).toEqual([]);
    }
  });

  it('after a failed --atomic upgrade, a rollback has nothing left to undo', async () => {
    await stub.setRules([
      {
        command: ['history'],
        stdout: historyJson([
          [1, 'superseded', 'Install complete'],
          [2, 'failed', 'Upgrade "shop-prod-carts" failed: timed out waiting for the condition'],
          [3, 'deployed', 'Rollback to 1'],
        ]),
      },
    ]);
    const result = await runner().runStep('rollback', target());
    expect(stub.argvs()).toEqual([history]);
    expect(result).toMatchObject({ status: 'succeeded', release: 'shop-prod-carts' });
    expect(result.message).toContain('already a rollback (Rollback to 1)');
  });

  it('rolls a successful deployment back to the last successful revision before it', async () => {
    await stub.setRules([
      {
        command: ['history'],
        stdout: historyJson([
          [4, 'superseded', 'Upgrade complete'],
          [5, 'failed', 'Upgrade "shop-prod-carts" failed'],
          [6, 'superseded', 'Rollback to 4'],
          [7, 'deployed', 'Upgrade complete'],
        ]),
      },
      { command: ['rollback'], stdout: 'Rollback was a success! Happy Helming!\n' },
    ]);
    const result = await runner().runStep('rollback', target());
    const rollback = [
      'rollback',
      'shop-prod-carts',
      '6',
      '--namespace',
      'shop-prod',
      '--wait',
      '--timeout',
      '300s',
    ];
    expect(stub.argvs()).toEqual([history, rollback]);
    expect(result).toMatchObject({
      status: 'succeeded',
      revision: 8,
      message: 'rolled back shop-prod-carts',
    });
  });

  it('has nothing to roll back when the release does not exist', async () => {
    await stub.setRules([{ command: ['history'], exitCode: 1, stderr: RELEASE_NOT_FOUND }]);
    const result = await runner().runStep('rollback', target());
    expect(result).toMatchObject({ status: 'succeeded', commands: [['helm', ...history]] });
    expect(result.message).toContain('no deployed revision');
  });

  it('fails a rollback of a first installation, saying how to remove it', async () => {
    await stub.setRules([
      { command: ['history'], stdout: historyJson([[1, 'deployed', 'Install complete']]) },
    ]);
    const result = await runner().runStep('rollback', target());
    expect(result.status).toBe('failed');
    expect(result.message).toContain('helm uninstall shop-prod-carts --namespace shop-prod');
  });

  it('runs no helm command for release', async () => {
    const result = await runner().runStep('release', target());
    expect(stub.calls()).toEqual([]);
    expect(result).toMatchObject({ status: 'succeeded', commands: [] });
  });
});

describe('blue_green_service', () => {
  const blueGreen = target({ strategy: 'blue_green_service' });
  const colorUpgrade = (color: string) => [
    ...upgradeTail(`shop-prod-carts-${color}`),
    ...imageAndVersion,
    '--set-string',
    'blueGreen.role=color',
    '--set-string',
    `blueGreen.color=${color}`,
  ];
  const switchUpgrade = (active: string, released?: string) => [
    ...upgradeTail('shop-prod-carts'),
    '--set-string',
    'blueGreen.role=switch',
    '--set-string',
    `blueGreen.activeColor=${active}`,
    ...(released === undefined ? [] : ['--set-string', `blueGreen.releasedColor=${released}`]),
  ];

  it('first deployment: blue, then the switch release routes to it', async () => {
    await stub.setRules([
      { command: ['get', 'values'], exitCode: 1, stderr: RELEASE_NOT_FOUND },
      {
        command: ['upgrade'],
        with: ['shop-prod-carts-blue'],
        stdout: upgradeSucceeded('shop-prod-carts-blue', 'shop-prod', 1),
      },
      {
        command: ['upgrade'],
        with: ['shop-prod-carts'],
        stdout: upgradeSucceeded('shop-prod-carts', 'shop-prod', 1),
      },
    ]);
    const result = await runner().runStep('deployment', blueGreen);
    expect(stub.argvs()).toEqual([getValues, colorUpgrade('blue'), switchUpgrade('blue')]);
    expect(stub.unmatched()).toEqual([]);
    expect(result).toMatchObject({
      status: 'succeeded',
      release: 'shop-prod-carts-blue',
      revision: 1,
      message: 'deployed shop-prod-carts-blue; traffic switched to blue',
      blueGreen: {
        before: { activeColor: null, releasedColor: null },
        after: { activeColor: 'blue', releasedColor: null },
        deployedColor: 'blue',
      },
    });
  });

  it('release marks the serving colour as released', async () => {
    await stub.setRules([
      colors('blue'),
      { command: ['upgrade'], stdout: upgradeSucceeded('shop-prod-carts', 'shop-prod', 2) },
    ]);
    const result = await runner().runStep('release', blueGreen);
    expect(stub.argvs()).toEqual([getValues, switchUpgrade('blue', 'blue')]);
    expect(result).toMatchObject({
      status: 'succeeded',
      message: 'released blue (shop-prod-carts)',
      revision: 2,
    });
  });

  it('the next deployment goes to the other colour and keeps the released one as the way back', async () => {
    await stub.setRules([
      colors('blue', 'blue'),
      { command: ['upgrade'], stdout: upgradeSucceeded('x', 'shop-prod', 3) },
    ]);
    const result = await runner().runStep('deployment', blueGreen);
    expect(stub.argvs()).toEqual([getValues, colorUpgrade('green'), switchUpgrade('green', 'blue')]);
    expect(result.blueGreen).toEqual({
      before: { activeColor: 'blue', releasedColor: 'blue' },
      after: { activeColor: 'green', releasedColor: 'blue' },
      deployedColor: 'green',
    });
  });

  it('rollback returns traffic to the released colour', async () => {
    await stub.setRules([
      colors('green', 'blue'),
      { command: ['upgrade'], stdout: upgradeSucceeded('x', 'shop-prod', 4) },
    ]);
    const result = await runner().runStep('rollback', blueGreen);
    expect(stub.argvs()).toEqual([getValues, switchUpgrade('blue', 'blue')]);
    expect(result).toMatchObject({
      status: 'succeeded',
      message: 'traffic returned to blue (shop-prod-carts)',
    });
  });

  it('a failed colour upgrade leaves the switch untouched and the traffic where it was', async () => {
    await stub.setRules([
      colors('blue', 'blue'),
      {
        command: ['upgrade'],
        with: ['shop-prod-carts-green'],
        exitCode: 1,
        stderr: 'Error: UPGRADE FAILED: image pull backoff\n',
      },
    ]);
    const result = await runner().runStep('deployment', blueGreen);
    expect(stub.argvs()).toEqual([getValues, colorUpgrade('green')]);
    expect(result).toMatchObject({
      status: 'failed',
      release: 'shop-prod-carts-green',
      message: 'helm upgrade shop-prod-carts-green failed (exit 1): UPGRADE FAILED: image pull backoff',
      blueGreen: { before: { activeColor: 'blue' }, after: { activeColor: 'blue', releasedColor: 'blue' } },
    });
  });

  it('rollback when traffic is already on the released colour changes nothing', async () => {
    await stub.setRules([colors('blue', 'blue')]);
    const result = await runner().runStep('rollback', blueGreen);
    expect(stub.argvs()).toEqual([getValues]);
    expect(result.status).toBe('succeeded');
  });
});

describe('user_managed', () => {
  it('runs no helm at all, and does not even need one', async () => {
    const result = await new HelmRunner({ helmBinary: '/no/such/helm' }).runStep(
      'deployment',
      target({ strategy: 'user_managed' }),
    );
    expect(result).toMatchObject({ status: 'succeeded', release: null, namespace: null, commands: [] });
    expect(result.message).toContain('runs no Helm command');
    expect(stub.calls()).toEqual([]);
  });
});

describe('failures outside the release', () => {
  it('a missing helm is a ConfigError (exit 2) with the hint', async () => {
    const emptyDir = await mkdtemp(path.join(tmpdir(), 'no-helm-'));
    try {
      const run = new HelmRunner({
        env: { PATH: emptyDir },
        notFoundHint: 'install Helm 3 or set CI_CONNECT_HELM',
      }).runStep('deployment', target());
      await expect(run).rejects.toBeInstanceOf(ConfigError);
      await expect(run).rejects.toMatchObject({
        message: 'helm not found on PATH',
        exitCode: 2,
        hint: 'install Helm 3 or set CI_CONNECT_HELM',
      });
    } finally {
      await rm(emptyDir, { recursive: true, force: true });
    }
  });

  it('an unreachable cluster is an ExternalSystemError (exit 3)', async () => {
    await stub.setRules([
      {
        command: ['upgrade'],
        exitCode: 1,
        stderr:
          'Error: Kubernetes cluster unreachable: Get "https://10.0.0.1:6443/version": dial tcp 10.0.0.1:6443: connect: connection refused\n',
      },
    ]);
    const run = runner().runStep('deployment', target());
    await expect(run).rejects.toBeInstanceOf(ExternalSystemError);
    await expect(run).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringContaining('connection refused'),
    });
  });

  it('a token in Helm\u2019s error never reaches the result or the log', async () => {
    const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    await stub.setRules([
      {
        command: ['upgrade'],
        exitCode: 1,
        stderr: `warning: using ${token}\nError: failed to pull chart: 401 for token ${token}\n`,
      },
    ]);
    const logger = createMemoryLogger();
    const result = await runner({ redactor: createRedactor([token]), logger }).runStep(
      'deployment',
      target(),
    );
    expect(result.message).toBe(
      'helm upgrade shop-prod-carts failed (exit 1): failed to pull chart: 401 for token ***',
    );
    expect(JSON.stringify(logger.lines)).not.toContain(token);
    expect(JSON.stringify(logger.lines)).toContain('warning: using ***');
  });

  it('a hanging helm times out: the step fails and helm and its child are killed', async () => {
    await stub.setRules([{ command: ['upgrade'], hang: true }]);
    const run = runner({ commandTimeoutMs: 1500, killGraceMs: 20_000 }).runStep('deployment', target());
    const pids = await stub.hungPids();
    expect(isRunning(pids.helm)).toBe(true);
    expect(isRunning(pids.child)).toBe(true);
    const result = await run;
    expect(result.status).toBe('failed');
    // SIGTERM to the process group ended both; the 20 s SIGKILL escalation was not needed.
    expect(result.durationMs).toBeLessThan(10_000);
    expect(result.message).toBe(
      'helm timed out after 1.5s (helm upgrade shop-prod-carts); ci-connect stopped it and its child processes',
    );
    expect(isRunning(pids.helm)).toBe(false);
    expect(isRunning(pids.child)).toBe(false);
  });

  it('cancelling stops a running helm with its child', async () => {
    await stub.setRules([{ command: ['get', 'values'], hang: true }]);
    const controller = new AbortController();
    const run = runner({ signal: controller.signal }).runStep(
      'deployment',
      target({ strategy: 'blue_green_service' }),
    );
    const pids = await stub.hungPids();
    controller.abort();
    const result = await run;
    expect(result).toMatchObject({ status: 'failed', message: expect.stringContaining('was cancelled') });
    expect(isRunning(pids.helm)).toBe(false);
    expect(isRunning(pids.child)).toBe(false);
  });
});

describe('planStep (--dry-run)', () => {
  it('runs only the reads and returns the exact commands', async () => {
    await stub.setRules([colors('blue', 'blue')]);
    const plan = await runner().planStep('deployment', target({ strategy: 'blue_green_service' }));
    expect(stub.argvs()).toEqual([getValues]);
    expect(plan.commands.map((argv) => argv.slice(1, 5))).toEqual([
      ['get', 'values', 'shop-prod-carts', '--namespace'],
      ['upgrade', '--install', 'shop-prod-carts-green', CHART],
      ['upgrade', '--install', 'shop-prod-carts', CHART],
    ]);
  });

  it('runs nothing at all for a direct deployment', async () => {
    const plan = await runner().planStep('deployment', target());
    expect(stub.calls()).toEqual([]);
    expect(plan.commands).toEqual([['helm', ...upgradeTail('shop-prod-carts'), ...imageAndVersion]]);
  });
});
