// `ci-connect history export` and `history import` through the real CLI: a history moved to a new
// store reads the same (invalidations and pins included), importing twice adds nothing, Keptn's
// recorded evaluation events become the baseline of the next gate, and bad input names file:line
// and imports nothing.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import { repoRoot } from './support/real-components.js';

const keptnEvents = path.join(repoRoot, 'fixtures/keptn-events');
const STAGING = path.join(
  keptnEvents,
  'datastore-by-type_evaluation-finished_sockshop-carts-staging_10-events.json',
);
const DEV = path.join(
  keptnEvents,
  'datastore-by-type_evaluation-finished_sockshop-carts-dev_6-events_no-slo-and-displayname.json',
);

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-cli-transfer-'));
});

function cli(args: readonly string[], history = 'file:history.jsonl', input?: string): Promise<CliRun> {
  return runCli([...args, '--history', history], { cwd: dir, ...(input === undefined ? {} : { input }) });
}

function ok(run: CliRun): CliRun {
  expect(run.exitCode, run.stderr).toBe(0);
  return run;
}

async function listJson(history: string): Promise<unknown> {
  return JSON.parse(ok(await cli(['history', 'list', '--limit', '100', '--json'], history)).stdout) as {
    records: unknown;
  };
}

/** A gate run: shop/hardening/carts with these values; its id. */
async function evaluate(
  values: Record<string, number>,
  extra: readonly string[] = [],
): Promise<{
  id: string;
  comparedEvaluations: string[];
  objectives: { sli: string; comparedValue: number | null; status: string }[];
}> {
  writeFileSync(path.join(dir, 'values.json'), JSON.stringify(values));
  const run = await cli(['evaluate', '--slo', 'slo.yaml', '--values', 'values.json', '--json', ...extra]);
  expect([0, 1], run.stderr).toContain(run.exitCode);
  return JSON.parse(run.stdout) as never;
}

