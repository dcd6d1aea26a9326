// A stage run's evaluation reads as `evaluate`'s (issue 12): the human output shows the same
// objectives table, and --report-dir gets the same reports. The only task is the evaluation,
// against a Prometheus stand-in, so no JMeter is needed (promote: Helm through the recording stub).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { commitAll } from './support/git-repo.js';
import { createHelmStub, upgradeSucceeded } from './support/helm-stub.js';
import { startPrometheusStandIn, type PrometheusStandIn } from './support/prometheus-stand-in.js';

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
            - name: "evaluation"
              properties:
                timeframe: "5m"
`;

const SLO = `objectives:
  - sli: error_ratio
    displayName: Error ratio
    pass:
      - criteria: [">=0", "<1"]
      - criteria: ["<=2"]
    warning:
      - criteria: ["<5"]
total_score: {pass: "90%", warning: "75%"}
`;

// promote needs a Helm deployment in both stages; the evaluation runs after hardening's.
const PROMOTE_SHIPYARD = `apiVersion: "spec.keptn.sh/0.2.2"
kind: "Shipyard"
metadata:
  name: "shipyard-shop"
spec:
  stages:
    - name: "dev"
      sequences:
        - name: "delivery"
          tasks:
            - name: "deployment"
              properties:
                deploymentstrategy: "direct"
    - name: "hardening"
      sequences:
        - name: "delivery"
          triggeredOn:
            - event: "dev.delivery.finished"
          tasks:
            - name: "deployment"
              properties:
                deploymentstrategy: "direct"
            - name: "evaluation"
              properties:
                timeframe: "5m"
`;

let prometheus: PrometheusStandIn;
beforeAll(async () => {
  prometheus = await startPrometheusStandIn('0.5');
});
afterAll(() => prometheus.close());

function makeProject(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ci-connect-stage-reports-'));
  const service = path.join(root, '.ci-connect', 'base', 'carts');
  mkdirSync(path.join(service, 'sli'), { recursive: true });
  writeFileSync(path.join(root, '.ci-connect', 'shipyard.yaml'), SHIPYARD);
  writeFileSync(path.join(root, '.ci-connect', 'ci-connect.yaml'), 'project: shop\n');
  writeFileSync(path.join(service, 'slo.yaml'), SLO);
  writeFileSync(
    path.join(service, 'sli', 'prometheus.yaml'),
    'spec_version: "1.0"\nindicators:\n  error_ratio: sum(rate(http_errors_total{job="$SERVICE"}[$DURATION_SECONDS]))\n',
  );
  return root;
}

/** The objectives table without the window line, which names each run's own time. */
function table(stdout: string): string {
  const lines = stdout.split('\n');
  const from = lines.findIndex((l) => l.startsWith('status'));
  const to = lines.findIndex((l) => l.startsWith('Score'));
  expect(from, stdout).toBeGreaterThanOrEqual(0);
  expect(to, stdout).toBeGreaterThan(from);
  return lines.slice(from, to + 1).join('\n');
}

describe('a stage run with an evaluation task', () => {
  it('shows the objectives table as evaluate does, and writes its reports into --report-dir', async () => {
    const root = makeProject();
    const common = ['--service', 'carts', '--stage', 'hardening'];
    const env = { PROMETHEUS_URL: prometheus.url, NO_COLOR: '1' };
    const reportDir = path.join(root, 'reports');
    const run = await runCli(
      [
        'trigger-deployment',
        ...common,
        '--version',
        '1.4.2',
        '--history',
        `file:${path.join(root, 'run.jsonl')}`,
        '--report-dir',
        reportDir,
      ],
      { cwd: root, env },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const gate = await runCli(
      ['evaluate', ...common, '--version', '1.4.2', '--history', `file:${path.join(root, 'gate.jsonl')}`],
      { cwd: root, env },
    );
    expect(gate.exitCode, gate.stderr).toBe(0);

    expect(table(run.stdout)).toBe(table(gate.stdout));
    expect(run.stdout).toContain('Quality gate shop / hardening / carts 1.4.2');
    expect(run.stdout).toMatch(/hardening\.delivery for carts 1\.4\.2: PASS/);
    for (const file of ['evaluation.json', 'summary.md', 'junit.xml', 'index.html'])
      expect(existsSync(path.join(reportDir, file)), file).toBe(true);
    expect(readFileSync(path.join(reportDir, 'summary.md'), 'utf8')).toContain('Error ratio');
    expect(readFileSync(path.join(reportDir, 'junit.xml'), 'utf8')).toContain('error_ratio');
  }, 60_000);

  it('shows the table in promote too, and writes its reports', async () => {
    const root = makeProject();
    const configDir = path.join(root, '.ci-connect');
    writeFileSync(path.join(configDir, 'shipyard.yaml'), PROMOTE_SHIPYARD);
    const chart = path.join(configDir, 'base/carts/helm');
    mkdirSync(chart, { recursive: true });
    writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: carts\nversion: 0.1.0\n');
    writeFileSync(path.join(chart, 'values.yaml'), 'image: ""\nversion: ""\n');
    commitAll(root, 'carts');
    const helm = await createHelmStub([
      { command: ['upgrade'], stdout: upgradeSucceeded('shop-dev-carts', 'shop-dev', 1) },
    ]);
    try {
      const env = { ...helm.env(), PROMETHEUS_URL: prometheus.url, NO_COLOR: '1' };
      const common = [
        '--service',
        'carts',
        '--version',
        '1.4.2',
        '--history',
        `file:${path.join(root, 'h.jsonl')}`,
      ];
      const dev = await runCli(['trigger-deployment', ...common, '--stage', 'dev'], { cwd: root, env });
      expect(dev.exitCode, dev.stderr).toBe(0);
      expect(dev.stdout).not.toContain('Quality gate');
      const reportDir = path.join(root, 'reports');
      const run = await runCli(['promote', ...common, '--to', 'hardening', '--report-dir', reportDir], {
        cwd: root,
        env,
      });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stdout).toContain('Quality gate shop / hardening / carts 1.4.2');
      expect(table(run.stdout)).toMatch(/^PASS +Error ratio \(error_ratio\) +0\.5 /m);
      expect(run.stdout).toMatch(/hardening\.delivery for carts 1\.4\.2: PASS/);
      for (const file of ['summary.md', 'junit.xml', 'index.html'])
        expect(existsSync(path.join(reportDir, file)), file).toBe(true);
    } finally {
      await helm.cleanup();
    }
  }, 60_000);
});
