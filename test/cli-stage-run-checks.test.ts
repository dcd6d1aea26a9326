// trigger-deployment and promote check everything they can before the first task (issue 12):
// the real CLI on a project in Keptn's shape (the demo's carts SLO and JMeter SLIs), Helm through
// the recording stub. With problems, every one is reported at once, the exit code is 2 (or 3 for
// an unreachable history), helm never ran and history holds nothing new; --dry-run lists the same.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import { demoConfigDir } from './support/demo-app.js';
import { commitAll } from './support/git-repo.js';
import {
  devToHardening,
  hardeningDelivery,
  productionDelivery,
  sockShopShipyard,
} from './support/sock-shop-shipyard.js';
import { createHelmStub, upgradeSucceeded, type HelmStub } from './support/helm-stub.js';

const TOKEN = 'dt0c01.PREFLIGHTSECRET.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** hardening as Keptn's sock-shop had it, and production after it. */
const SHIPYARD = sockShopShipyard([hardeningDelivery('direct'), productionDelivery()]);

/** dev deploys with Helm; hardening, promoted to, has a task with no runner. */
const PROMOTE_SHIPYARD = sockShopShipyard(devToHardening('smoke'));

const JMETER_SLIS =
  'response_time_p95, error_rate, add_item_p95, cart_reads_p95, throughput, response_time_p50, add_item_error_rate';

interface Project {
  root: string;
  configDir: string;
  history: string;
}

/** The demo's carts config (SLO over JMeter indicators, sli/jmeter.yaml, its test plan) and a chart. */
function makeProject(shipyard = SHIPYARD): Project {
  const root = mkdtempSync(path.join(tmpdir(), 'ci-connect-checks-'));
  const configDir = path.join(root, '.ci-connect');
  cpSync(path.join(demoConfigDir, 'base'), path.join(configDir, 'base'), { recursive: true });
  cpSync(path.join(demoConfigDir, 'ci-connect.yaml'), path.join(configDir, 'ci-connect.yaml'));
  writeFileSync(path.join(configDir, 'shipyard.yaml'), shipyard);
  const chart = path.join(configDir, 'base/carts/helm');
  mkdirSync(chart, { recursive: true });
  writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: carts\nversion: 0.1.0\n');
  writeFileSync(path.join(chart, 'values.yaml'), 'image: ""\nversion: ""\n');
  commitAll(root, 'carts config');
  return { root, configDir, history: path.join(root, 'history.jsonl') };
}

/** What a migrating team might have: the test task misspelt, no chart yet, a Dynatrace SLI. */
function brokenProject(): Project {
  const project = makeProject(SHIPYARD.replace('- name: "test"\n', '- name: "tests"\n'));
  const base = path.join(project.configDir, 'base/carts');
  rmSync(path.join(base, 'helm'), { recursive: true });
  writeFileSync(
    path.join(base, 'sli/dynatrace.yaml'),
    'spec_version: "1.0"\nindicators:\n  db_calls: "metricSelector=builtin:service.dbChildCallCount:merge(0)"\n',
  );
  const slo = path.join(base, 'slo.yaml');
  writeFileSync(
    slo,
    readFileSync(slo, 'utf8').replace(
      'total_score:',
      '  - sli: "db_calls"\n    pass:\n      - criteria: ["<10"]\ntotal_score:',
    ),
  );
  return project;
}

function records(project: Project): { kind: string; stage: string }[] {
  if (!existsSync(project.history)) return [];
  return readFileSync(project.history, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { kind: string; stage: string });
}

/** The numbered problem lines of an error or a plan's checks, without their hints. */
function problems(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => /^ {2}\d+\. /.test(line))
    .map((line) => line.trim());
}