describe('history export and import between stores', () => {
  it('reproduces the same list in a new file: store, with invalidations and pins, and adds nothing the second time', async () => {
    writeFileSync(
      path.join(dir, 'slo.yaml'),
      'objectives:\n  - sli: rt\n    pass: [{criteria: ["<=+10%"]}]\ntotal_score: {pass: "90%"}\n',
    );
    const a = await evaluate({ rt: 100 }, ['--stage', 'hardening']);
    const b = await evaluate({ rt: 300 }, ['--stage', 'hardening']);
    const c = await evaluate({ rt: 100 }, ['--stage', 'production']);
    ok(await cli(['history', 'invalidate', b.id, '--reason', 'noisy neighbour']));
    ok(await cli(['history', 'pin', a.id]));

    const exported = ok(await cli(['history', 'export', '--out', 'export.jsonl']));
    expect(exported.stdout).toBe(
      `exported 5 records of ${path.join(dir, 'history.jsonl')} to ${path.join(dir, 'export.jsonl')}\n`,
    );
    expect(readFileSync(path.join(dir, 'export.jsonl'), 'utf8')).toBe(
      readFileSync(path.join(dir, 'history.jsonl'), 'utf8'),
    );

    const imported = ok(await cli(['history', 'import', 'export.jsonl'], 'file:moved.jsonl'));
    expect(imported.stdout).toBe(
      `read 5 ci-connect records from export.jsonl\n${path.join(dir, 'moved.jsonl')}: 5 added, 0 already present\n`,
    );
    const moved = (await listJson('file:moved.jsonl')) as {
      records: { id: string; invalidated?: boolean; pinned?: boolean }[];
    };
    expect(moved).toEqual({
      ...((await listJson('file:history.jsonl')) as object),
      history: path.join(dir, 'moved.jsonl'),
    });
    expect(moved.records.map((r) => [r.id, r.invalidated === true, r.pinned === true])).toEqual([
      [c.id, false, false],
      [b.id, true, false],
      [a.id, false, true],
    ]);

    const before = readFileSync(path.join(dir, 'moved.jsonl'));
    const again = JSON.parse(
      ok(await cli(['history', 'import', 'export.jsonl', '--json'], 'file:moved.jsonl')).stdout,
    ) as object;
    expect(again).toMatchObject({ schemaVersion: 1, kind: 'history-import', added: 0, present: 5 });
    expect(readFileSync(path.join(dir, 'moved.jsonl'))).toEqual(before);
  });

  it('pipes an export on stdout into an import from stdin', async () => {
    writeFileSync(
      path.join(dir, 'slo.yaml'),
      'objectives:\n  - sli: rt\n    pass: [{criteria: ["<1"]}]\ntotal_score: {pass: "90%"}\n',
    );
    await evaluate({ rt: 0 });
    const exported = ok(await cli(['history', 'export', '--json']));
    expect(exported.stdout.trim().split('\n')).toHaveLength(1);
    expect(exported.stderr).toContain('exported 1 record of');
    const imported = ok(await cli(['history', 'import', '-', '--json'], 'file:piped.jsonl', exported.stdout));
    expect(JSON.parse(imported.stdout)).toMatchObject({ file: '<stdin>', added: 1 });
    expect(readFileSync(path.join(dir, 'piped.jsonl'), 'utf8')).toBe(exported.stdout);
  });

  it('keeps which criteria list each target came from; one that is no index is listed with commas, not refused', async () => {
    writeFileSync(
      path.join(dir, 'slo.yaml'),
      'objectives:\n  - sli: rt\n    pass:\n      - criteria: ["<300", ">=10"]\n      - criteria: ["<200"]\n' +
        'total_score: {pass: "90%"}\n',
    );
    const { id } = await evaluate({ rt: 250 });
    const exported = ok(await cli(['history', 'export'])).stdout;
    ok(await cli(['history', 'import', '-'], 'file:moved.jsonl', exported));
    const shown = ok(await cli(['history', 'show', id], 'file:moved.jsonl')).stdout;
    expect(shown).toMatch(/\nPASS +rt +250 +\(<300 and >=10\) or ✗ <200 +—\n/);

    const record = JSON.parse(exported) as { objectives: { passTargets: { alternative?: unknown }[] }[] };
    expect(record.objectives[0]!.passTargets.map((t) => t.alternative)).toEqual([0, 0, 1]);
    // Hand-edited, or written by a tool that writes null for absent fields: `alternative` only
    // groups the criteria in reports, so the record is imported and its targets listed with commas.
    record.objectives[0]!.passTargets[2]!.alternative = 'second';
    writeFileSync(path.join(dir, 'edited.jsonl'), `${JSON.stringify(record)}\n`);
    ok(await cli(['history', 'import', 'edited.jsonl'], 'file:other.jsonl'));
    const edited = ok(await cli(['history', 'show', id], 'file:other.jsonl'));
    expect(edited.stderr).not.toContain('skipped');
    expect(edited.stdout).toMatch(/\nPASS +rt +250 +<300, >=10, ✗ <200 +—\n/);
  });

  it('keeps a stored evaluation whose alternative is null in the baseline (dropping it would change the verdict)', async () => {
    writeFileSync(
      path.join(dir, 'slo.yaml'),
      'comparison: {compare_with: several_results, number_of_comparison_results: 3, include_result_with_score: all}\n' +
        'objectives:\n  - sli: rt\n    pass: [{criteria: ["<=+10%"]}]\ntotal_score: {pass: "90%"}\n',
    );
    const first = await evaluate({ rt: 400 });
    const second = await evaluate({ rt: 500 });
    const file = path.join(dir, 'history.jsonl');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const edited = lines.map((line) => {
      const record = JSON.parse(line) as { id: string; objectives: { passTargets: object[] }[] };
      if (record.id !== second.id) return line;
      record.objectives[0]!.passTargets = [
        { criteria: '<=+10%', targetValue: 440, violated: true, alternative: null },
      ];
      return JSON.stringify(record);
    });
    writeFileSync(file, `${edited.join('\n')}\n`);
    const gate = await evaluate({ rt: 480 }); // within 10% of the average 450, not of 400 alone
    expect(gate.comparedEvaluations).toEqual([second.id, first.id]);
    expect(gate.objectives[0]).toMatchObject({ comparedValue: 450, status: 'pass' });
  });

  it('refuses input with bad lines, naming file:line, and imports nothing', async () => {
    const good = readFileSync(STAGING, 'utf8');
    const event = (JSON.parse(good) as { events: object[] }).events[0]!;
    const lines = [
      JSON.stringify(event),
      JSON.stringify({ ...event, time: 'yesterday' }),
      '{"schemaVersion": 1, "id": "x"',
      JSON.stringify({
        schemaVersion: 1,
        id: 'e',
        kind: 'evaluation',
        project: 'p',
        stage: 's',
        service: 'c',
        result: 'passed',
        score: 1,
        objectives: [],
        comparedEvaluations: [],
      }),
    ];
    writeFileSync(path.join(dir, 'mixed.jsonl'), `${lines.join('\n')}\n`);
    const run = await cli(['history', 'import', 'mixed.jsonl']);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('error: mixed.jsonl: 3 problems; nothing was imported:');
    expect(run.stderr).toContain(
      'mixed.jsonl:2:1 time: sh.keptn.event.evaluation.finished: time is "yesterday"; it must be an ISO 8601 time',
    );
    expect(run.stderr).toMatch(/mixed\.jsonl:3:1: not a line of JSON/);
    expect(run.stderr).toContain(
      'mixed.jsonl:4:1: result is the string "passed"; it must be "pass", "warning" or "fail"',
    );
    expect(existsSync(path.join(dir, 'history.jsonl'))).toBe(false);

    const json = await cli(['history', 'import', 'mixed.jsonl', '--json']);
    expect(json.exitCode).toBe(2);
    const body = JSON.parse(json.stdout) as { kind: string; diagnostics: { line: number }[] };
    expect(body.kind).toBe('error');
    expect(body.diagnostics.map((d) => d.line)).toEqual([2, 3, 4]);
    const missing = await cli(['history', 'import', 'nope.json']);
    expect(missing.exitCode).toBe(2);
  });
});

