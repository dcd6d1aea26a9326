import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HelmRunner } from '../../tools/helm/helm-runner.js';
import { runProcess, type ProcessResult, type ProcessSpec } from '../../tools/process.js';
import { makeContext, sequentialIds, task } from '../test-support/stage-run-fixtures.js';
import { DeploymentRunner } from './deployment-runner.js';

/** A config dir with the carts chart and a production values overlay. */
function configDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-deploy-'));
  mkdirSync(path.join(dir, 'base/carts/helm'), { recursive: true });
  writeFileSync(
    path.join(dir, 'base/carts/helm/Chart.yaml'),
    'apiVersion: v2\nname: carts\nversion: 0.1.0\n',
  );
  writeFileSync(path.join(dir, 'base/carts/helm/values.yaml'), 'replicas: 1\n');
  mkdirSync(path.join(dir, 'stages/production/carts'), { recursive: true });
  writeFileSync(path.join(dir, 'stages/production/carts/values.yaml'), 'replicas: 3\n');
  return dir;
}

function fakeHelm(): { argvs: string[][]; run: (spec: ProcessSpec) => Promise<ProcessResult> } {
  const argvs: string[][] = [];
  return {
    argvs,
    run: (spec) => {
      argvs.push([...spec.argv]);
      return Promise.resolve({
        exitCode: 0,
        signal: null,
        timedOut: false,
        aborted: false,
        durationMs: 1,
        stdoutTail: 'REVISION: 4\n',
        stderrTail: '',
      });
    },
  };
}

describe('DeploymentRunner', () => {
  it('deploys the chart with the stage values, image and version, and records a release manifest', async () => {
    const dir = configDir();
    const helm = fakeHelm();
    const runner = new DeploymentRunner({
      helm: new HelmRunner({ runProcess: helm.run }),
      stageStrategy: 'direct',
      runProcess, // git, for the manifest: the temp dir is no repository
      newId: sequentialIds,
    });
    const context = makeContext({ configDir: dir, stage: 'production', image: 'registry/carts:1.4.2' });
    const outcome = await runner.run(task('deployment', { deploymentStrategy: 'direct' }), context);
    expect(outcome).toMatchObject({ result: 'pass', status: 'succeeded' });
    expect(helm.argvs[0]).toEqual([
      ...['helm', 'upgrade', '--install', 'shop-production-carts', path.join(dir, 'base/carts/helm')],
      ...['--namespace', 'shop-production', '--create-namespace', '--atomic', '--wait', '--timeout', '300s'],
      ...['--values', path.join(dir, 'base/carts/helm/values.yaml')],
      ...['--values', path.join(dir, 'stages/production/carts/values.yaml')],
      ...['--set-string', 'image=registry/carts:1.4.2', '--set-string', 'version=1.4.2'],
    ]);
    const [manifest] = await context.history.query({
      kind: 'deployment',
      project: 'shop',
      stage: 'production',
      service: 'carts',
    });
    expect(manifest).toMatchObject({
      version: '1.4.2',
      image: 'registry/carts:1.4.2',
      strategy: 'direct',
      release: 'shop-production-carts',
      namespace: 'shop-production',
      chart: { digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) as unknown },
    });
    expect(manifest).not.toHaveProperty('gitCommit');
  });

  it('names the namespace and release from helm: in ci-connect.yaml, and uses its timeout', async () => {
    const dir = configDir();
    const helm = fakeHelm();
    const runner = new DeploymentRunner({
      helm: new HelmRunner({ runProcess: helm.run }),
      stageStrategy: 'direct',
      settings: { namespace: 'apps-$STAGE', releaseName: '$SERVICE-$PROJECT', timeoutSeconds: 600 },
      runProcess: helm.run,
      newId: sequentialIds,
    });
    const plan = await runner.plan(task('deployment', { deploymentStrategy: 'direct' }), {
      ...makeContext({ configDir: dir, stage: 'production' }),
    });
    const upgrade = plan.commands.find((argv) => argv[1] === 'upgrade') ?? [];
    expect(upgrade.slice(0, 4)).toEqual(['helm', 'upgrade', '--install', 'carts-shop']);
    expect(upgrade).toEqual(expect.arrayContaining(['--namespace', 'apps-production', '--timeout', '600s']));
  });
});
