import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../environment.js';
import { ConfigError } from '../errors.js';
import { runProcess } from '../tools/process.js';
import { planStage, runStage, type StageRunDependencies, type StageRunRequest } from './run-stage.js';
import { passing, scriptedRunner, sequentialIds, steppingClock } from './test-support/stage-run-fixtures.js';
import type { TaskOutcome } from './types.js';

const GOOD_SHIPYARD = fileURLToPath(
  new URL('../../../../fixtures/config/shipyard/projects/good/.ci-connect/shipyard.yaml', import.meta.url),
);

/** A project dir with the sock-shop shipyard (dev → staging, rollback on fail) and one service. */
function project(shipyard = GOOD_SHIPYARD, ciConnectYaml = 'project: sockshop\n'): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ci-connect-run-'));
  const configDir = path.join(root, '.ci-connect');
  mkdirSync(path.join(configDir, 'base', 'carts'), { recursive: true });
  cpSync(shipyard, path.join(configDir, 'shipyard.yaml'));
  writeFileSync(path.join(configDir, 'ci-connect.yaml'), ciConnectYaml);
  return root;
}

function deps(
  root: string,
  answer: (task: string, sequence: string) => TaskOutcome = () => passing,
): StageRunDependencies & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    cwd: root,
    env: {},
    clock: steppingClock(),
    logger: createMemoryLogger(),
    signal: new AbortController().signal,
    runProcess,
    newId: sequentialIds,
    runnerFactory: () => (setting, task) =>
      scriptedRunner(typeof setting === 'string' ? setting : 'command', (t, context) => {
        ran.push(`${context.stage}.${context.sequence}.${t.name}`);
        return answer(task.name, context.sequence);
      }),
  };
}

const request = (overrides: Partial<StageRunRequest> = {}): StageRunRequest => ({
  configDir: '.ci-connect',
  version: '1.4.2',
  labels: {},
  force: false,
  ...overrides,
});

