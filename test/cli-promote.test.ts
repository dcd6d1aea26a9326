// `ci-connect promote` as a pipeline runs it (issue 4): the real CLI on a git-tracked project,
// Helm through the recording stub. dev deploys 1.4.2, the chart then changes at HEAD, and promote
// must deploy to hardening the chart as it was at the commit dev recorded, not HEAD's. The stub
// digests the chart directory it is given during the call (the checkout is gone afterwards).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitAll } from './support/git-repo.js';
import { devToHardening, sockShopShipyard } from './support/sock-shop-shipyard.js';
import { runCli, type CliRun } from './support/cli.js';
import { createHelmStub, upgradeSucceeded, type HelmStub } from './support/helm-stub.js';

const SHIPYARD = sockShopShipyard(devToHardening());

const HARDENING_VALUES = 'replicas: 2\n';

interface Deployment {
  id: string;
  kind: string;
  stage: string;
  version: string;
  image?: string;
  gitCommit?: string;
  gitDirty?: boolean;
  chart?: { path: string; digest: string };
  values: { path: string; digest: string }[];
  promotedFrom?: string;
}

interface Project {
  root: string;
  history: string;
  chart: string;
  git: (...args: string[]) => string;
}

/** A git repository holding `.ci-connect/` with a small chart and a hardening values overlay. */
function makeProject(): Project {
  const root = mkdtempSync(path.join(tmpdir(), 'ci-connect-promote-'));
  const configDir = path.join(root, '.ci-connect');
  const chart = path.join(configDir, 'base/carts/helm');
  mkdirSync(path.join(chart, 'templates'), { recursive: true });
  mkdirSync(path.join(configDir, 'stages/hardening/carts'), { recursive: true });
  writeFileSync(path.join(configDir, 'ci-connect.yaml'), 'project: sockshop\n');
  writeFileSync(path.join(configDir, 'shipyard.yaml'), SHIPYARD);
  writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: carts\nversion: 0.1.0\n');
  writeFileSync(path.join(chart, 'values.yaml'), 'image: ""\nversion: ""\nreplicas: 1\n');
  writeFileSync(path.join(chart, 'templates/deployment.yaml'), 'kind: Deployment\n# port 8080\n');
  writeFileSync(path.join(configDir, 'stages/hardening/carts/values.yaml'), HARDENING_VALUES);
  const git = commitAll(root, 'carts chart 0.1.0');
  return { root, history: path.join(root, 'history.jsonl'), chart, git };
}

