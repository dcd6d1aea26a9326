import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../environment.js';
import { ConfigError, UsageError } from '../errors.js';
import { createRedactor } from '../redaction/redaction.js';
import type { HistoryRecord } from '../history/history-store.js';
import { runProcess, type ProcessRunner } from '../tools/process.js';
import { loadShipyardFile } from '../shipyard/shipyard-file.js';
import type { Shipyard } from '../shipyard/types.js';
import {
  findPromotionSource,
  planPromotion,
  promote,
  sourceStage,
  type PromoteDependencies,
} from './promote.js';
import { runStage, type StageRunDependencies } from './run-stage.js';
import { createRunnerFactory } from './runners/create-runners.js';
import { digestDirectory, type DeploymentRecord, type PromotedRelease } from './runners/release-manifest.js';
import { sequentialIds, steppingClock, tempHistory } from './test-support/stage-run-fixtures.js';

const SHIPYARD = `apiVersion: spec.keptn.sh/0.2.3
kind: Shipyard
metadata: {name: shop}
spec:
  stages:
    - name: dev
      sequences:
        - name: delivery
          tasks:
            - name: deployment
              properties: {deploymentstrategy: direct}
    - name: staging
      sequences:
        - name: delivery
          triggeredOn:
            - event: dev.delivery.finished
          tasks:
            - name: deployment
              properties: {deploymentstrategy: direct}
            - name: release
    - name: production
      sequences:
        - name: delivery
          triggeredOn:
            - event: staging.delivery.finished
          tasks:
            - name: deployment
              properties: {deploymentstrategy: user_managed}
`;

/** What the fake helm saw of one `upgrade --install`: the chart's digest and the values files' text. */
interface Upgrade {
  chartDir: string;
  chartDigest: string;
  values: string[];
}

/** A git repository with the project under `.ci-connect/`, and the fake helm's view of each upgrade. */
function gitProject() {
  const root = mkdtempSync(path.join(tmpdir(), 'ci-connect-promote-'));
  const configDir = path.join(root, '.ci-connect');
  const chart = path.join(configDir, 'base/carts/helm');
  mkdirSync(path.join(chart, 'templates'), { recursive: true });
  mkdirSync(path.join(configDir, 'stages/staging/carts'), { recursive: true });
  writeFileSync(path.join(configDir, 'shipyard.yaml'), SHIPYARD);
  writeFileSync(path.join(configDir, 'ci-connect.yaml'), 'project: shop\n');
  writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: carts\nversion: 0.1.0\n');
  writeFileSync(path.join(chart, 'values.yaml'), 'replicas: 1\n');
  // Not text: the checkout must be byte for byte.
  writeFileSync(path.join(chart, 'templates/logo.bin'), Buffer.from([0, 255, 13, 10, 128, 0]));
  writeFileSync(path.join(configDir, 'stages/staging/carts/values.yaml'), 'replicas: 2\n');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', ...args], {
      cwd: root,
      encoding: 'utf8',
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'carts chart 0.1.0');
  const upgrades: Upgrade[] = [];
  const helmAware: ProcessRunner = async (spec) => {
    if (spec.argv[0] !== 'helm') return runProcess(spec);
    if (spec.argv[1] === 'upgrade') {
      const chartDir = spec.argv[4]!;
      const values = spec.argv.flatMap((arg, i) => (spec.argv[i - 1] === '--values' ? [arg] : []));
      upgrades.push({
        chartDir,
        chartDigest: await digestDirectory(chartDir),
        values: values.map((file) => readFileSync(file, 'utf8')),
      });
    }
    return {
      exitCode: 0,
      signal: null,
      timedOut: false,
      aborted: false,
      durationMs: 1,
      stdoutTail: 'REVISION: 1\n',
      stderrTail: '',
    };
  };
  const temp = mkdtempSync(path.join(tmpdir(), 'ci-connect-promote-tmp-'));
  const stageDeps = (): Omit<StageRunDependencies, 'runnerFactory'> => ({
    cwd: root,
    env: process.env,
    clock: steppingClock(),
    logger: createMemoryLogger(),
    signal: new AbortController().signal,
    runProcess: helmAware,
    newId: sequentialIds,
    // helmAware answers for helm: the checks before the run find it.
    findExecutable: (command) => Promise.resolve(command),
  });
  const runners = (promotion?: PromotedRelease) =>
    createRunnerFactory({
      env: process.env,
      logger: createMemoryLogger(),
      redactor: createRedactor(),
      signal: new AbortController().signal,
      runProcess: helmAware,
      newId: sequentialIds,
      evaluate: () => Promise.reject(new Error('no evaluation in these sequences')),
      resultsDir: temp,
      testTimeoutSeconds: 60,
      ...(promotion === undefined ? {} : { promotion }),
    });
  const promoteDeps = (): PromoteDependencies => ({ ...stageDeps(), runnerFactory: runners, tempDir: temp });
  const history = path.join(root, '.ci-connect/history.jsonl');
  const records = (): HistoryRecord[] =>
    readFileSync(history, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as HistoryRecord);
  const deployDev = () =>
    runStage(
      {
        configDir: '.ci-connect',
        stage: 'dev',
        version: '1.4.2',
        image: 'registry/carts:1.4.2',
        labels: {},
        force: false,
      },
      { ...stageDeps(), runnerFactory: runners() },
    );
  return { root, configDir, chart, git, upgrades, temp, history, records, promoteDeps, deployDev };
}

