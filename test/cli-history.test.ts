// `ci-connect history list|show|invalidate|pin|unpin` as a user runs them: the real bin/run.js on
// a file: history that `evaluate` wrote, their exit codes and --json, and what a pin or an
// invalidation does to the next gate's baseline.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';

// response_time passes at most 10% above the baseline; no baseline passes it (Keptn).
const SLO = [
  'objectives:',
  '  - sli: response_time',
  '    pass: [{criteria: ["<=+10%"]}]',
  '  - sli: error_rate',
  '    pass: [{criteria: ["<=1"]}]',
  'total_score: {pass: "90%", warning: "75%"}',
  '',
].join('\n');

let dir = '';
let valueFile = 0;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-cli-history-'));
  writeFileSync(path.join(dir, 'slo.yaml'), SLO);
});

function cli(args: readonly string[]): Promise<CliRun> {
  return runCli([...args, '--history', 'file:history.jsonl'], { cwd: dir });
}

function json<T = Record<string, unknown>>(run: CliRun): T {
  expect(run.exitCode, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
}

interface Evaluation {
  id: string;
  result: string;
  comparedEvaluations: string[];
  objectives: { sli: string; comparedValue: number | null }[];
}

/** `evaluate --values` of shop/hardening/carts with this response time; the recorded evaluation. */
async function evaluate(responseTime: number, version: string, service = 'carts'): Promise<Evaluation> {
  const file = `values-${++valueFile}.json`;
  writeFileSync(path.join(dir, file), JSON.stringify({ response_time: responseTime, error_rate: 0 }));
  const run = await cli([
    ...['evaluate', '--slo', 'slo.yaml', '--values', file, '--version', version, '--json'],
    ...['--project', 'shop', '--stage', 'hardening', '--service', service],
  ]);
  expect([0, 1]).toContain(run.exitCode);
  return JSON.parse(run.stdout) as Evaluation;
}

describe('history list and show', () => {
  it('lists newest first with filters, as a table and as one JSON object', async () => {
    const first = await evaluate(100, '1.0.0');
    const second = await evaluate(200, '1.1.0'); // 200 > 110: fails against the first
    const orders = await evaluate(50, '2.0.0', 'orders');
    expect(second.result).toBe('fail');

    const table = await cli(['history', 'list']);
    expect(table.exitCode, table.stderr).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^id\s+time\s+kind\s+project\/stage\/service\s+version\s+result\s+score\s+marks$/,
    );
    expect(lines[1]).toContain(orders.id);
    expect(lines[2]).toMatch(
      new RegExp(`^${second.id}\\s+\\S+Z\\s+evaluation\\s+shop/hardening/carts\\s+1\\.1\\.0\\s+fail\\s+50$`),
    );
    expect(lines[3]).toContain(first.id);
    expect(lines[4]).toBe(`3 records in ${path.join(dir, 'history.jsonl')}, newest first`);

    const listed = json<{ schemaVersion: number; kind: string; records: { id: string }[] }>(
      await cli([
        'history',
        'list',
        '--service',
        'carts',
        '--result',
        'pass,warning',
        '--since',
        '1h',
        '--json',
      ]),
    );
    expect(listed).toMatchObject({ schemaVersion: 1, kind: 'history-list' });
    expect(listed.records.map((r) => r.id)).toEqual([first.id]);
    const failed = json<{ records: { id: string }[] }>(
      await cli(['history', 'list', '--result', 'fail', '--result', 'pass', '--limit', '2', '--json']),
    );
    expect(failed.records.map((r) => r.id)).toEqual([orders.id, second.id]);
    const nothing = await cli(['history', 'list', '--since', '2999-01-01T00:00:00Z']);
    expect(nothing.stdout).toBe(`no records match in ${path.join(dir, 'history.jsonl')}\n`);
  });

  it('shows one evaluation as evaluate prints it, or the record with --json; an unknown id exits 2', async () => {
    await evaluate(100, '1.0.0');
    const second = await evaluate(200, '1.1.0');
    const shown = await cli(['history', 'show', second.id]);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`evaluation ${second.id}`);
    expect(shown.stdout).toContain('Quality gate shop / hardening / carts 1.1.0');
    expect(shown.stdout).toMatch(/FAIL\s+response_time\s+200\s+✗ <=\+10% \(110\)\s+100\s+\+100 \(\+100%\)/);
    expect(shown.stdout).toContain(`compared with ${second.comparedEvaluations[0]}`);
    expect(json(await cli(['history', 'show', second.id, '--json']))).toEqual({ ...second });

    const unknown = await cli(['history', 'show', 'no-such-id', '--json']);
    expect(unknown.exitCode).toBe(2);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ kind: 'error', exitCode: 2, code: 'USAGE' });
    expect(unknown.stderr).toContain('no record with id no-such-id in the history');
    const control = await cli(['history', 'show', 'a\nb']);
    expect(control.exitCode).toBe(2);
    expect(control.stderr).toContain('contains a control character');
  });

  it('shows and reports an evaluation whose objectives have no target lists, missing or null (a hand edit, another tool)', async () => {
    await evaluate(100, '1.0.0');
    const second = await evaluate(105, '1.1.0');
    const file = path.join(dir, 'history.jsonl');
    const edited = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => {
        const record = JSON.parse(line) as { id: string; objectives: Record<string, unknown>[] };
        if (record.id !== second.id) return line;
        for (const objective of record.objectives) {
          objective.passTargets = null; // as a Go tool writes an empty slice (Keptn's events did)
          delete objective.warningTargets;
        }
        return JSON.stringify(record);
      });
    writeFileSync(file, `${edited.join('\n')}\n`);
    const shown = await cli(['history', 'show', second.id]);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/PASS\s+response_time\s+105\s+100\s+\+5 \(\+5%\)/);
    const report = await cli([
      ...['report', '--project', 'shop', '--stage', 'hardening', '--service', 'carts', '--out', 'site'],
    ]);
    expect(report.exitCode, report.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'site/index.html'), 'utf8')).toContain('response_time');
    // The record still counts as a baseline.
    expect((await evaluate(110, '1.2.0')).comparedEvaluations).toEqual([second.id]);
  });
});