function deployments(project: Project): Deployment[] {
  return readFileSync(project.history, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Deployment)
    .filter((r) => r.kind === 'deployment');
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

describe('promote', () => {
  let helm: HelmStub;
  beforeEach(async () => {
    helm = await createHelmStub(
      [{ command: ['upgrade'], stdout: upgradeSucceeded('sockshop-dev-carts', 'sockshop-dev', 1) }],
      { digestCharts: true },
    );
  });
  afterEach(async () => helm.cleanup());

  const cli = (project: Project, command: string, args: string[]): Promise<CliRun> =>
    runCli([command, '--service', 'carts', '--history', `file:${project.history}`, ...args], {
      cwd: project.root,
      env: helm.env(),
    });
  const deployDev = (project: Project) =>
    cli(project, 'trigger-deployment', [
      '--stage',
      'dev',
      '--version',
      '1.4.2',
      '--image',
      'registry/carts:1.4.2',
    ]);

  it('deploys the chart of the commit dev recorded, not HEAD, and records promotedFrom', async () => {
    const project = makeProject();
    const dev = await deployDev(project);
    expect(dev.exitCode, dev.stderr).toBe(0);
    const [source] = deployments(project);
    expect(source).toMatchObject({
      stage: 'dev',
      gitDirty: false,
      chart: { path: '.ci-connect/base/carts/helm' },
    });

    // The chart and hardening's values move on after dev deployed 1.4.2.
    writeFileSync(path.join(project.chart, 'templates/deployment.yaml'), 'kind: Deployment\n# port 9090\n');
    writeFileSync(path.join(project.root, '.ci-connect/stages/hardening/carts/values.yaml'), 'replicas: 7\n');
    project.git('commit', '-q', '-am', 'carts chart: port 9090');
    const statusBefore = project.git('status', '--porcelain');

    const run = await cli(project, 'promote', ['--version', '1.4.2', '--to', 'hardening', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      source: Deployment;
      runs: { stage: string; result: string }[];
    };
    expect(result.source.id).toBe(source?.id);
    expect(result.runs.map((r) => [r.stage, r.result])).toEqual([['hardening', 'pass']]);

    const [devUpgrade, hardeningUpgrade] = helm.calls();
    expect(helm.calls()).toHaveLength(2);
    expect(devUpgrade?.chartDigest).toBe(source?.chart?.digest);
    expect(hardeningUpgrade?.chartDigest).toBe(source?.chart?.digest);
    const argv = hardeningUpgrade!.argv;
    expect(argv.slice(0, 3)).toEqual(['upgrade', '--install', 'sockshop-hardening-carts']);
    // A checkout outside the working tree, with the recorded image since --image was not given.
    expect(argv[3]?.startsWith(project.root)).toBe(false);
    expect(argv).toContain('image=registry/carts:1.4.2');

    const promoted = deployments(project).at(-1);
    expect(promoted).toMatchObject({
      stage: 'hardening',
      version: '1.4.2',
      image: 'registry/carts:1.4.2',
      promotedFrom: source?.id,
      gitCommit: source?.gitCommit,
      gitDirty: false,
      chart: source?.chart,
      values: [
        { path: '.ci-connect/base/carts/helm/values.yaml', digest: source?.values[0]?.digest },
        { path: '.ci-connect/stages/hardening/carts/values.yaml', digest: sha256(HARDENING_VALUES) },
      ],
    });
    expect(project.git('status', '--porcelain')).toBe(statusBefore);
  });

  it('shows the recorded files by commit in a dry run, and deploys nothing', async () => {
    const project = makeProject();
    expect((await deployDev(project)).exitCode).toBe(0);
    const [source] = deployments(project);
    const run = await cli(project, 'promote', ['--version', '1.4.2', '--to', 'hardening', '--dry-run']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(`promoting carts 1.4.2 from dev: deployment ${source?.id}`);
    expect(run.stdout).toContain(`file: ${source?.gitCommit}:.ci-connect/base/carts/helm\n`);
    expect(run.stdout).toContain(
      `file: ${source?.gitCommit}:.ci-connect/stages/hardening/carts/values.yaml\n`,
    );
    expect(helm.calls()).toHaveLength(1);
    expect(deployments(project)).toHaveLength(1);
  });

  it('refuses a version dev never deployed, saying what it looked for', async () => {
    const project = makeProject();
    expect((await deployDev(project)).exitCode).toBe(0);
    const run = await cli(project, 'promote', ['--version', '9.9.9', '--to', 'hardening', '--json']);
    expect(run.exitCode).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      kind: 'error',
      code: 'USAGE',
      exitCode: 2,
      message: `no deployment of carts 9.9.9 in dev is recorded (project sockshop, history ${project.history})`,
      hint: expect.stringContaining('run trigger-deployment --stage dev --version 9.9.9 first'),
    });
    expect(helm.calls()).toHaveLength(1);
  });

  it('refuses a deployment made with uncommitted chart changes', async () => {
    const project = makeProject();
    writeFileSync(path.join(project.chart, 'Chart.yaml'), 'apiVersion: v2\nname: carts\nversion: 0.1.1\n');
    expect((await deployDev(project)).exitCode).toBe(0);
    const [source] = deployments(project);
    expect(source?.gitDirty).toBe(true);
    const run = await cli(project, 'promote', ['--version', '1.4.2', '--to', 'hardening']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      `error: deployment ${source?.id} of carts 1.4.2 in dev was made with uncommitted changes to its chart or values`,
    );
    expect(helm.calls()).toHaveLength(1);
  });

  it('refuses when the chart at the recorded commit does not match the recorded digest', async () => {
    const project = makeProject();
    expect((await deployDev(project)).exitCode).toBe(0);
    const [source] = deployments(project);
    const forged = sha256('another chart');
    writeFileSync(
      project.history,
      readFileSync(project.history, 'utf8').replace(source!.chart!.digest, forged),
    );
    const run = await cli(project, 'promote', ['--version', '1.4.2', '--to', 'hardening']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      `error: .ci-connect/base/carts/helm at commit ${source?.gitCommit} does not match deployment ${source?.id}: ` +
        `recorded ${forged}, found ${source?.chart?.digest}`,
    );
    expect(helm.calls()).toHaveLength(1);
  });
});
