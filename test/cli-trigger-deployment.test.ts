// `ci-connect trigger-deployment` as a pipeline runs it (issue 4): the real CLI on a project in
// Keptn's shape (the demo's carts service and SLO), the demo app as the deployed service, real
// JMeter for the test task, the quality gate for the evaluation, approvals, and Helm through the
// recording stub. Every stage run must leave its records in history.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commitAll } from './support/git-repo.js';
import { hardeningDelivery, productionDelivery, sockShopShipyard } from './support/sock-shop-shipyard.js';
import { cliBin, runCli, type CliRun } from './support/cli.js';
import { cleanUpDemo, demoConfigDir, startDemoApp, type DemoApp } from './support/demo-app.js';
import { createHelmStub, historyJson, type HelmStub } from './support/helm-stub.js';
import { prometheus, startPrometheus, type PrometheusServer } from './support/prometheus-server.js';
import { describeWithReal, detectCommand, jmeter } from './support/real-components.js';

const script = detectCommand('script');

const SHIPYARD = sockShopShipyard([
  hardeningDelivery('user_managed'),
  productionDelivery({
    name: 'rollback',
    triggeredOn: { event: 'production.delivery.finished', result: 'fail' },
    tasks: ['rollback'],
  }),
]);

// The demo's performance workload, made small: real JMeter in seconds, not a minute.
const JMETER_CONF = `spec_version: '0.1.0'
workloads:
  - teststrategy: performance
    vuser: 2
    loopcount: 25
    thinktime: 0
    acceptederrorrate: 0.05
    script: jmeter/performance.jmx
`;

interface Run {
  stage: string;
  sequence: string;
  result: string;
  status: string;
  triggeredBy: string;
  forced: boolean;
  message: string;
  tasks: {
    task: string;
    runner: string;
    result: string;
    status: string;
    message: string;
    details: Record<string, unknown>;
  }[];
}

/** A git-tracked project: the demo's carts config, this shipyard, a small chart. */
function makeProject(): { root: string; history: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'ci-connect-trigger-'));
  const configDir = path.join(root, '.ci-connect');
  cpSync(path.join(demoConfigDir, 'base'), path.join(configDir, 'base'), { recursive: true });
  cpSync(path.join(demoConfigDir, 'ci-connect.yaml'), path.join(configDir, 'ci-connect.yaml'));
  writeFileSync(path.join(configDir, 'shipyard.yaml'), SHIPYARD);
  writeFileSync(path.join(configDir, 'base/carts/jmeter/jmeter.conf.yaml'), JMETER_CONF);
  const chart = path.join(configDir, 'base/carts/helm');
  mkdirSync(chart, { recursive: true });
  writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: carts\nversion: 0.1.0\n');
  writeFileSync(path.join(chart, 'values.yaml'), 'image: ""\nversion: ""\nreplicas: 1\n');
  mkdirSync(path.join(configDir, 'stages/production/carts'), { recursive: true });
  writeFileSync(path.join(configDir, 'stages/production/carts/values.yaml'), 'replicas: 3\n');
  commitAll(root, 'carts config');
  return { root, history: path.join(root, 'history.jsonl') };
}

