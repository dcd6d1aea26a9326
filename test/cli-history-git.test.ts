// `ci-connect evaluate --history git:<branch>` as a pipeline job runs it: the real bin/run.js in
// a clone of a real remote, twice. The second gate's baseline is the first evaluation, read back
// from the branch, and the job's working tree, index and HEAD are as they were.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { createGitWorld, git, jobState, type GitWorld } from './support/git-remote.js';
import { describeWithReal } from './support/real-components.js';

const SLO = [
  'spec_version: "1.0"',
  'comparison: {compare_with: single_result, include_result_with_score: pass_or_warn}',
  'objectives:',
  '  - sli: response_time_p95',
  '    pass: [{criteria: ["<500", "<=+10%"]}]',
  '    warning: [{criteria: ["<=800"]}]',
  'total_score: {pass: "90%", warning: "50%"}',
  '',
].join('\n');

describeWithReal(git, 'evaluate with a git: history', () => {
  let world: GitWorld;
  let job = '';

  beforeAll(() => {
    world = createGitWorld(mkdtempSync(path.join(tmpdir(), 'ci-connect-cli-git-')));
    job = world.clone('job');
    writeFileSync(path.join(job, 'slo.yaml'), SLO);
  });
  afterAll(() => rmSync(world.root, { recursive: true, force: true }));

  async function evaluate(value: number) {
    writeFileSync(path.join(job, 'values.json'), JSON.stringify({ response_time_p95: value }));
    const run = await runCli(
      [
        'evaluate',
        ...['--slo', 'slo.yaml', '--values', 'values.json', '--history', 'git:ci-connect-history'],
        ...['--project', 'shop', '--stage', 'hardening', '--service', 'carts', '--json'],
      ],
      { cwd: job, env: world.env as Record<string, string> },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as {
      id: string;
      comparedEvaluations: string[];
      objectives: { comparedValue: number | null }[];
    };
  }

  it('compares the second evaluation with the first, kept on the branch, pins with history pin, and leaves the checkout alone', async () => {
    // slo.yaml and values.json are the job's (untracked) inputs; the rest must stay as it was.
    writeFileSync(path.join(job, 'values.json'), '{}');
    const before = jobState(job, world.env);
    const first = await evaluate(300);
    expect(first.comparedEvaluations).toEqual([]);
    const second = await evaluate(320);
    expect(second.comparedEvaluations).toEqual([first.id]);
    expect(second.objectives[0]?.comparedValue).toBe(300);
    // The history commands work on the branch too: pin the first, and the next gate uses it.
    const history = (...args: string[]) =>
      runCli(['history', ...args, '--history', 'git:ci-connect-history'], {
        cwd: job,
        env: world.env as Record<string, string>,
      });
    const pin = await history('pin', first.id, '--reason', 'known good');
    expect(pin.exitCode, pin.stderr).toBe(0);
    const list = await history('list', '--json');
    expect(list.exitCode, list.stderr).toBe(0);
    const listed = (JSON.parse(list.stdout) as { records: { id: string; pinned?: boolean }[] }).records;
    expect(listed.map((r) => [r.id, r.pinned === true])).toEqual([
      [second.id, false],
      [first.id, true],
    ]);
    const third = await evaluate(330);
    expect(third.comparedEvaluations).toEqual([first.id]);
    expect(jobState(job, world.env)).toEqual(before);
    const stored = world.inRemote('cat-file', 'blob', 'ci-connect-history:history.jsonl').trim().split('\n');
    expect(stored.map((line) => (JSON.parse(line) as { kind: string }).kind)).toEqual([
      'evaluation',
      'evaluation',
      'pin',
      'evaluation',
    ]);
  });
});
