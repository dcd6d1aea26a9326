// `ci-connect validate` on the shipyard and remediation files of a config directory, as a user runs it.
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { repoRoot } from './support/real-components.js';

const projects = 'fixtures/config/shipyard/projects';
const tempDirs: string[] = [];

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('validate: shipyard.yaml and remediation.yaml', () => {
  it('reports a bad shipyard and a bad remediation file at file:line:col (exit 2)', async () => {
    const configDir = `${projects}/bad/.ci-connect`;
    const run = await runCli(['validate', '--config-dir', configDir]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(2);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toContain(
      `error ${configDir}/shipyard.yaml:13:37 spec.stages[0].sequences[0].tasks[0].properties.deploymentstrategy: "canary" is not a deployment strategy (the strategies are: direct, blue_green_service, user_managed)`,
    );
    expect(lines).toContain(
      `error ${configDir}/shipyard.yaml:18:22 spec.stages[1].sequences[0].triggeredOn[0].event: stage "dev" has no sequence "delivry" (did you mean "delivery"? the sequences of dev are: delivery, evaluation)`,
    );
    expect(lines).toContain(
      `error ${configDir}/base/carts/remediation.yaml:9:11 spec.remediations[0].actionsOnOpen[0].action: missing: the action's identifier (add e.g. action: scaling)`,
    );
    // An action of a never-used entry still needs a runner: remediate checks the file's actions.
    expect(lines).toContain(
      `error ${configDir}/base/carts/remediation.yaml:14:19 spec.remediations[1].actionsOnOpen[0].action: the action "restart" has no runner (tell ci-connect.yaml how to run it, e.g. tasks: {restart: {command: ["./scripts/restart.sh"]}}, which finds the action's value in CI_CONNECT_ACTION_VALUE (or tasks: {restart: helm} to scale); the actions with a runner are: scaling)`,
    );
    expect(lines.at(-1)).toBe('2 files checked: 7 errors, 1 warning');
  });

  it('passes Keptn’s own sock-shop shipyard and a remediation file unchanged (exit 0)', async () => {
    const run = await runCli(['validate', '--config-dir', `${projects}/good/.ci-connect`]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    // Its remediation sequence's tasks were Keptn's remediation service's: no runner here. The
    // remediation file's restart action runs through the project's ci-connect.yaml tasks:.
    const configDir = `${projects}/good/.ci-connect`;
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(
      `warning ${configDir}/shipyard.yaml:91:21 spec.stages[2].sequences[3].tasks[0].name: the task "get-action" has no runner: a stage run of its sequence would stop here (tell ci-connect.yaml how to run it`,
    );
    expect(lines[1]).toContain(
      `warning ${configDir}/shipyard.yaml:92:21 spec.stages[2].sequences[3].tasks[1].name: the task "action" has no runner`,
    );
    expect(lines[2]).toBe('3 files checked: 0 errors, 2 warnings');
  });

  it('reports a task no runner runs: a typo with "did you mean", a custom name with how to run it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ci-connect-shipyard-'));
    tempDirs.push(dir);
    const configDir = path.join(dir, '.ci-connect');
    await cp(path.join(repoRoot, 'fixtures/demo/.ci-connect'), configDir, { recursive: true });
    const shipyard = path.join(configDir, 'shipyard.yaml');
    const text = await readFile(shipyard, 'utf8');
    await writeFile(
      shipyard,
      text.replace('- name: "test"', '- name: "tests"').replace('- name: "release"', '- name: "smoke"'),
    );
    const run = await runCli(['validate', '--config-dir', configDir, '--json']);
    expect(run.exitCode, run.stdout + run.stderr).toBe(2);
    const report = JSON.parse(run.stdout) as { diagnostics: Record<string, unknown>[] };
    const tasks = report.diagnostics.filter((d) => String(d.message).includes('has no runner'));
    expect(tasks).toEqual([
      {
        severity: 'error',
        file: shipyard,
        line: 19,
        column: 21,
        path: 'spec.stages[0].sequences[0].tasks[1].name',
        message: 'the task "tests" has no runner',
        hint: expect.stringMatching(
          /^did you mean "test"\? else tell ci-connect.yaml how to run it, e.g. tasks: \{tests: /,
        ) as unknown,
      },
      {
        severity: 'warning',
        file: shipyard,
        line: 23,
        column: 21,
        path: 'spec.stages[0].sequences[0].tasks[3].name',
        message: 'the task "smoke" has no runner: a stage run of its sequence would stop here',
        hint: expect.stringContaining(
          'the tasks with a runner are: deployment, release, rollback, test, evaluation, approval',
        ) as unknown,
      },
    ]);

    // A tasks: entry in ci-connect.yaml gives it a runner.
    await writeFile(
      path.join(configDir, 'ci-connect.yaml'),
      `${await readFile(path.join(configDir, 'ci-connect.yaml'), 'utf8')}\ntasks:\n  tests: jmeter\n  smoke: {command: ["true"]}\n`,
    );
    const fixed = await runCli(['validate', '--config-dir', configDir]);
    expect(fixed.stdout).not.toContain('has no runner');
  });

  it('reads a legacy 0.1 shipyard with a deprecation warning naming the file (exit 0)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ci-connect-shipyard-'));
    tempDirs.push(dir);
    const configDir = path.join(dir, '.ci-connect');
    await mkdir(configDir);
    await copyFile(
      path.join(repoRoot, 'fixtures/keptn-examples/gitlab-tutorial_shipyard.yaml'),
      path.join(configDir, 'shipyard.yaml'),
    );
    const run = await runCli(['validate', '--config-dir', configDir, '--json']);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as {
      diagnostics: { severity: string; file: string; message: string }[];
      files: string[];
    };
    expect(report.files).toEqual([path.join(configDir, 'shipyard.yaml')]);
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics[0]).toMatchObject({
      severity: 'warning',
      file: path.join(configDir, 'shipyard.yaml'),
      message: expect.stringContaining('legacy shipyard format') as unknown,
    });
  });
});

describe('validate: jmeter/jmeter.conf.yaml', () => {
  it('reports a bad workload file of a service at file:line:col (exit 2), and passes the demo’s', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ci-connect-validate-jmeter-'));
    tempDirs.push(dir);
    const jmeterDir = path.join(dir, 'base', 'carts', 'jmeter');
    await mkdir(jmeterDir, { recursive: true });
    await copyFile(
      path.join(repoRoot, 'fixtures/demo/.ci-connect/base/carts/slo.yaml'),
      path.join(dir, 'base/carts/slo.yaml'),
    );
    await copyFile(
      path.join(repoRoot, 'fixtures/jmeter/runner/bad.jmeter.conf.yaml'),
      path.join(jmeterDir, 'jmeter.conf.yaml'),
    );
    const bad = await runCli(['validate', '--config-dir', dir]);
    expect(bad.exitCode, bad.stdout + bad.stderr).toBe(2);
    expect(bad.stdout).toMatch(/^error .*base\/carts\/jmeter\/jmeter\.conf\.yaml:\d+:\d+ workloads\[\d+\]/m);

    const demo = await runCli(['validate', '--config-dir', 'fixtures/demo/.ci-connect']);
    expect(demo.exitCode, demo.stdout + demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/files checked: 0 errors/);
  });
});