function records(history: string): Record<string, unknown>[] {
  return readFileSync(history, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function runsOf(run: CliRun): Run[] {
  expect(run.stdout.trim().startsWith('['), `${run.stdout}\n${run.stderr}`).toBe(true);
  return JSON.parse(run.stdout) as Run[];
}

function trigger(
  project: { root: string; history: string },
  args: string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  return runCli(
    [
      'trigger-deployment',
      '--service',
      'carts',
      '--version',
      '1.4.2',
      '--history',
      `file:${project.history}`,
      '--json',
      ...args,
    ],
    { cwd: project.root, env },
  );
}

const UPGRADE_FAILED =
  'Error: UPGRADE FAILED: release sockshop-production-carts failed, and has been rolled back due to atomic being set: timed out waiting for the condition\n';

describeWithReal(jmeter, 'trigger-deployment with real JMeter against the demo app', (found) => {
  let app: DemoApp;
  let helm: HelmStub;
  beforeAll(async () => {
    app = await startDemoApp(['--seed', '42', '--error-every', '0']);
    helm = await createHelmStub([
      {
        command: ['upgrade'],
        stdout: 'Release "sockshop-production-carts" has been upgraded. Happy Helming!\nREVISION: 2\n',
      },
    ]);
  });
  afterAll(async () => {
    await app.stop();
    await helm.cleanup();
    await cleanUpDemo();
  });

  const env = () => helm.env({ JMETER_BIN: found.bin });
  const url = () => `http://127.0.0.1:${app.port}`;

  it('runs hardening: deploy (user_managed), real load test, gate, automatic approval, release', async () => {
    const project = makeProject();
    const run = await trigger(project, ['--url', url()], env());
    expect(run.exitCode, run.stderr).toBe(0);
    const [hardening] = runsOf(run);
    expect(hardening).toMatchObject({
      stage: 'hardening',
      sequence: 'delivery',
      result: 'pass',
      status: 'succeeded',
    });
    expect(hardening?.tasks.map((t) => [t.task, t.runner, t.result])).toEqual([
      ['deployment', 'helm', 'pass'],
      ['test', 'jmeter', 'pass'],
      ['evaluation', 'evaluate', 'pass'],
      ['approval', 'approve', 'pass'],
      ['release', 'helm', 'pass'],
    ]);
    const test = hardening!.tasks[1]!;
    expect(test.details.samples).toBe(2 * 25 * 3); // 2 users × 25 loops × the plan's 3 requests
    // The gate scored the test's own results file, on its window.
    const evaluation = records(project.history).find((r) => r.kind === 'evaluation');
    expect(evaluation).toMatchObject({
      stage: 'hardening',
      service: 'carts',
      version: '1.4.2',
      result: 'pass',
    });
    expect(hardening!.tasks[2]!.details.evaluationId).toBe(evaluation?.id);
    expect(records(project.history).map((r) => r.kind)).toEqual([
      'deployment',
      'evaluation',
      'approval',
      'sequence-run',
    ]);
    expect(helm.calls()).toEqual([]); // user_managed: no helm
    expect(run.stderr).toMatch(/▶ hardening\.delivery test \(jmeter\)/);
    expect(run.stderr).toMatch(/✓ test pass \(jmeter\) in \d+\.\d s: 0 of 150 samples failed/);
  });

  it('fails hardening when the slowed app fails the gate, and approves and releases nothing', async () => {
    const slow = await startDemoApp(['--seed', '42', '--slowdown', '6']);
    try {
      const project = makeProject();
      const run = await trigger(project, ['--url', `http://127.0.0.1:${slow.port}`], env());
      expect(run.exitCode, run.stderr).toBe(1);
      const [hardening] = runsOf(run);
      expect(hardening?.result).toBe('fail');
      expect(hardening?.tasks.map((t) => t.task)).toEqual(['deployment', 'test', 'evaluation']);
      expect(hardening?.message).toMatch(/^delivery failed at evaluation: quality gate fail/);
      expect(records(project.history).some((r) => r.kind === 'approval')).toBe(false);
    } finally {
      await slow.stop();
    }
  });

  it('promotes to production only after hardening, waits for a manual approval, then deploys with helm', async () => {
    const project = makeProject();
    // This test is about the flow, not the speed: the demo's response-time targets (p95 < 50 ms)
    // fail on a loaded machine; 100 times looser, hardening passes wherever the app answers.
    const sloFile = path.join(project.root, '.ci-connect/base/carts/slo.yaml');
    const loose = readFileSync(sloFile, 'utf8').replace(
      /"(<=?)(\d+)"/g,
      (_m, op: string, n: string) => `"${op}${Number(n) * 100}"`,
    );
    expect(loose).toContain('"<5000"');
    writeFileSync(sloFile, loose);
    commitAll(project.root, 'looser response-time targets');
    const refused = await trigger(project, ['--stage', 'production'], env());
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(
      'production.delivery runs after hardening.delivery.finished with pass or warning, and carts 1.4.2 has none',
    );

    const hardening = await trigger(project, ['--url', url()], env());
    expect(hardening.exitCode, hardening.stderr).toBe(0);
    const waiting = await trigger(project, ['--stage', 'production'], env());
    expect(waiting.exitCode, waiting.stderr).toBe(5);
    expect(runsOf(waiting)[0]).toMatchObject({
      status: 'waiting',
      triggeredBy: 'hardening.delivery.finished',
      message:
        'delivery is waiting: manual approval required for carts 1.4.2 in production (result pass; pass: manual); run again with --approved-by NAME to approve',
    });
    expect(helm.calls()).toEqual([]);

    const approved = await trigger(
      project,
      ['--stage', 'production', '--approved-by', 'jane', '--image', 'registry/carts:1.4.2'],
      env(),
    );
    expect(approved.exitCode, approved.stderr).toBe(0);
    expect(runsOf(approved)[0]?.tasks.map((t) => [t.task, t.result, t.message])).toEqual([
      ['approval', 'pass', 'pass approved by jane'],
      ['deployment', 'pass', expect.any(String)],
      ['release', 'pass', expect.any(String)],
    ]);
    const configDir = path.join(project.root, '.ci-connect');
    expect(helm.argvs()).toEqual([
      [
        ...['upgrade', '--install', 'sockshop-production-carts', path.join(configDir, 'base/carts/helm')],
        ...[
          '--namespace',
          'sockshop-production',
          '--create-namespace',
          '--atomic',
          '--wait',
          '--timeout',
          '300s',
        ],
        ...['--values', path.join(configDir, 'base/carts/helm/values.yaml')],
        ...['--values', path.join(configDir, 'stages/production/carts/values.yaml')],
        ...['--set-string', 'image=registry/carts:1.4.2', '--set-string', 'version=1.4.2'],
      ],
    ]);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: project.root }).toString().trim();
    const manifest = records(project.history).filter(
      (r) => r.kind === 'deployment' && r.stage === 'production',
    );
    expect(manifest).toEqual([
      expect.objectContaining({
        version: '1.4.2',
        image: 'registry/carts:1.4.2',
        strategy: 'direct',
        release: 'sockshop-production-carts',
        namespace: 'sockshop-production',
        gitCommit: head,
        gitDirty: false,
        chart: {
          path: '.ci-connect/base/carts/helm',
          digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        },
        values: [
          { path: '.ci-connect/base/carts/helm/values.yaml', digest: expect.stringMatching(/^sha256:/) },
          {
            path: '.ci-connect/stages/production/carts/values.yaml',
            digest: expect.stringMatching(/^sha256:/),
          },
        ],
      }),
    ]);
    expect(records(project.history).filter((r) => r.kind === 'approval' && r.stage === 'production')).toEqual(
      [expect.objectContaining({ approvedBy: 'jane', mode: 'manual', approvedResult: 'pass' })],
    );
  });

  describeWithReal(prometheus, 'with a real Prometheus scraping the app', (prom) => {
    let server: PrometheusServer;
    beforeAll(async () => {
      server = await startPrometheus(prom.bin, [
        { job: 'carts-sockshop-hardening', target: `127.0.0.1:${app.port}` },
      ]);
      // Until Prometheus has scraped the app at least once.
      for (let i = 0; i < 100; i++) {
        const body = (await server.query("up{job='carts-sockshop-hardening'}", Date.now() / 1000)) as {
          data?: { result?: unknown[] };
        };
        if (body.data?.result?.length === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // Traffic before the test, scraped twice: the counters exist when the test ends, so the
      // gate does not race Prometheus' next scrape (a test of a few seconds spans few scrapes).
      for (let i = 0; i < 5; i++) await (await fetch(`${url()}/carts/warm-up`)).arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 2500));
    });
    afterAll(() => server.stop());

    it('gates the stage on Prometheus and the JMeter results at once', async () => {
      const project = makeProject();
      const base = path.join(project.root, '.ci-connect/base/carts');
      writeFileSync(
        path.join(base, 'sli/prometheus.yaml'),
        // A fixed range: the test's own span ($DURATION_SECONDS) is a few seconds, shorter than two scrapes.
        'spec_version: "1.0"\nindicators:\n' +
          "  requests_served: sum(increase(http_requests_total{job='$SERVICE-$PROJECT-$STAGE'}[1m]))\n",
      );
      // Prometheus offers Keptn's default indicators too: the SLI file says which provider's are meant.
      const jmeterSli = path.join(base, 'sli/jmeter.yaml');
      writeFileSync(
        jmeterSli,
        readFileSync(jmeterSli, 'utf8') +
          '  response_time_p95: "measure=p95"\n  response_time_p50: "measure=p50"\n' +
          '  error_rate: "measure=error_rate"\n  throughput: "measure=throughput"\n',
      );
      const slo = readFileSync(path.join(base, 'slo.yaml'), 'utf8').replace(
        'total_score:',
        '  - sli: "requests_served"\n    pass:\n      - criteria: [">0"]\ntotal_score:',
      );
      writeFileSync(path.join(base, 'slo.yaml'), slo);
      const run = await trigger(project, ['--url', url()], { ...env(), PROMETHEUS_URL: server.url });
      const evaluation = records(project.history).find((r) => r.kind === 'evaluation') as {
        objectives: { sli: string; provider: string; value: number | null; status: string }[];
      };
      const served = evaluation.objectives.find((o) => o.sli === 'requests_served');
      expect(served, JSON.stringify(served)).toMatchObject({ provider: 'prometheus', status: 'pass' });
      expect(served?.value).toBeGreaterThan(0);
      expect(run.exitCode, run.stderr).toBe(0);
      expect(evaluation.objectives.find((o) => o.sli === 'response_time_p95')?.provider).toBe('jmeter');
    });
  });

  it('stops the test on SIGTERM, records the run as aborted and exits 143', async () => {
    const project = makeProject();
    writeFileSync(
      path.join(project.root, '.ci-connect/base/carts/jmeter/jmeter.conf.yaml'),
      JMETER_CONF.replace('loopcount: 25', 'loopcount: 100000').replace('thinktime: 0', 'thinktime: 50'),
    );
    const child = spawn(
      process.execPath,
      [
        cliBin,
        'trigger-deployment',
        '--service',
        'carts',
        '--version',
        '1.4.2',
        '--url',
        url(),
        '--history',
        `file:${project.history}`,
      ],
      { cwd: project.root, env: env(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the test never started:\n${stderr}`)), 30_000);
      child.stderr.on('data', () => {
        if (/summary \+|▶ hardening\.delivery test/.test(stderr)) {
          clearTimeout(timer);
          setTimeout(resolve, 3000); // let JMeter get going
        }
      });
    });
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code, stderr).toBe(143);
    const run = records(project.history).find((r) => r.kind === 'sequence-run') as unknown as Run;
    expect(run.status).toBe('aborted');
    expect(run.tasks.map((t) => [t.task, t.status])).toEqual([
      ['deployment', 'succeeded'],
      ['test', 'aborted'],
    ]);
    expect(stderr).toContain('SIGTERM: stopping the running task and recording the run as aborted');
  }, 90_000);
});

describe('trigger-deployment without JMeter', () => {
  let helm: HelmStub;
  afterEach(async () => helm.cleanup());

  it('runs the rollback sequence in the same job when the production deployment fails (exit 1)', async () => {
    const project = makeProject();
    helm = await createHelmStub([
      { command: ['upgrade'], exitCode: 1, stderr: UPGRADE_FAILED },
      {
        command: ['history'],
        stdout: historyJson([
          [1, 'superseded', 'Install complete'],
          [2, 'failed', 'Upgrade "sockshop-production-carts" failed'],
          [3, 'deployed', 'Rollback to 1'],
        ]),
      },
    ]);
    const run = await trigger(
      project,
      ['--stage', 'production', '--force', '--approved-by', 'jane'],
      helm.env(),
    );
    expect(run.exitCode, run.stderr).toBe(1);
    const [delivery, rollback] = runsOf(run);
    expect(delivery).toMatchObject({
      sequence: 'delivery',
      result: 'fail',
      triggeredBy: 'forced',
      forced: true,
    });
    expect(delivery?.tasks.at(-1)).toMatchObject({ task: 'deployment', result: 'fail' });
    expect(delivery?.tasks.at(-1)?.message).toContain('UPGRADE FAILED');
    expect(rollback).toMatchObject({
      sequence: 'rollback',
      result: 'pass',
      triggeredBy: 'production.delivery.finished',
    });
    expect(helm.argvs().map((a) => a.slice(0, 2))).toEqual([
      ['upgrade', '--install'],
      ['history', 'sockshop-production-carts'],
    ]);
    expect(helm.unmatched()).toEqual([]);
    expect(
      records(project.history)
        .filter((r) => r.kind === 'sequence-run')
        .map((r) => r.sequence),
    ).toEqual(['delivery', 'rollback']);
  });

  it.skipIf(!script.available)(
    'draws a task list on a terminal, on stderr only: stdout stays the JSON result (needs script)',
    async () => {
      const project = makeProject();
      helm = await createHelmStub([
        { command: ['upgrade'], exitCode: 1, stderr: UPGRADE_FAILED },
        { command: ['history'], stdout: '[]\n' },
      ]);
      const out = path.join(project.root, 'stdout.json');
      const command = [
        'stty cols 160 rows 40;',
        `'${process.execPath}' '${cliBin}' trigger-deployment --service carts --version 1.4.2 --stage production`,
        `--force --approved-by jane --history 'file:${project.history}' --json > '${out}'`,
      ].join(' ');
      const env = Object.fromEntries(Object.entries(helm.env()).filter(([key]) => key !== 'CI'));
      const screen = await new Promise<string>((resolve) => {
        const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: project.root, env });
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
        child.once('exit', () => resolve(text));
      });
      const runs = JSON.parse(readFileSync(out, 'utf8')) as Run[];
      expect(runs.map((r) => r.sequence)).toEqual(['delivery', 'rollback']);
      expect(screen).toContain('✔ approval pass (approve)');
      expect(screen).toMatch(/✖ deployment fail \(helm\)/);
      expect(screen).toContain('release: not run');
    },
  );

  it('prints the plan with --dry-run and changes nothing', async () => {
    const project = makeProject();
    helm = await createHelmStub([]);
    const run = await runCli(
      [
        'trigger-deployment',
        '--service',
        'carts',
        '--version',
        '1.4.2',
        '--stage',
        'production',
        '--dry-run',
        '--history',
        `file:${project.history}`,
      ],
      { cwd: project.root, env: helm.env() },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'dry run: production.delivery for carts (project sockshop); nothing is changed',
    );
    expect(run.stdout).toContain(
      'triggeredOn: would be refused: production.delivery runs after hardening.delivery.finished',
    );
    expect(run.stdout).toMatch(/1\. approval \(approve\): approve the result: pass manual, warning manual/);
    expect(run.stdout).toMatch(/\$ helm upgrade --install sockshop-production-carts .* --atomic --wait/);
    expect(run.stdout).toContain('if it fails: production.rollback');
    expect(helm.argvs().filter((a) => a[0] === 'upgrade' || a[0] === 'rollback')).toEqual([]);
    expect(existsSync(project.history)).toBe(false);
  });

  it('needs a runner for a task ci-connect does not know, and says how to add one (exit 2)', async () => {
    const project = makeProject();
    helm = await createHelmStub([]);
    writeFileSync(
      path.join(project.root, '.ci-connect/shipyard.yaml'),
      SHIPYARD.replace(
        '- name: "evaluation"\n            - name: "approval"',
        '- name: "smoke-test"\n            - name: "approval"',
      ),
    );
    const run = await trigger(project, [], helm.env());
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('the shipyard task "smoke-test" has no runner');
    expect(run.stderr).toContain('tasks: {smoke-test: {command: ["./scripts/smoke-test.sh", "$SERVICE"]}}');
  });
});