function historyOf(root: string): { kind: string; stage: string; sequence: string; triggeredBy: string }[] {
  return readFileSync(path.join(root, '.ci-connect', 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map(
      (line) => JSON.parse(line) as { kind: string; stage: string; sequence: string; triggeredBy: string },
    );
}

describe('runStage', () => {
  it("runs the first stage's delivery with each task's default runner and records it", async () => {
    const root = project();
    const d = deps(root);
    const { runs, setup } = await runStage(request(), d);
    expect(setup).toMatchObject({
      project: 'sockshop',
      stage: 'dev',
      service: 'carts',
      sequence: 'delivery',
    });
    expect(d.ran).toEqual([
      'dev.delivery.deployment',
      'dev.delivery.test',
      'dev.delivery.evaluation',
      'dev.delivery.release',
    ]);
    expect(runs[0]?.tasks.map((t) => t.runner)).toEqual(['helm', 'jmeter', 'evaluate', 'helm']);
    expect(historyOf(root)).toEqual([
      expect.objectContaining({
        kind: 'sequence-run',
        stage: 'dev',
        sequence: 'delivery',
        triggeredBy: 'manual',
      }),
    ]);
  });

  it("refuses Keptn's remediation sequence with the remediate command to run instead, before anything runs", async () => {
    const root = project();
    const d = deps(root);
    const refusal = runStage(request({ stage: 'production', sequence: 'remediation', service: 'carts' }), d);
    await expect(refusal).rejects.toThrow(
      "production.remediation is Keptn's remediation sequence: its get-action and action steps are what ci-connect remediate does",
    );
    await expect(refusal).rejects.toMatchObject({
      hint: expect.stringContaining(
        'ci-connect remediate --stage production --service carts with --problem-id',
      ),
    });
    await expect(
      planStage(request({ stage: 'production', sequence: 'remediation' }), deps(root)),
    ).rejects.toThrow(ConfigError);
    expect(d.ran).toEqual([]);
    // With runners of its own for those tasks, it is a sequence like any other.
    const own = project(
      GOOD_SHIPYARD,
      'project: sockshop\ntasks:\n  get-action: {command: ["true"]}\n  action: {command: ["true"]}\n',
    );
    const plan = await planStage(
      request({ stage: 'production', sequence: 'remediation', force: true }),
      deps(own),
    );
    expect(plan.tasks.map((t) => t.task)).toEqual(['get-action', 'action', 'evaluation']);
  });

  it('refuses staging for a version dev has not passed, and runs it once dev has', async () => {
    const root = project();
    await expect(runStage(request({ stage: 'staging' }), deps(root))).rejects.toThrow(
      /1 problem found before the first task; nothing ran, nothing was deployed:\n {2}1\. triggeredOn: staging\.delivery runs after dev\.delivery\.finished/,
    );
    await runStage(request(), deps(root));
    const { runs } = await runStage(request({ stage: 'staging' }), deps(root));
    expect(runs[0]).toMatchObject({ stage: 'staging', triggeredBy: 'dev.delivery.finished', forced: false });
  });

  it('runs the rollback sequence in the same job when staging delivery fails, and records both', async () => {
    const root = project();
    const d = deps(root, (task, sequence) =>
      sequence === 'delivery' && task === 'evaluation'
        ? { result: 'fail', status: 'succeeded', message: 'quality gate fail' }
        : passing,
    );
    const { runs } = await runStage(request({ stage: 'staging', force: true }), d);
    expect(d.ran).toEqual([
      'staging.delivery.deployment',
      'staging.delivery.test',
      'staging.delivery.evaluation',
      'staging.rollback.rollback',
    ]);
    expect(runs.map((r) => [r.sequence, r.result, r.triggeredBy])).toEqual([
      ['delivery', 'fail', 'forced'],
      ['rollback', 'pass', 'staging.delivery.finished'],
    ]);
    expect(runs[1]?.triggeredByRun).toBe(runs[0]?.id);
    expect(historyOf(root).map((r) => r.sequence)).toEqual(['delivery', 'rollback']);
  });

  it('needs a tasks: entry for a task ci-connect has no runner for, before anything runs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-shipyard-'));
    const shipyard = path.join(dir, 'shipyard.yaml');
    writeFileSync(
      shipyard,
      'apiVersion: spec.keptn.sh/0.2.3\nkind: Shipyard\nmetadata: {name: s}\nspec:\n  stages:\n' +
        '    - name: dev\n      sequences:\n        - name: delivery\n          tasks:\n' +
        '            - name: smoke-test\n            - name: evaluation\n',
    );
    const d = deps(project(shipyard));
    const error = await runStage(request(), d).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.split('\n')[1]).toBe(
      '  1. dev.delivery task 1 (smoke-test): the shipyard task "smoke-test" has no runner',
    );
    expect(d.ran).toEqual([]);

    const mapped = deps(project(shipyard, 'tasks:\n  smoke-test:\n    command: ["./smoke.sh"]\n'));
    const { runs } = await runStage(request(), mapped);
    expect(runs[0]?.tasks.map((t) => `${t.task}:${t.runner}`)).toEqual([
      'smoke-test:command',
      'evaluation:evaluate',
    ]);
  });

  it('plans without running: tasks, the rollback on fail, and a refused trigger', async () => {
    const root = project();
    const d = deps(root);
    const plan = await planStage(request({ stage: 'staging' }), d);
    expect(plan.tasks.map((t) => `${t.task}:${t.runner}`)).toEqual([
      'deployment:helm',
      'test:jmeter',
      'evaluation:evaluate',
      'release:helm',
    ]);
    expect(plan.onFail.map((f) => [f.sequence, f.tasks.map((t) => t.task)])).toEqual([
      ['rollback', ['rollback']],
    ]);
    expect(plan.trigger).toEqual({
      refused: expect.stringContaining('staging.delivery runs after dev.delivery.finished'),
    });
    expect(d.ran).toEqual([]);
  });
});
