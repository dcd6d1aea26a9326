// `ci-connect history rescore`, the SLO what-if, through the real CLI: a tightened SLO shows the
// verdicts it would flip (on evaluations `evaluate` recorded, and on Keptn's imported ones), an
// SLI the SLO adds shows as not recorded, nothing is recorded, and --fail-on-flip exits 1.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import { repoRoot } from './support/real-components.js';

const LOOSE =
  'objectives:\n  - sli: rt\n    pass: [{criteria: ["<=600"]}]\n  - sli: errors\n    pass: [{criteria: ["<=1"]}]\ntotal_score: {pass: "90%", warning: "75%"}\n';
const TIGHT =
  'objectives:\n  - sli: rt\n    pass: [{criteria: ["<=500"]}]\n  - sli: errors\n    pass: [{criteria: ["<=1"]}]\n' +
  '  - sli: cpu\n    pass: [{criteria: ["<80"]}]\n    weight: 0\ntotal_score: {pass: "60%"}\n';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-cli-rescore-'));
  writeFileSync(path.join(dir, 'slo.yaml'), LOOSE);
  writeFileSync(path.join(dir, 'tight.yaml'), TIGHT);
});

function cli(args: readonly string[]): Promise<CliRun> {
  return runCli([...args, '--history', 'file:history.jsonl'], { cwd: dir });
}

const digest = () =>
  createHash('sha256')
    .update(readFileSync(path.join(dir, 'history.jsonl')))
    .digest('hex');

async function evaluate(rt: number): Promise<string> {
  writeFileSync(path.join(dir, 'values.json'), JSON.stringify({ rt, errors: 0 }));
  const run = await cli([
    'evaluate',
    '--slo',
    'slo.yaml',
    '--values',
    'values.json',
    '--json',
    '--service',
    'carts',
  ]);
  expect(run.exitCode, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { id: string }).id;
}

