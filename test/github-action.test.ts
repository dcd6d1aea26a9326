// The GitHub Action as a runner runs it (issue 11): packages/github-action/dist/index.js with
// INPUT_* env vars, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and a pull request payload at
// GITHUB_EVENT_PATH; GitHub's API and Dynatrace are strict local stand-ins answering with
// recorded responses. Checks the verdict mapping (docs/ci/github.md), outputs, the job summary,
// annotations on the config file and line, the sticky comment, and that no token leaks.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction, type ActionRun } from './support/action-runner.js';
import { findFreePort } from './support/free-port.js';
import { GATE_SLO, shopShipyard, writeGateConfig } from './support/gate-project.js';
import { startDynatraceStandIn, type DynatraceStandIn } from './support/dynatrace-stand-in.js';
import {
  startGitHubApiStandIn,
  type GitHubApiStandIn,
  type GitHubRequest,
} from './support/github-api-stand-in.js';

const GITHUB_TOKEN = 'ghs_actionTestToken0123456789abcdefABCDEF';
const DT_TOKEN = 'dt0c01.ACTIONTESTTOKEN1234567.SECRETPART0123456789abcdefghijklmnopqrstuvwxyzABCD';
const PROMETHEUS_TOKEN = 'prom-action-Token-9876543210';
const RUN_URL = 'https://github.com/shop/carts/actions/runs/812';
const COMMENTS = '/repos/shop/carts/issues/1/comments';
const TOKENS = [GITHUB_TOKEN, DT_TOKEN, PROMETHEUS_TOKEN];

/** A workspace: .ci-connect with project shop, stage hardening, service carts, and a values file. */
function workspace(values: Record<string, number | null>, shipyard?: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ci-connect-action-'));
  writeGateConfig(root);
  if (shipyard !== undefined) writeFileSync(path.join(root, '.ci-connect/shipyard.yaml'), shipyard);
  writeFileSync(path.join(root, 'values.json'), JSON.stringify(values));
  return root;
}

const gateInputs = { service: 'carts', values: 'values.json', version: '1.4.2', labels: 'buildId=812' };

async function gate(root: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  return runAction({ workspace: root, inputs: { ...gateInputs, ...inputs }, env });
}

/** No token in anything the step left, but in the `::add-mask::` commands the runner consumes. */
function expectNoTokens(run: ActionRun, ...more: string[]): void {
  const shown = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  const everything = [shown, run.stderr, run.summary, JSON.stringify(run.outputs), ...more].join('\n');
  for (const token of TOKENS) expect(everything).not.toContain(token);
}

let api: GitHubApiStandIn | undefined;
let dynatrace: DynatraceStandIn | undefined;
afterEach(async () => {
  await api?.close();
  await dynatrace?.close();
  api = dynatrace = undefined;
});