describe('stage runs check before they act', () => {
  let helm: HelmStub;
  beforeEach(async () => {
    helm = await createHelmStub([
      { command: ['upgrade'], stdout: upgradeSucceeded('sockshop-dev-carts', 'sockshop-dev', 1) },
      { command: ['history'], stdout: '[]\n' },
    ]);
  });
  afterEach(async () => helm.cleanup());

  const trigger = (project: Project, args: string[], env: Record<string, string> = {}): Promise<CliRun> =>
    runCli(
      [
        'trigger-deployment',
        '--service',
        'carts',
        '--version',
        '1.4.2',
        '--history',
        `file:${project.history}`,
        ...args,
      ],
      { cwd: project.root, env: helm.env(env) },
    );

  it('reports every problem at once with exit 2, runs no helm and records nothing', async () => {
    const project = brokenProject();
    const run = await trigger(project, [], { DT_API_TOKEN: TOKEN });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      'error: hardening.delivery for carts 1.4.2: 4 problems found before the first task; nothing ran, nothing was deployed:',
    );
    expect(problems(run.stderr)).toEqual([
      `1. hardening.delivery task 1 (deployment) helm: no Helm chart to deploy carts with: base/carts/helm/Chart.yaml does not exist in ${project.configDir}`,
      '2. hardening.delivery task 2 (tests): the shipyard task "tests" has no runner',
      `3. hardening.delivery task 3 (evaluation) evaluate: the SLO uses JMeter indicators, but no JMeter results file was given (${JMETER_SLIS})`,
      '4. hardening.delivery task 3 (evaluation) evaluate: the SLO uses Dynatrace SLIs, but DT_URL is not set',
    ]);
    expect(run.stderr).toContain('hint: did you mean "test"?');
    // The stage run's hint says where a results file comes from here: no --jtl, which it has not.
    expect(run.stderr).toContain(
      'hint: in a stage run the results file is the one written by a test task run by JMeter before the evaluation',
    );
    expect(run.stderr).not.toContain('--jtl');
    expect(`${run.stdout}${run.stderr}`).not.toContain('PREFLIGHTSECRET');
    expect(helm.argvs()).toEqual([]);
    expect(records(project)).toEqual([]);
    // --json: the error object lists the problems for a wrapper to read.
    const json = await trigger(project, ['--json'], { DT_API_TOKEN: TOKEN });
    expect(json.exitCode).toBe(2);
    const error = JSON.parse(json.stdout) as {
      kind: string;
      code: string;
      problems: { where: string; message: string; hint?: string; exitCode: number }[];
    };
    expect(error).toMatchObject({ kind: 'error', code: 'CONFIG' });
    expect(error.problems.map((p) => [p.where, p.exitCode])).toEqual([
      ['hardening.delivery task 1 (deployment) helm', 2],
      ['hardening.delivery task 2 (tests)', 2],
      ['hardening.delivery task 3 (evaluation) evaluate', 2],
      ['hardening.delivery task 3 (evaluation) evaluate', 2],
    ]);
    expect(error.problems[1]?.hint).toMatch(/^did you mean "test"\?/);
    expect(json.stdout).not.toContain('PREFLIGHTSECRET');
  });

  it('--dry-run lists the same problems, exits as the run would, and with --json carries them', async () => {
    const project = brokenProject();
    const run = await trigger(project, ['--dry-run'], { DT_API_TOKEN: TOKEN });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stdout).toContain('checks: 4 problems; the run would stop before its first task:');
    expect(problems(run.stdout.slice(run.stdout.indexOf('checks:')))).toEqual([
      expect.stringMatching(/^1\. hardening\.delivery task 1 \(deployment\) helm: no Helm chart/),
      '2. hardening.delivery task 2 (tests): the shipyard task "tests" has no runner',
      `3. hardening.delivery task 3 (evaluation) evaluate: the SLO uses JMeter indicators, but no JMeter results file was given (${JMETER_SLIS})`,
      '4. hardening.delivery task 3 (evaluation) evaluate: the SLO uses Dynatrace SLIs, but DT_URL is not set',
    ]);
    expect(run.stdout).toMatch(
      / {2}2\. tests \(none\): cannot be planned: the shipyard task "tests" has no runner/,
    );
    const json = await trigger(project, ['--dry-run', '--json'], { DT_API_TOKEN: TOKEN });
    expect(json.exitCode).toBe(2);
    const plan = JSON.parse(json.stdout) as { checks: { problems: { where: string; exitCode: number }[] } };
    expect(plan.checks.problems.map((p) => [p.where, p.exitCode])).toEqual([
      ['hardening.delivery task 1 (deployment) helm', 2],
      ['hardening.delivery task 2 (tests)', 2],
      ['hardening.delivery task 3 (evaluation) evaluate', 2],
      ['hardening.delivery task 3 (evaluation) evaluate', 2],
    ]);
    // stdout is the plan for a wrapper to read; stderr, which the job log shows (GitLab component,
    // Jenkins library), says why the exit is 2: every problem with its hint.
    expect(json.stderr).toContain(
      'error: dry run of hardening.delivery for carts: 4 problems; the run would stop before its first task:',
    );
    expect(problems(json.stderr)).toEqual(problems(run.stdout.slice(run.stdout.indexOf('checks:'))));
    expect(json.stderr).toContain('hint: did you mean "test"?');
    expect(`${run.stdout}${run.stderr}${json.stdout}${json.stderr}`).not.toContain('PREFLIGHTSECRET');
    // A dry run may read (helm history); it never changes anything.
    expect(helm.argvs().filter((a) => a[0] !== 'history')).toEqual([]);
    expect(records(project)).toEqual([]);
  });

  it('refuses JMeter indicators with no test before the evaluation before it deploys or approves anything', async () => {
    // The case: the gate's JMeter SLIs had no results file, and that surfaced only after
    // the deployment and the approval had run, with a hint to pass --jtl.
    const project = makeProject(
      SHIPYARD.replace(
        '            - name: "test"\n              properties:\n                teststrategy: "performance"\n',
        '',
      ),
    );
    const run = await trigger(project, []);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      'error: hardening.delivery for carts 1.4.2: 1 problem found before the first task; nothing ran, nothing was deployed:\n' +
        '  1. hardening.delivery task 2 (evaluation) evaluate: the SLO uses JMeter indicators, but no JMeter results file was given',
    );
    expect(run.stderr).toContain(
      'hint: in a stage run the results file is the one written by a test task run by JMeter before the evaluation: ' +
        'give hardening.delivery a test task with a teststrategy (e.g. performance, with jmeter/performance.jmx) before its evaluation',
    );
    expect(run.stderr).not.toContain('--jtl');
    expect(helm.argvs()).toEqual([]);
    expect(records(project)).toEqual([]);
  });

  it('finds a jmeter that is not there before helm deploys anything', async () => {
    const project = makeProject();
    const missing = path.join(project.root, 'no-such-jmeter/bin/jmeter');
    const run = await trigger(project, [], { JMETER_BIN: missing });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      `1 problem found before the first task; nothing ran, nothing was deployed:\n  1. hardening.delivery task 2 (test) jmeter: ${missing} does not exist`,
    );
    expect(run.stderr).toContain(
      'hint: install Apache JMeter (it needs Java) and put jmeter on PATH, or set JMETER_BIN to the jmeter command',
    );
    expect(helm.argvs()).toEqual([]);
    expect(records(project)).toEqual([]);
  });

  it('refuses a --url the test could not use before helm deploys anything', async () => {
    const project = makeProject();
    // A jmeter that is there (it never runs): the only problem is the test's target.
    const jmeter = path.join(project.root, 'bin/jmeter');
    mkdirSync(path.dirname(jmeter));
    writeFileSync(jmeter, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const run = await trigger(project, ['--url', 'carts.sockshop.svc:8080'], { JMETER_BIN: jmeter });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(problems(run.stderr)).toEqual([
      '1. hardening.delivery task 2 (test) jmeter: the test target "carts.sockshop.svc:8080" is not an http(s) URL',
    ]);
    expect(helm.argvs()).toEqual([]);
    expect(records(project)).toEqual([]);
  });

  it('--dry-run --force plans the forced run, as the real run with --force would start', async () => {
    const project = makeProject();
    const plan = await trigger(project, ['--stage', 'production', '--dry-run', '--force']);
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('  triggeredOn: forced');
    expect(plan.stdout).not.toContain('would be refused');
    // Without --force the dry run says the real run would be refused.
    const unforced = await trigger(project, ['--stage', 'production', '--dry-run']);
    expect(unforced.stdout).toContain('  triggeredOn: would be refused:');
    expect(records(project)).toEqual([]);
  });

  it('an empty HELM_BIN or JMETER_BIN (a CI variable left blank) means helm and jmeter on PATH, as doctor takes it', async () => {
    const project = makeProject();
    const bin = path.join(project.root, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'jmeter'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const env = helm.env({ HELM_BIN: ' ', JMETER_BIN: '' });
    const plan = await runCli(
      [
        'trigger-deployment',
        '--service',
        'carts',
        '--version',
        '1.4.2',
        '--history',
        `file:${project.history}`,
        '--dry-run',
      ],
      { cwd: project.root, env: { ...env, PATH: `${bin}${path.delimiter}${env.PATH ?? ''}` } },
    );
    expect(plan.exitCode, `${plan.stdout}${plan.stderr}`).toBe(0);
    expect(plan.stdout).toContain('checks: no problems found; the run would start');
    // The run would call helm (found on PATH), not a command named " ".
    expect(plan.stdout).toContain('       $ helm upgrade --install sockshop-hardening-carts ');
  });

  it('a dry run with no problems says so, and says what a manual approval will need', async () => {
    const project = makeProject();
    // The dry run looks for JMeter and never starts it: an executable file will do.
    const jmeterBin = path.join(project.root, 'jmeter');
    writeFileSync(jmeterBin, '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const run = await trigger(project, ['--dry-run'], { JMETER_BIN: jmeterBin });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('checks: no problems found; the run would start');
    expect(run.stdout).toContain(
      'note: hardening.delivery task 4 (approval): a warning result needs a manual approval: without --approved-by NAME the run stops here (exit 5) and runs no task after it',
    );
    const production = await trigger(project, [
      '--dry-run',
      '--stage',
      'production',
      '--approved-by',
      'jane',
    ]);
    expect(production.exitCode, production.stderr).toBe(0);
    expect(production.stdout).toContain(
      'note: production.delivery task 1 (approval): a pass or warning result is approved by jane (--approved-by)',
    );
  });

  it('exits 3 when the history cannot be reached, before helm runs', async () => {
    const project = makeProject();
    const run = await runCli(
      [
        'trigger-deployment',
        '--service',
        'carts',
        '--version',
        '1.4.2',
        '--stage',
        'production',
        '--approved-by',
        'jane',
        '--force',
        '--history',
        'postgres://ci@127.0.0.1:9/history?connect_timeout=2',
      ],
      { cwd: project.root, env: helm.env() },
    );
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toContain(
      '1 problem found before the first task; nothing ran, nothing was deployed:\n  1. history: the history postgres://127.0.0.1:9/history: cannot be reached',
    );
    expect(helm.argvs()).toEqual([]);
  });

  it('promote checks the target stage before it deploys: problems there are exit 2 and nothing is deployed', async () => {
    const project = makeProject(PROMOTE_SHIPYARD);
    const dev = await trigger(project, ['--stage', 'dev', '--image', 'registry/carts:1.4.2']);
    expect(dev.exitCode, dev.stderr).toBe(0);
    const deployedByDev = helm.argvs();
    expect(deployedByDev.map((a) => a[0])).toEqual(['upgrade']);
    const run = await runCli(
      [
        'promote',
        '--service',
        'carts',
        '--version',
        '1.4.2',
        '--to',
        'hardening',
        '--history',
        `file:${project.history}`,
      ],
      { cwd: project.root, env: helm.env() },
    );
    expect(run.exitCode, run.stderr).toBe(2);
    // The recorded release was found and checked out: the target stage's own sequence is what fails.
    expect(run.stderr).toContain('promoting carts 1.4.2 from dev to hardening');
    expect(run.stderr).toContain(
      'error: hardening.delivery for carts 1.4.2: 1 problem found before the first task; nothing ran, nothing was deployed:\n' +
        '  1. hardening.delivery task 2 (smoke): the shipyard task "smoke" has no runner',
    );
    expect(helm.argvs()).toEqual(deployedByDev);
    expect(records(project).filter((r) => r.stage === 'hardening')).toEqual([]);
    const plan = await runCli(
      [
        'promote',
        '--service',
        'carts',
        '--version',
        '1.4.2',
        '--to',
        'hardening',
        '--dry-run',
        '--history',
        `file:${project.history}`,
      ],
      { cwd: project.root, env: helm.env() },
    );
    expect(plan.exitCode, plan.stderr).toBe(2);
    expect(plan.stdout).toContain(
      'checks: 1 problem; the run would stop before its first task:\n' +
        '  1. hardening.delivery task 2 (smoke): the shipyard task "smoke" has no runner',
    );
    expect(helm.argvs().filter((a) => a[0] === 'upgrade')).toEqual(deployedByDev);
  });
});