const toStaging = { configDir: '.ci-connect', version: '1.4.2', to: 'staging', labels: {}, force: false };

describe('promote', () => {
  it('deploys the chart and values of the recorded commit, not HEAD, and records where it came from', async () => {
    const p = gitProject();
    await p.deployDev();
    const source = p.records().find((r) => r.kind === 'deployment') as DeploymentRecord;
    // The chart and the staging values move on after dev deployed 1.4.2, committed and not.
    writeFileSync(path.join(p.chart, 'Chart.yaml'), 'apiVersion: v2\nname: carts\nversion: 0.2.0\n');
    writeFileSync(path.join(p.configDir, 'stages/staging/carts/values.yaml'), 'replicas: 5\n');
    p.git('commit', '-q', '-am', 'carts chart 0.2.0');
    writeFileSync(path.join(p.chart, 'values.yaml'), 'replicas: 9\n');
    p.git('add', path.join(p.chart, 'values.yaml'));
    const statusBefore = p.git('status', '--porcelain');

    const outcome = await promote(toStaging, p.promoteDeps());

    expect(outcome.source.id).toBe(source.id);
    expect(outcome.runs.map((r) => [r.stage, r.result, r.triggeredBy])).toEqual([
      ['staging', 'pass', 'dev.delivery.finished'],
    ]);
    const [, staging] = p.upgrades;
    expect(staging?.chartDigest).toBe(source.chart?.digest);
    expect(staging?.values).toEqual(['replicas: 1\n', 'replicas: 2\n']);
    const promoted = p
      .records()
      .filter((r) => r.kind === 'deployment')
      .at(-1) as DeploymentRecord;
    expect(promoted).toMatchObject({
      stage: 'staging',
      version: '1.4.2',
      image: 'registry/carts:1.4.2',
      promotedFrom: source.id,
      gitCommit: source.gitCommit,
      gitDirty: false,
      chart: source.chart,
      values: [
        { path: '.ci-connect/base/carts/helm/values.yaml', digest: source.values[0]?.digest },
        { path: '.ci-connect/stages/staging/carts/values.yaml', digest: expect.stringMatching(/^sha256:/) },
      ],
    });
    // The user's working tree and index are as they were, and the checkout is gone.
    expect(p.git('status', '--porcelain')).toBe(statusBefore);
    expect(readFileSync(path.join(p.chart, 'values.yaml'), 'utf8')).toBe('replicas: 9\n');
    expect(readdirSync(p.temp)).toEqual([]);
  });

  it('refuses when the files at the commit do not match the recorded digests, naming both', async () => {
    const p = gitProject();
    await p.deployDev();
    const lines = readFileSync(p.history, 'utf8').trim().split('\n');
    const tampered = lines.map((line) => {
      const record = JSON.parse(line) as DeploymentRecord;
      return record.kind === 'deployment'
        ? JSON.stringify({ ...record, chart: { ...record.chart, digest: 'sha256:0000' } })
        : line;
    });
    writeFileSync(p.history, `${tampered.join('\n')}\n`);
    const error = await promote(toStaging, p.promoteDeps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /^\.ci-connect\/base\/carts\/helm at commit [0-9a-f]{40} does not match deployment id-\d+: recorded sha256:0000, found sha256:[0-9a-f]{64}$/,
    );
    expect(p.upgrades).toHaveLength(1);
    expect(readdirSync(p.temp)).toEqual([]);
  });

  it('says how to get a commit a shallow clone lacks', async () => {
    const p = gitProject();
    await p.deployDev();
    const lines = readFileSync(p.history, 'utf8').replace(
      /"gitCommit":"[0-9a-f]+"/,
      `"gitCommit":"${'1'.repeat(40)}"`,
    );
    writeFileSync(p.history, lines);
    const error = await promote(toStaging, p.promoteDeps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`commit ${'1'.repeat(40)}, recorded for deployment`);
    expect((error as ConfigError).hint).toContain('fetch-depth: 0');
  });

  it('plans with the recorded files named by commit, and deploys and records nothing', async () => {
    const p = gitProject();
    await p.deployDev();
    const before = p.records().length;
    const plan = await planPromotion(toStaging, p.promoteDeps());
    const commit = plan.source.gitCommit!;
    expect(plan.tasks[0]?.files).toEqual([
      `${commit}:.ci-connect/base/carts/helm`,
      `${commit}:.ci-connect/base/carts/helm/values.yaml`,
      `${commit}:.ci-connect/stages/staging/carts/values.yaml`,
    ]);
    expect(plan.tasks[0]?.commands[0]).toContain(`${commit}:.ci-connect/base/carts/helm`);
    expect(p.upgrades).toHaveLength(1);
    expect(p.records()).toHaveLength(before);
    expect(readdirSync(p.temp)).toEqual([]);
  });

  it('refuses a target stage whose sequence deploys nothing through Helm', async () => {
    const p = gitProject();
    const error = await promote({ ...toStaging, to: 'production' }, p.promoteDeps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      'production.delivery has no deployment task run by Helm, so promote has no chart to deploy',
    );
  });
});