describe('the verdict, as GitHub shows it', () => {
  it('pass: success, a notice, the outputs, the summary and the reports', async () => {
    const root = workspace({ response_time_p95: 300, error_rate: 0.5 });
    const run = await gate(root);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({
      result: 'pass',
      score: '100',
      exit_code: '0',
      report_dir: path.join(root, 'ci-connect-report'),
    });
    expect(run.outputs.evaluation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.annotations).toEqual([
      {
        command: 'notice',
        properties: { title: 'ci-connect' },
        message: 'quality gate pass: shop/hardening/carts 1.4.2, score 100.00%',
      },
    ]);
    expect(run.summary).toContain('Quality gate pass');
    expect(run.summary).toContain('| ✅ | response_time_p95 | 300 |');
    const evaluation = JSON.parse(
      readFileSync(path.join(root, 'ci-connect-report/evaluation.json'), 'utf8'),
    ) as { id: string; labels: Record<string, string> };
    expect(evaluation.id).toBe(run.outputs.evaluation_id);
    // The run's back-link is recorded as a label, next to the ones given.
    expect(evaluation.labels).toEqual({ buildId: '812', ciJobUrl: RUN_URL });
  });

  it('warning: success with a warning annotation naming the objective; on_warning warn says 4 in exit_code', async () => {
    const root = workspace({ response_time_p95: 600, error_rate: 0.5 });
    const byDefault = await gate(root);
    expect(byDefault.exitCode).toBe(0);
    expect(byDefault.outputs).toMatchObject({ result: 'warning', exit_code: '0', score: '75' });
    expect(byDefault.annotations).toEqual([
      expect.objectContaining({
        command: 'warning',
        message:
          'quality gate warning: shop/hardening/carts 1.4.2, score 75.00%; warning objectives: response_time_p95 = 600 (violated: <500)',
      }),
    ]);
    const warn = await gate(root, { on_warning: 'warn' });
    expect(warn.exitCode).toBe(0);
    expect(warn.outputs).toMatchObject({ result: 'warning', exit_code: '4' });
    expect(warn.annotations.map((a) => a.command)).toEqual(['warning']);
    const fail = await gate(root, { on_warning: 'fail' });
    expect(fail.exitCode).toBe(1);
    expect(fail.outputs).toMatchObject({ result: 'warning', exit_code: '1' });
    // The failed step says why: which objectives were in warning, and that on_warning made it fail.
    expect(fail.annotations).toEqual([
      expect.objectContaining({
        command: 'error',
        message:
          'quality gate warning: shop/hardening/carts 1.4.2, score 75.00%; warning objectives: response_time_p95 = 600 (violated: <500); on_warning: fail counts a warning as a failure',
      }),
    ]);
    // The summary's heatmap shows the earlier evaluations of the same gate, from history.
    expect(fail.summary).toContain('Recent evaluations');
    // No on_warning input: the failure says where the policy came from.
    writeFileSync(
      path.join(root, '.ci-connect/ci-connect.yaml'),
      'project: shop\ndefaults:\n  stage: hardening\n  onWarning: fail\n',
    );
    const byConfig = await gate(root);
    expect(byConfig.exitCode).toBe(1);
    expect(byConfig.annotations[0]?.message).toMatch(
      /; ci-connect\.yaml's defaults\.onWarning: fail counts a warning as a failure$/,
    );
  });

  it('a warning from the total score names the objective that failed, with the threshold a relative criterion became', async () => {
    const root = workspace({ response_time_p95: 400, error_rate: 0.5 });
    writeFileSync(
      path.join(root, '.ci-connect/base/carts/slo.yaml'),
      [
        'objectives:',
        '  - sli: response_time_p95',
        '    pass: [{criteria: ["<=+10%"]}]',
        '  - sli: error_rate',
        '    pass: [{criteria: ["<=1"]}]',
        'total_score: {pass: "90%", warning: "50%"}',
        '',
      ].join('\n'),
    );
    expect((await gate(root)).outputs.result).toBe('pass');
    writeFileSync(
      path.join(root, 'values.json'),
      JSON.stringify({ response_time_p95: 500, error_rate: 0.5 }),
    );
    const run = await gate(root);
    expect(run.outputs).toMatchObject({ result: 'warning', score: '50' });
    expect(run.annotations).toEqual([
      expect.objectContaining({
        command: 'warning',
        message:
          'quality gate warning: shop/hardening/carts 1.4.2, score 50.00%; failed objectives: response_time_p95 = 500 (violated: <=+10% (440))',
      }),
    ]);
  });

  it('fail: the step fails, naming the objectives that failed', async () => {
    const run = await gate(workspace({ response_time_p95: 900, error_rate: 5 }));
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ result: 'fail', exit_code: '1', score: '0' });
    expect(run.annotations).toEqual([
      expect.objectContaining({
        command: 'error',
        message:
          'quality gate fail: shop/hardening/carts 1.4.2, score 0.00%; failed objectives: response_time_p95 = 900 (violated: <500, <=800); error_rate = 5 (violated: <=1)',
      }),
    ]);
  });

  it('approval required (5): the step fails and says how to approve', async () => {
    const shipyard = shopShipyard([
      '    - name: "hardening"',
      '      sequences:',
      '        - name: "delivery"',
      '          tasks:',
      '            - name: "approval"',
      '              properties: {pass: "manual", warning: "manual"}',
    ]);
    const root = workspace({}, shipyard);
    const plan = await runAction({
      workspace: root,
      inputs: { command: 'trigger-deployment', service: 'carts', version: '1.4.2', dry_run: 'true' },
    });
    expect(plan.exitCode, plan.stdout).toBe(0);
    expect(plan.outputs).toMatchObject({ result: 'planned', exit_code: '0' });
    expect(plan.summary).toContain('| approval | approve |');
    const run = await runAction({
      workspace: root,
      inputs: { command: 'trigger-deployment', service: 'carts', version: '1.4.2' },
    });
    expect(run.exitCode, run.stdout).toBe(5);
    expect(run.outputs).toMatchObject({ result: 'waiting', exit_code: '5' });
    const error = run.annotations.find((a) => a.command === 'error');
    expect(error?.properties.title).toBe('ci-connect: approval required');
    expect(error?.message).toContain('manual approval required before the stage hardening may run');
    expect(error?.message).toContain('run again with the input approved_by to approve');
    expect(error?.message).toContain('approved_by');
    expect(error?.message).toContain('Required reviewers');
    // As docs/ci/github.md and generate pipeline record it: github.actor is not the approver.
    expect(error?.message).toContain("approved_by: 'reviewers of environment hardening: <the run's URL>'");
    expect(run.summary).toContain('| hardening | delivery | approval |');
    // The action has no --approved-by flag: the summary and the log name the input instead.
    expect(run.summary).toContain('run again with the input approved_by to approve');
    expect(run.summary + run.stdout).not.toContain('--approved-by');

    const approved = await runAction({
      workspace: root,
      inputs: { command: 'trigger-deployment', service: 'carts', version: '1.4.2', approved_by: 'jane' },
    });
    expect(approved.exitCode, approved.stdout).toBe(0);
    expect(approved.outputs).toMatchObject({ result: 'pass', exit_code: '0' });
  });

  it('dry_run: the plan says whether triggeredOn would let the stage run', async () => {
    const shipyard = shopShipyard([
      '    - name: "hardening"',
      '      sequences:',
      '        - name: "delivery"',
      '          tasks:',
      '            - name: "approval"',
      '    - name: "production"',
      '      sequences:',
      '        - name: "delivery"',
      '          triggeredOn:',
      '            - event: "hardening.delivery.finished"',
      '          tasks:',
      '            - {name: "approval", properties: {pass: "manual", warning: "manual"}}',
    ]);
    const root = workspace({}, shipyard);
    const inputs = { command: 'trigger-deployment', service: 'carts', stage: 'production', version: '1.4.2' };
    const plan = await runAction({ workspace: root, inputs: { ...inputs, dry_run: 'true' } });
    expect(plan.exitCode, plan.stdout).toBe(0);
    expect(plan.outputs).toMatchObject({ result: 'planned', exit_code: '0' });
    // The real run would stop with exit code 2: the plan says so, in the summary and the annotation.
    expect(plan.summary).toContain('would be refused');
    expect(plan.annotations).toEqual([
      expect.objectContaining({ command: 'warning', message: expect.stringContaining('would be refused') }),
    ]);
    expect((await runAction({ workspace: root, inputs })).exitCode).toBe(2);
  });

  it("dry_run: the checks before the run are in the summary, and the exit code is the run's (2)", async () => {
    const shipyard = shopShipyard([
      '    - name: "hardening"',
      '      sequences:',
      '        - name: "delivery"',
      '          tasks:',
      '            - name: "smoke"',
      '            - {name: "approval", properties: {pass: "automatic", warning: "manual"}}',
    ]);
    const root = workspace({}, shipyard);
    const inputs = { command: 'trigger-deployment', service: 'carts', version: '1.4.2' };
    const plan = await runAction({ workspace: root, inputs: { ...inputs, dry_run: 'true' } });
    expect(plan.exitCode, plan.stdout).toBe(2);
    expect(plan.outputs).toMatchObject({ result: 'planned', exit_code: '2' });
    expect(plan.summary).toContain('Checks: the run would stop before its first task');
    expect(plan.summary).toContain(
      '- hardening.delivery task 1 (smoke): the shipyard task "smoke" has no runner',
    );
    expect(plan.summary).toContain(
      '- hardening.delivery task 2 (approval): a warning result needs a manual approval',
    );
    const run = await runAction({ workspace: root, inputs });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain('1 problem found before the first task; nothing ran, nothing was deployed');
  });

  it('promote after a gate that only evaluated (docs/ci/github.md): exit 2, saying to deploy with trigger-deployment first', async () => {
    const shipyard = shopShipyard([
      '    - name: "hardening"',
      '      sequences:',
      '        - name: "delivery"',
      '          tasks:',
      '            - {name: "deployment", properties: {deploymentstrategy: "direct"}}',
      '            - name: "evaluation"',
      '    - name: "production"',
      '      sequences:',
      '        - name: "delivery"',
      '          tasks:',
      '            - {name: "approval", properties: {pass: "manual", warning: "manual"}}',
      '            - {name: "deployment", properties: {deploymentstrategy: "direct"}}',
    ]);
    const root = workspace({ response_time_p95: 300, error_rate: 0.5 }, shipyard);
    expect((await gate(root)).exitCode).toBe(0);
    const run = await runAction({
      workspace: root,
      inputs: {
        command: 'promote',
        stage: 'production',
        service: 'carts',
        version: '1.4.2',
        approved_by: 'jane',
      },
    });
    expect(run.exitCode, run.stdout).toBe(2);
    const error = run.annotations.find((a) => a.command === 'error');
    expect(error?.message).toContain('no deployment of carts 1.4.2 in hardening is recorded');
    expect(error?.message).toContain('run trigger-deployment');
  });

  it('a configuration error (2): an error annotation on the file, line and column at fault', async () => {
    const root = workspace({ response_time_p95: 300, error_rate: 0.5 });
    writeFileSync(
      path.join(root, '.ci-connect/base/carts/slo.yaml'),
      'objectives:\n  - sli: rt\n    pass:\n      - criteria: ["less than 10%"]\ntotal_score: {pass: "90%"}\n',
    );
    const run = await gate(root);
    expect(run.exitCode).toBe(2);
    expect(run.outputs).toMatchObject({ result: 'error', exit_code: '2', evaluation_id: '' });
    expect(run.annotations[0]).toEqual({
      command: 'error',
      properties: {
        title: 'ci-connect: usage or configuration error',
        file: '.ci-connect/base/carts/slo.yaml',
        line: '4',
        col: '20',
      },
      message: expect.stringContaining(
        'objectives[0].pass[0].criteria[0]: "less than 10%" is not a criterion',
      ),
    });
    expect(run.summary).toContain('ci-connect could not reach a verdict');
    // The message in a code block of its own lines: no blank first line, a fence it cannot end.
    expect(run.summary).toContain('\n```\n1 configuration error in ');
  });

  it('a configuration error in a file outside the workspace: the annotation names the file and line in its text', async () => {
    const root = workspace({ response_time_p95: 300, error_rate: 0.5 });
    const outside = path.join(mkdtempSync(path.join(tmpdir(), 'ci-connect-outside-')), 'slo.yaml');
    writeFileSync(outside, 'objectives:\n  - sli: rt\n    pass: [{criteria: ["<1"]}\n');
    const run = await gate(root, { slo: outside });
    expect(run.exitCode).toBe(2);
    expect(run.annotations).toEqual([
      {
        command: 'error',
        // GitHub places annotations on files of the repository only: this one has no file property.
        properties: { title: 'ci-connect: usage or configuration error' },
        message: expect.stringMatching(
          new RegExp(`^${outside.replace(/[.\\/]/g, '\\$&')}:4:1 YAML syntax error`),
        ),
      },
    ]);
  });

  it("reads the CLI's env vars for empty inputs, and puts a config file's warning on its line", async () => {
    const root = workspace({ response_time_p95: 300, error_rate: 0.5 });
    writeFileSync(path.join(root, '.ci-connect/base/carts/slo.yaml'), `${GATE_SLO}colour: red\n`);
    const run = await runAction({
      workspace: root,
      inputs: { values: 'values.json' },
      env: {
        CI_CONNECT_SERVICE: 'carts',
        CI_CONNECT_HISTORY: 'file:gates.jsonl',
        CI_CONNECT_LABELS: 'team=cart',
      },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(readFileSync(path.join(root, 'gates.jsonl'), 'utf8')).toContain('"team":"cart"');
    const warning = run.annotations.find((a) => a.command === 'warning');
    expect(warning?.properties).toEqual({
      title: 'ci-connect',
      file: '.ci-connect/base/carts/slo.yaml',
      line: '9',
      col: '1',
    });
    expect(warning?.message).toContain('colour');
  });

  it('an input the command does not use: a warning naming it, and the gate runs', async () => {
    const run = await gate(workspace({ response_time_p95: 300, error_rate: 0.5 }), {
      approved_by: 'jane',
      force: 'true',
      // action.yml's default, as the runner passes it: not given by the workflow.
      dry_run: 'false',
    });
    expect(run.exitCode).toBe(0);
    expect(run.annotations).toEqual([
      {
        command: 'warning',
        properties: { title: 'ci-connect' },
        message:
          'evaluate does not use the inputs approved_by, force: they are ignored (they are for trigger-deployment, promote)',
      },
      expect.objectContaining({ command: 'notice' }),
    ]);
  });

  it('a bad input (2): the error names the input and how to write it', async () => {
    const run = await gate(workspace({}), { on_warning: 'maybe' });
    expect(run.exitCode).toBe(2);
    expect(run.annotations).toEqual([
      expect.objectContaining({
        command: 'error',
        message:
          'the input on_warning is "maybe", not one of pass, warn, fail\nhint: write e.g. on_warning: pass',
      }),
    ]);
  });

  it('reads a CLI env var as the CLI does, and an error names the env var, not an input it was not given', async () => {
    const root = workspace({ response_time_p95: 300, error_rate: 0.5 });
    // The CLI reads a boolean flag's env var as 1/0, yes/no, true/false.
    const off = await gate(root, {}, { CI_CONNECT_DYNATRACE_EVENT: '0' });
    expect(off.exitCode, off.stdout).toBe(0);
    const bad = await gate(root, {}, { CI_CONNECT_ON_WARNING: 'maybe' });
    expect(bad.exitCode).toBe(2);
    expect(bad.annotations).toEqual([
      expect.objectContaining({
        command: 'error',
        message:
          'CI_CONNECT_ON_WARNING is "maybe", not one of pass, warn, fail\nhint: write e.g. on_warning: pass',
      }),
    ]);
  });

  it("an error's hint names the input, not the CLI's flag", async () => {
    const root = workspace({ response_time_p95: 300, error_rate: 0.5 });
    mkdirSync(path.join(root, '.ci-connect/base/orders'));
    writeFileSync(path.join(root, '.ci-connect/base/orders/slo.yaml'), GATE_SLO);
    const run = await runAction({ workspace: root, inputs: { values: 'values.json' } });
    expect(run.exitCode).toBe(2);
    expect(run.annotations).toEqual([
      expect.objectContaining({
        command: 'error',
        message: expect.stringContaining('hint: say which with the input service (env CI_CONNECT_SERVICE)'),
      }),
    ]);
    expect(run.summary).toContain('say which with the input service');
  });

  it('unreachable monitoring (3): an error annotation with the message and the hint, no token', async () => {
    const root = workspace({});
    writeFileSync(
      path.join(root, '.ci-connect/base/carts/slo.yaml'),
      'objectives:\n  - sli: up_ratio\n    pass: [{criteria: ["<1"]}]\ntotal_score: {pass: "90%"}\n',
    );
    mkdirSync(path.join(root, '.ci-connect/base/carts/sli'));
    writeFileSync(
      path.join(root, '.ci-connect/base/carts/sli/prometheus.yaml'),
      'spec_version: "1.0"\nindicators:\n  up_ratio: "avg(up)"\n',
    );
    const run = await runAction({
      workspace: root,
      inputs: { service: 'carts' },
      env: { PROMETHEUS_URL: 'http://127.0.0.1:1', PROMETHEUS_TOKEN },
    });
    expect(run.exitCode).toBe(3);
    expect(run.outputs).toMatchObject({ result: 'error', exit_code: '3' });
    const error = run.annotations.find((a) => a.command === 'error');
    expect(error?.properties.title).toBe('ci-connect: a system is unavailable (retrying may help)');
    expect(error?.message).toContain('127.0.0.1:1');
    expect(error?.message).toContain('\nhint: ');
    expect(run.masked).toContain(PROMETHEUS_TOKEN);
    expectNoTokens(run);
  });

  // The bundle carries axios' own proxy rules (scripts/axios-proxy-rules.js): a runner has no
  // axios installation to find them in, and without them the error would blame Prometheus.
  it('behind a proxy that refuses (3): the error names the proxy and its env var', async () => {
    const root = workspace({});
    writeFileSync(
      path.join(root, '.ci-connect/base/carts/slo.yaml'),
      'objectives:\n  - sli: up_ratio\n    pass: [{criteria: ["<1"]}]\ntotal_score: {pass: "90%"}\n',
    );
    mkdirSync(path.join(root, '.ci-connect/base/carts/sli'));
    writeFileSync(
      path.join(root, '.ci-connect/base/carts/sli/prometheus.yaml'),
      'spec_version: "1.0"\nindicators:\n  up_ratio: "avg(up)"\n',
    );
    const port = await findFreePort();
    const run = await runAction({
      workspace: root,
      inputs: { service: 'carts' },
      env: { PROMETHEUS_URL: 'http://prometheus.invalid:9090', HTTP_PROXY: `http://127.0.0.1:${port}` },
    });
    expect(run.exitCode).toBe(3);
    const error = run.annotations.find((a) => a.command === 'error');
    expect(error?.message).toContain(`the proxy 127.0.0.1:${port} (from HTTP_PROXY) refused the connection`);
  });
});

