// What every command resolves the same way (issue 9), through the real CLI: ci-connect.yaml's
// `defaults.onWarning` is honoured by trigger-deployment (it was by evaluate only) and by the
// evaluation task itself (with `fail` the sequence stops at a warning gate, before it releases);
// and the same mistake (no service, several services) is the same error for every command.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import { startPrometheusStandIn, type PrometheusStandIn } from './support/prometheus-stand-in.js';

const SHIPYARD = `apiVersion: "spec.keptn.sh/0.2.2"
kind: "Shipyard"
metadata: {name: "shipyard-shop"}
spec:
  stages:
    - name: "hardening"
      sequences:
        - name: "delivery"
          tasks:
            - name: "deployment"
              properties: {deploymentstrategy: "user_managed"}
            - name: "evaluation"
              properties: {timeframe: "5m"}
            - name: "release"
        # The evaluation is the last task: its result is the sequence's (Keptn's rule).
        - name: "gate"
          tasks:
            - name: "deployment"
              properties: {deploymentstrategy: "user_managed"}
            - name: "evaluation"
              properties: {timeframe: "5m"}
`;

// The error ratio Prometheus answers: between the pass (<0.5) and warning (<1) criteria.
const WARNING_SLO =
  'objectives:\n  - sli: error_ratio\n    pass: [{criteria: ["<0.5"]}]\n    warning: [{criteria: ["<1"]}]\n' +
  'total_score: {pass: "90%", warning: "50%"}\n';

let prometheus: PrometheusStandIn;
let prometheusUrl = '';

beforeAll(async () => {
  prometheus = await startPrometheusStandIn('0.7');
  prometheusUrl = prometheus.url;
});
afterAll(() => prometheus.close());

/** A project whose ci-connect.yaml says `defaults.onWarning`, with the given services. */
function project(onWarning: string | undefined, services: readonly string[] = ['carts']): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ci-connect-context-'));
  const configDir = path.join(root, '.ci-connect');
  mkdirSync(path.join(configDir, 'base'), { recursive: true });
  writeFileSync(path.join(configDir, 'shipyard.yaml'), SHIPYARD);
  writeFileSync(
    path.join(configDir, 'ci-connect.yaml'),
    `project: shop\n${onWarning === undefined ? '' : `defaults:\n  onWarning: ${onWarning}\n`}`,
  );
  for (const service of services) {
    mkdirSync(path.join(configDir, 'base', service, 'sli'), { recursive: true });
    writeFileSync(path.join(configDir, 'base', service, 'slo.yaml'), WARNING_SLO);
    writeFileSync(
      path.join(configDir, 'base', service, 'sli', 'prometheus.yaml'),
      'indicators:\n  error_ratio: sum(rate(errors[5m]))\n',
    );
  }
  return root;
}

interface Run {
  result: string;
  tasks: { task: string; result: string; message: string }[];
}

const trigger = (root: string, extra: string[] = []): Promise<CliRun> =>
  runCli(['trigger-deployment', '--stage', 'hardening', '--version', '1.4.2', '--json', ...extra], {
    cwd: root,
    env: { PROMETHEUS_URL: prometheusUrl },
  });

describe('defaults.onWarning in ci-connect.yaml, for a stage run', () => {
  it('warn: a sequence ending in a warning gate exits 4, as evaluate does', async () => {
    const run = await trigger(project('warn'), ['--sequence', 'gate']);
    expect(run.exitCode, run.stderr).toBe(4);
    const [first] = JSON.parse(run.stdout) as Run[];
    expect(first?.result).toBe('warning');
    expect(first?.tasks.map((t) => [t.task, t.result])).toEqual([
      ['deployment', 'pass'],
      ['evaluation', 'warning'],
    ]);
  });

  it('fail: the evaluation task fails at a warning gate, so nothing is released (exit 1)', async () => {
    const run = await trigger(project('fail'));
    expect(run.exitCode, run.stderr).toBe(1);
    const [first] = JSON.parse(run.stdout) as Run[];
    expect(first?.tasks.map((t) => [t.task, t.result])).toEqual([
      ['deployment', 'pass'],
      ['evaluation', 'fail'],
    ]);
    expect(first?.tasks[1]?.message).toMatch(
      /^quality gate warning .*\(a warning fails: onWarning is fail\)$/,
    );
  });

  it('--on-warning overrides it; without either a warning passes (exit 0)', async () => {
    expect((await trigger(project('fail'), ['--sequence', 'gate', '--on-warning', 'warn'])).exitCode).toBe(4);
    expect((await trigger(project(undefined), ['--sequence', 'gate'])).exitCode).toBe(0);
  });
});

describe('the same mistake is the same error in every command', () => {
  const commands: [string, string[]][] = [
    ['evaluate', ['evaluate', '--stage', 'hardening', '--values', 'values.json']],
    ['trigger-deployment', ['trigger-deployment', '--stage', 'hardening', '--version', '1.4.2']],
  ];

  it.each([
    ['no service', [], 'CONFIG', /^no service in .*\.ci-connect$/],
    ['several services', ['carts', 'orders'], 'USAGE', /has several services: carts, orders$/],
  ] as const)('%s', async (_name, services, code, message) => {
    const root = project(undefined, services);
    writeFileSync(path.join(root, 'values.json'), '{"error_ratio": 0.1}');
    for (const [, args] of commands) {
      const run = await runCli([...args, '--json'], { cwd: root, env: { PROMETHEUS_URL: prometheusUrl } });
      expect(run.exitCode, run.stderr).toBe(2);
      const error = JSON.parse(run.stdout) as { code: string; message: string };
      expect(error.code, args[0]).toBe(code);
      expect(error.message, args[0]).toMatch(message);
    }
  });
});