describe('sourceStage', () => {
  let shipyard: Shipyard;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-shipyard-'));
    writeFileSync(path.join(dir, 'shipyard.yaml'), SHIPYARD);
    shipyard = (await loadShipyardFile(path.join(dir, 'shipyard.yaml'))).shipyard!;
  });

  it.each([
    ['staging', undefined, 'dev'],
    ['production', undefined, 'staging'],
    ['production', 'dev', 'dev'],
  ])('promotes to %s from %s: %s', (to, from, expected) => {
    expect(sourceStage(shipyard, to, from)).toBe(expected);
  });

  it.each([
    ['dev', undefined, "dev is the shipyard's first stage: there is no stage before it to promote from"],
    ['staging', 'qa', '--from qa: the shipyard has no stage "qa"'],
    ['staging', 'staging', '--from and --to both name staging'],
  ])('refuses to promote to %s from %s', (to, from, message) => {
    let thrown: unknown;
    try {
      sourceStage(shipyard, to, from);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as UsageError).message).toBe(message);
  });
});

const COMMIT = 'a'.repeat(40);

function deployment(id: string, overrides: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    schemaVersion: 1,
    id,
    kind: 'deployment',
    project: 'shop',
    stage: 'dev',
    service: 'carts',
    version: '1.4.2',
    strategy: 'direct',
    release: 'shop-dev-carts',
    namespace: 'shop-dev',
    sequenceRunId: `run-${id}`,
    gitCommit: COMMIT,
    gitDirty: false,
    chart: { path: '.ci-connect/base/carts/helm', digest: 'sha256:1' },
    values: [],
    deployedAt: `2026-11-22T10:00:0${id.slice(-1)}.000Z`,
    invalidated: false,
    ...overrides,
  };
}