describe('the sticky pull request comment', () => {
  /** The recorded answer with the comment body this request sent. */
  const echo = (body: unknown, request: GitHubRequest) => ({
    ...(body as object),
    body: (request.body as { body: string }).body,
  });

  it('is created on the first run and updated in place on a re-run, with no token anywhere', async () => {
    api = await startGitHubApiStandIn(GITHUB_TOKEN);
    const root = workspace({ response_time_p95: 300, error_rate: 0.5 });
    // A token pasted where it does not belong (a label) is masked too.
    const inputs = { ...gateInputs, labels: `buildId=812\nnote=${DT_TOKEN}`, github_token: GITHUB_TOKEN };
    const env = { GITHUB_API_URL: api.url, DT_API_TOKEN: DT_TOKEN };
    api.expect(
      {
        method: 'GET',
        path: COMMENTS,
        query: { per_page: '100' },
        respond: 'issue-comments-list_200_empty_pr',
      },
      { method: 'POST', path: COMMENTS, respond: 'issue-comment-create_201_pr', rewrite: echo },
    );
    const first = await runAction({ workspace: root, inputs, env, event: 'event_pull_request_synchronize' });
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(api.violations).toEqual([]);
    expect(api.unused()).toEqual([]);
    const posted = (api.requests[1]?.body as { body: string }).body;
    expect(posted.startsWith('<!-- ci-connect:gate shop/hardening/carts -->\n')).toBe(true);
    expect(posted).toContain('Quality gate pass');
    expect(first.stdout).toContain(
      'pull request comment created: https://github.com/hub4j-test-org/github-api/pull/461',
    );

    // The re-run finds the comment the first run left (the recorded list, with that body) and edits it.
    writeFileSync(
      path.join(root, 'values.json'),
      JSON.stringify({ response_time_p95: 600, error_rate: 0.5 }),
    );
    api.expect(
      {
        method: 'GET',
        path: COMMENTS,
        query: { per_page: '100' },
        respond: 'issue-comments-list_200_one-earlier-comment_pr',
        rewrite: (body) => (body as object[]).map((comment) => ({ ...comment, body: posted })),
      },
      {
        method: 'PATCH',
        path: '/repos/shop/carts/issues/comments/1254853699',
        respond: 'issue-comment-update_200_pr',
        rewrite: echo,
      },
    );
    const second = await runAction({ workspace: root, inputs, env, event: 'event_pull_request_synchronize' });
    expect(second.exitCode).toBe(0);
    expect(api.violations).toEqual([]);
    expect(api.unused()).toEqual([]);
    expect(api.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'PATCH']);
    const updated = (api.requests[3]?.body as { body: string }).body;
    expect(updated).toContain('Quality gate warning');
    // The heatmap of the recent evaluations of the gate: both runs.
    expect(updated).toContain('Recent evaluations');
    expect(second.stdout).toContain('pull request comment updated');
    for (const run of [first, second]) {
      expect(run.masked).toContain(GITHUB_TOKEN);
      expect(run.masked).toContain(DT_TOKEN);
      expectNoTokens(run, JSON.stringify(api.requests.map((r) => r.body)));
    }
    const report = readFileSync(path.join(root, 'ci-connect-report/evaluation.json'), 'utf8');
    const history = readFileSync(path.join(root, '.ci-connect/history.jsonl'), 'utf8');
    expect(JSON.parse(report)).toMatchObject({ labels: { note: '***' } });
    expectNoTokens(
      second,
      report,
      history,
      readFileSync(path.join(root, 'ci-connect-report/index.html'), 'utf8'),
    );
    for (const request of api.requests) expect(request.authorization).toBe(`Bearer ${GITHUB_TOKEN}`);
  });

  it("a fork's read-only token (403): a notice, and the step keeps the gate's result", async () => {
    api = await startGitHubApiStandIn(GITHUB_TOKEN);
    api.expect(
      {
        method: 'GET',
        path: COMMENTS,
        query: { per_page: '100' },
        respond: 'issue-comments-list_200_empty_pr',
      },
      {
        method: 'POST',
        path: COMMENTS,
        respond: 'error_403_resource-not-accessible-by-integration_installation-token',
      },
    );
    const run = await runAction({
      workspace: workspace({ response_time_p95: 300, error_rate: 0.5 }),
      inputs: { ...gateInputs, github_token: GITHUB_TOKEN },
      env: { GITHUB_API_URL: api.url },
      event: 'event_pull_request_opened',
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ result: 'pass', exit_code: '0' });
    expect(api.violations).toEqual([]);
    expect(api.unused()).toEqual([]);
    const notice = run.annotations.find((a) => a.properties.title === 'ci-connect: pull request comment');
    expect(notice?.command).toBe('notice');
    expect(notice?.message).toContain('HTTP 403: Resource not accessible by integration');
    expect(notice?.message).toContain('fork');
    expect(notice?.message).toContain('pull-requests: write');
    expectNoTokens(run);
  });

  it('is not attempted on a push, nor without a token', async () => {
    api = await startGitHubApiStandIn(GITHUB_TOKEN);
    const root = workspace({ response_time_p95: 300, error_rate: 0.5 });
    const push = await runAction({
      workspace: root,
      inputs: { ...gateInputs, github_token: GITHUB_TOKEN },
      env: { GITHUB_API_URL: api.url },
      event: 'event_push',
      eventName: 'push',
    });
    const noToken = await runAction({
      workspace: root,
      inputs: gateInputs,
      env: { GITHUB_API_URL: api.url },
      event: 'event_pull_request_opened',
    });
    expect([push.exitCode, noToken.exitCode]).toEqual([0, 0]);
    expect(api.requests).toEqual([]);
  });
});

describe('send-event', () => {
  it('links the event back to the workflow run, and masks the Dynatrace token', async () => {
    dynatrace = await startDynatraceStandIn({ token: DT_TOKEN });
    dynatrace.expect({
      method: 'POST',
      path: '/api/v2/events/ingest',
      query: {},
      respond: 'events-v2-ingest_201_one-report-ok',
    });
    const run = await runAction({
      workspace: workspace({}),
      inputs: { command: 'send-event', event_type: 'deployment', service: 'carts', version: '1.4.2' },
      env: { DT_URL: dynatrace.url, DT_API_TOKEN: DT_TOKEN },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ result: 'sent', exit_code: '0' });
    expect(dynatrace.violations).toEqual([]);
    expect(dynatrace.unusedExpectations()).toEqual([]);
    expect(dynatrace.requests[0]?.body).toMatchObject({
      eventType: 'CUSTOM_DEPLOYMENT',
      properties: { ci: 'github', ciBackLink: RUN_URL, 'dt.event.deployment.ci_back_link': RUN_URL },
    });
    expect(run.masked).toContain(DT_TOKEN);
    expectNoTokens(run, JSON.stringify(dynatrace.requests.map((r) => r.body)));
  });
});