describe('leaving Keptn: its evaluations keep being the baseline', () => {
  /** The next gate of sockshop/staging/carts: go_routines at 90, within +10% of its baseline. */
  function gateAfterKeptn(): ReturnType<typeof evaluate> {
    writeFileSync(
      path.join(dir, 'slo.yaml'),
      'objectives:\n  - sli: go_routines\n    pass: [{criteria: ["<=+10%"]}]\ntotal_score: {pass: "90%"}\n',
    );
    return evaluate({ go_routines: 90 }, [
      '--project',
      'sockshop',
      '--stage',
      'staging',
      '--service',
      'carts',
    ]);
  }

  it("imports the datastore's answers and compares the next gate with Keptn's newest evaluation", async () => {
    const staging = ok(await cli(['history', 'import', STAGING]));
    expect(staging.stdout).toContain('read 10 Keptn evaluations from');
    expect(staging.stdout).toContain(': 10 added, 0 already present');
    ok(await cli(['history', 'import', DEV]));
    expect(ok(await cli(['history', 'import', STAGING])).stdout).toContain(': 0 added, 10 already present');

    const list = ok(
      await cli(['history', 'list', '--project', 'sockshop', '--stage', 'staging', '--limit', '3']),
    );
    expect(list.stdout).toMatch(
      /\n1500b971-bfc3-4e20-8dc1-a624e0faf963\s+2022-02-09T09:30:07Z\s+evaluation\s+sockshop\/staging\/carts\s+fail\s+33\.33\s*\n/,
    );
    const shown = ok(await cli(['history', 'show', '1500b971-bfc3-4e20-8dc1-a624e0faf963']));
    expect(shown.stdout).toMatch(/PASS\s+go_routines\s+88\s+<=100\s+8\s+\+80 \(\+1000%\)/);
    // Keptn's events do not say which criteria list a target came from: a plain list, as before.
    expect(shown.stdout).toMatch(/FAIL\s+request_throughput\s+18\.42\s+✗ <=\+100% \(0\), >=-80% \(0\)\s/);

    // Keptn's go_routines was 88 in its newest staging evaluation: 90 is within +10%.
    const next = await gateAfterKeptn();
    expect(next.comparedEvaluations).toEqual(['1500b971-bfc3-4e20-8dc1-a624e0faf963']);
    expect(next.objectives[0]).toMatchObject({ comparedValue: 88, status: 'pass' });
  });

  it("applies Keptn's invalidation of an evaluation, by the triggered id the Bridge sends", async () => {
    ok(await cli(['history', 'import', STAGING]));
    const template = readFileSync(
      path.join(keptnEvents, 'evaluation-invalidated_keptn-test-template_v0.8_PLACEHOLDERS.json'),
      'utf8',
    );
    const filled = template
      .replace('$TRIGGERED_ID', '09f53f15-c89d-4a4a-82cc-138985696172')
      .replace('$KEPTN_CONTEXT', 'da740469-9920-4e0c-b304-0fd4b18d17c2')
      .replace('$PROJECT', 'sockshop')
      .replace('$STAGE', 'staging')
      .replace('$SERVICE', 'carts');
    // As the API returns it: with the id and time it filled in.
    const event = {
      ...(JSON.parse(filled) as object),
      id: '7d6e1c1a-0000-4000-8000-000000000001',
      time: '2022-02-10T08:00:00.000Z',
    };
    writeFileSync(path.join(dir, 'invalidated.json'), `${JSON.stringify({ events: [event] })}\n`);
    const run = ok(await cli(['history', 'import', 'invalidated.json']));
    expect(run.stdout).toContain('read 1 Keptn invalidation from invalidated.json');
    expect(ok(await cli(['history', 'list', '--limit', '1'])).stdout).toMatch(
      /^id.*\n1500b971-\S+\s.*\s+invalidated\n/,
    );

    const next = await gateAfterKeptn();
    expect(next.comparedEvaluations).toEqual(['52b4b2c7-fa49-41f3-9b5c-b9aea2370bb4']);
  });
});