function run(id: string, result: 'pass' | 'warning' | 'fail', status = 'succeeded'): HistoryRecord {
  return {
    schemaVersion: 1,
    id,
    kind: 'sequence-run',
    project: 'shop',
    stage: 'dev',
    service: 'carts',
    result,
    status,
  } as HistoryRecord;
}

describe('findPromotionSource', () => {
  const query = { project: 'shop', stage: 'dev', service: 'carts', version: '1.4.2' };

  async function storeWith(records: HistoryRecord[], invalidate: string[] = []) {
    const { store } = tempHistory();
    for (const record of records) await store.append(record);
    for (const id of invalidate) await store.invalidate(id, 'test');
    return store;
  }

  it('takes the newest deployment of the version whose sequence run passed or warned', async () => {
    const store = await storeWith(
      [
        deployment('d1'),
        run('run-d1', 'pass'),
        deployment('d2'),
        run('run-d2', 'warning'),
        deployment('d3'),
        run('run-d3', 'fail'),
        deployment('d4', { version: '1.4.3' }),
        run('run-d4', 'pass'),
        deployment('d5'),
        run('run-d5', 'pass'),
      ],
      ['d5'],
    );
    expect((await findPromotionSource(query, store)).id).toBe('d2');
  });

  it('skips a deployment whose run was invalidated, is waiting, or is not recorded', async () => {
    const store = await storeWith(
      [
        deployment('d1'),
        run('run-d1', 'pass'),
        deployment('d2'),
        run('run-d2', 'pass', 'waiting'),
        deployment('d3'),
      ],
      ['run-d1'],
    );
    const error = await findPromotionSource(query, store).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      'no deployment of carts 1.4.2 in dev passed its sequence run; found 3: ' +
        'd3 at 2026-11-22T10:00:03.000Z: its sequence run is not recorded; ' +
        'd2 at 2026-11-22T10:00:02.000Z: its sequence run is waiting; ' +
        'd1 at 2026-11-22T10:00:01.000Z: its sequence run was invalidated',
    );
  });

  it('says when the version was never deployed in the stage, and how to fix it', async () => {
    const store = await storeWith([deployment('d1', { version: '1.4.1' }), run('run-d1', 'pass')]);
    const error = (await findPromotionSource(query, store).catch((e: unknown) => e)) as UsageError;
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(
      /^no deployment of carts 1\.4\.2 in dev is recorded \(project shop, history .+history\.jsonl\)$/,
    );
    expect(error.hint).toContain('run trigger-deployment --stage dev --version 1.4.2 first');
  });

  it.each([
    [
      'made outside git',
      { gitCommit: undefined, gitDirty: undefined },
      'deployment d1 of carts 1.4.2 in dev was made outside a git repository: no commit is recorded, so what it deployed cannot be reproduced',
    ],
    [
      'made from a dirty tree',
      { gitDirty: true },
      `deployment d1 of carts 1.4.2 in dev was made with uncommitted changes to its chart or values (commit ${COMMIT}, gitDirty): what was deployed is not what the commit holds`,
    ],
    [
      'made without a chart',
      { chart: undefined, strategy: 'user_managed' as const },
      'deployment d1 of carts 1.4.2 in dev recorded no chart (strategy user_managed): there is nothing for promote to deploy',
    ],
  ])('refuses a deployment %s', async (_case, overrides, message) => {
    const record = JSON.parse(JSON.stringify(deployment('d1', overrides))) as DeploymentRecord;
    const store = await storeWith([record, run('run-d1', 'pass')]);
    const error = await findPromotionSource(query, store).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(message);
  });
});