describe('history pin, unpin and invalidate change the next baseline', () => {
  it('compares the next evaluate --values with the pinned evaluation alone, until unpinned', async () => {
    const reference = await evaluate(100, '1.0.0');
    const slower = await evaluate(150, '1.1.0');
    const pin = json(await cli(['history', 'pin', reference.id, '--reason', 'the tuned release', '--json']));
    expect(pin).toMatchObject({
      kind: 'history-pin',
      changed: true,
      reason: 'the tuned release',
      record: { id: reference.id, pinned: true },
    });
    const listed = await cli(['history', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`${reference.id}.*\\s+pinned\\n`));

    const next = await evaluate(105, '1.2.0');
    expect(next.comparedEvaluations).toEqual([reference.id]);
    expect(next.objectives[0]?.comparedValue).toBe(100);

    // No flags: the service is the config directory's only one, project and stage ci-connect.yaml's.
    mkdirSync(path.join(dir, '.ci-connect', 'base', 'carts'), { recursive: true });
    writeFileSync(
      path.join(dir, '.ci-connect', 'ci-connect.yaml'),
      'project: shop\ndefaults:\n  stage: hardening\n',
    );
    const unpin = await cli(['history', 'unpin']);
    expect(unpin.exitCode, unpin.stderr).toBe(0);
    expect(unpin.stdout).toContain(`unpinned evaluation ${reference.id}`);
    const after = await evaluate(105, '1.3.0');
    expect(after.comparedEvaluations).toEqual([next.id]);
    expect(slower.id).not.toBe(next.id);
  });

  it('leaves an invalidated evaluation out of the next baseline, and says so in the list', async () => {
    const good = await evaluate(100, '1.0.0');
    const broken = await evaluate(400, '1.1.0');
    const invalidated = await cli([
      'history',
      'invalidate',
      broken.id,
      '--reason',
      'load generator was down',
    ]);
    expect(invalidated.exitCode, invalidated.stderr).toBe(0);
    expect(invalidated.stdout).toContain(
      `invalidated evaluation ${broken.id} (shop/hardening/carts 1.1.0, fail 50): load generator was down`,
    );
    const next = await evaluate(105, '1.2.0');
    expect(next.comparedEvaluations).toEqual([good.id]);
    expect((await cli(['history', 'list'])).stdout).toMatch(
      new RegExp(`${broken.id}.*fail\\s+50\\s+invalidated\\n`),
    );

    const again = json(await cli(['history', 'invalidate', broken.id, '--json']));
    expect(again).toMatchObject({ kind: 'history-invalidate', changed: false });
    const pinInvalid = await cli(['history', 'pin', broken.id]);
    expect(pinInvalid.exitCode).toBe(2);
    expect(pinInvalid.stderr).toContain('was invalidated');
    const unknown = await cli(['history', 'invalidate', 'nope']);
    expect(unknown.exitCode).toBe(2);
  });

  it('warns when an invalidation has no reason', async () => {
    const evaluation = await evaluate(100, '1.0.0');
    const run = await cli(['history', 'invalidate', evaluation.id]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('give --reason');
  });
});