describe('history rescore', () => {
  it('shows the flips of a tightened SLO per evaluation and objective, and records nothing', async () => {
    const fast = await evaluate(450);
    const slow = await evaluate(550);
    const before = digest();

    const run = await cli(['history', 'rescore', '--slo', 'tight.yaml', '--service', 'carts']);
    expect(run.exitCode, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      'SLO what-if default/default/carts with tight.yaml: the newest 2 evaluations re-scored',
    );
    // 550 fails <=500: a flip the new criteria cause.
    expect(run.stdout).toMatch(
      new RegExp(
        `\\n${slow}\\s+\\S+Z\\s+-\\s+pass 100\\s+fail 33\\.33\\s+FLIPS\\n    rt 550: pass → fail; pass criteria: ✗ <=500\\n`,
      ),
    );
    // 450 passes every recorded objective; cpu was never recorded, and a gate with missing data fails.
    expect(run.stdout).toMatch(
      new RegExp(`\\n${fast}\\s+\\S+Z\\s+-\\s+pass 100\\s+fail 66\\.67\\s+flips \\(not recorded\\)\\n`),
    );
    expect(run.stdout).toContain('    cpu (new): fail, no data: not recorded in this evaluation');
    expect(run.stdout).toContain(
      '2 of 2 verdicts would change: 2 pass → fail; 1 of them only because of SLIs it did not record',
    );
    expect(run.stdout).toContain('not recorded, so scored as no data (a failed objective): cpu');
    expect(digest()).toBe(before);

    const json = await cli(['history', 'rescore', '--slo', 'tight.yaml', '--service', 'carts', '--json']);
    expect(json.exitCode, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout) as {
      kind: string;
      flips: number;
      evaluations: { id: string; flipped: boolean; before: object; after: object }[];
    };
    expect(result).toMatchObject({
      schemaVersion: 1,
      kind: 'history-rescore',
      service: 'carts',
      flips: 2,
      flipsByNotRecordedOnly: 1,
      notRecorded: ['cpu'],
    });
    expect(result.evaluations.map((e) => [e.id, e.flipped])).toEqual([
      [slow, true],
      [fast, true],
    ]);
    expect(digest()).toBe(before);
  });

  it("shows the new SLO's OR-ed alternatives and AND-ed criteria apart", async () => {
    const slow = await evaluate(550);
    writeFileSync(
      path.join(dir, 'either.yaml'),
      'objectives:\n  - sli: rt\n    pass:\n      - criteria: ["<=500", ">=100"]\n      - criteria: ["<=520"]\n' +
        'total_score: {pass: "90%"}\n',
    );
    const run = await cli(['history', 'rescore', '--slo', 'either.yaml', '--service', 'carts']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `\\n${slow}\\s+\\S+Z[^\\n]+\\n    rt 550: pass → fail; pass criteria: \\(✗ <=500 and >=100\\) or ✗ <=520\\n`,
      ),
    );
  });

  it('exits 1 with --fail-on-flip when the criteria flip a verdict, 0 when none does or only an unrecorded SLI does', async () => {
    await evaluate(450);
    await evaluate(550);
    const flips = await cli([
      'history',
      'rescore',
      '--slo',
      'tight.yaml',
      '--service',
      'carts',
      '--fail-on-flip',
    ]);
    expect(flips.exitCode).toBe(1);
    const same = await cli([
      'history',
      'rescore',
      '--slo',
      'slo.yaml',
      '--service',
      'carts',
      '--fail-on-flip',
    ]);
    expect(same.exitCode, same.stderr).toBe(0);
    expect(same.stdout).toContain('no verdict would change (2 evaluations)');
    const last = await cli([
      'history',
      'rescore',
      '--slo',
      'tight.yaml',
      '--service',
      'carts',
      '--last',
      '1',
      '--fail-on-flip',
    ]);
    expect(last.exitCode).toBe(1);
    // Only cpu added: both verdicts change, but only because cpu was never recorded.
    writeFileSync(path.join(dir, 'added.yaml'), TIGHT.replace('<=500', '<=600'));
    const added = await cli([
      'history',
      'rescore',
      '--slo',
      'added.yaml',
      '--service',
      'carts',
      '--fail-on-flip',
    ]);
    expect(added.exitCode, added.stdout).toBe(0);
    expect(added.stdout).toContain(
      '2 of 2 verdicts would change: 2 pass → fail; 2 of them only because of SLIs they did not record',
    );
  });

  it('refuses an SLO with errors, naming file:line (exit 2)', async () => {
    await evaluate(450);
    writeFileSync(
      path.join(dir, 'bad.yaml'),
      'objectives:\n  - sli: rt\n    pass: [{criteria: ["less than 5"]}]\ntotal_score: {pass: "90%"}\n',
    );
    const run = await cli(['history', 'rescore', '--slo', 'bad.yaml', '--service', 'carts']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/bad\.yaml:3:\d+ objectives\[0\]\.pass\[0\]\.criteria\[0\]/);
  });

  it("re-scores Keptn's imported evaluations with their recorded values and baselines", async () => {
    const staging = path.join(
      repoRoot,
      'fixtures/keptn-events/datastore-by-type_evaluation-finished_sockshop-carts-staging_10-events.json',
    );
    expect((await cli(['history', 'import', staging])).exitCode).toBe(0);
    const before = digest();
    // Keptn passed go_routines at <=100; the passing runs recorded 8, 10 and 8: at <=9 the 10 fails.
    writeFileSync(
      path.join(dir, 'keptn-tight.yaml'),
      'objectives:\n  - sli: http_response_time_seconds_main_page_sum\n    pass: [{criteria: ["<=1"]}]\n    warning: [{criteria: ["<=0.5"]}]\n' +
        '  - sli: request_throughput\n    pass: [{criteria: ["<=+100%", ">=-80%"]}]\n  - sli: go_routines\n    pass: [{criteria: ["<=9"]}]\n' +
        'total_score: {pass: "90%", warning: "75%"}\n',
    );
    const run = await cli([
      'history',
      'rescore',
      '--slo',
      'keptn-tight.yaml',
      '--project',
      'sockshop',
      '--stage',
      'staging',
      '--service',
      'carts',
      '--json',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      flips: number;
      evaluations: {
        id: string;
        flipped: boolean;
        flippedByNotRecordedOnly: boolean;
        before: { result: string };
        after: { result: string };
      }[];
    };
    const flipped = result.evaluations.filter((e) => e.before.result !== e.after.result).map((e) => e.id);
    expect(flipped.length).toBe(result.flips);
    const byCriteria = result.evaluations
      .filter((e) => e.flipped && !e.flippedByNotRecordedOnly)
      .map((e) => e.id);
    expect(byCriteria).toEqual(['c1b2761f-5b6d-4bdc-9bb7-4661a05ea3b2']);
    expect(result.evaluations.find((e) => e.id === byCriteria[0])).toMatchObject({
      before: { result: 'pass' },
      after: { result: 'fail' },
    });
    // Keptn's runs without an SLO recorded no values: they flip only for that.
    expect(flipped.filter((id) => !byCriteria.includes(id))).toEqual([
      '0c275de6-fbde-457e-b2f2-60f32a6acf54',
      '880ac00e-3f65-476f-a1f9-4325919146ac',
      '25ab0f26-e6d8-48d5-a08f-08c8a136a688',
    ]);
    expect(digest()).toBe(before);
  });
});
