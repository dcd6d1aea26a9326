// `ci-connect evaluate` as a user runs it: the real bin/run.js, its exit codes (DESIGN.md
// section 4), its --json contract, its reports and its history.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { repoRoot } from './support/real-components.js';

const demoConfig = path.join(repoRoot, 'fixtures/demo/.ci-connect');
const demoJtl = path.join(repoRoot, 'fixtures/demo/results/performance.jtl');

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'ci-connect-cli-'));
}

/** A gate on two static SLIs: response time (pass <500, warning <=800) and errors (pass <=1). */
function flagsOnlyGate(values: Record<string, number | null>): { dir: string; args: string[] } {
  const dir = tempDir();
  writeFileSync(
    path.join(dir, 'slo.yaml'),
    [
      'spec_version: "1.0"',
      'objectives:',
      '  - sli: response_time_p95',
      '    pass: [{criteria: ["<500"]}]',
      '    warning: [{criteria: ["<=800"]}]',
      '  - sli: error_rate',
      '    pass: [{criteria: ["<=1"]}]',
      'total_score: {pass: "90%", warning: "50%"}',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'values.json'), JSON.stringify(values));
  return {
    dir,
    args: ['evaluate', '--slo', 'slo.yaml', '--values', 'values.json', '--history', 'file:history.jsonl'],
  };
}

describe('evaluate --jtl with JMeter XML results', () => {
  it('gives the XML results of a real JMeter run the same objectives as the CSV of that run', async () => {
    const { dir } = flagsOnlyGate({});
    const made = path.join(repoRoot, 'fixtures/jmeter/made');
    const evaluate = async (jtl: string) => {
      const run = await runCli(
        [
          'evaluate',
          '--slo',
          'slo.yaml',
          '--jtl',
          path.join(made, jtl),
          '--history',
          `file:${jtl}.jsonl`, // each its own: the second must not compare with the first
          '--json',
        ],
        { cwd: dir },
      );
      expect(run.stderr).toBe('');
      return {
        exitCode: run.exitCode,
        evaluation: JSON.parse(run.stdout) as { result: string; objectives: unknown[] },
      };
    };
    const xml = await evaluate('jmeter-2.13-xml.jtl');
    const csv = await evaluate('jmeter-2.13-xml-twin.csv');
    // 20 of 30 samples failed (JMeter's own summary): error_rate fails, p95 passes: a warning.
    expect([xml.exitCode, xml.evaluation.result, csv.evaluation.result]).toEqual([0, 'warning', 'warning']);
    expect(xml.evaluation.objectives).toEqual(csv.evaluation.objectives);
    expect(xml.evaluation.objectives).toContainEqual(
      expect.objectContaining({ sli: 'error_rate', value: expect.closeTo(66.6667, 3) as number }),
    );
  });
});

describe('evaluate on the demo project', () => {
  it('passes the recorded JMeter results, prints the table and records the evaluation', async () => {
    const dir = tempDir();
    const history = path.join(dir, 'history.jsonl');
    const run = await runCli([
      'evaluate',
      '--config-dir',
      demoConfig,
      '--jtl',
      demoJtl,
      '--history',
      `file:${history}`,
      '--version',
      '1.4.2',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Quality gate sockshop / hardening / carts 1.4.2');
    expect(run.stdout).toMatch(/Score 100%\s+Result PASS/);
    expect(run.stdout).toContain('Response time P95 (response_time_p95)');
    // Not a terminal: no colour codes.
    expect(run.stdout).not.toContain('\u001b[');
    const records = readFileSync(history, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      kind: 'evaluation',
      project: 'sockshop',
      stage: 'hardening',
      service: 'carts',
      version: '1.4.2',
      result: 'pass',
    });
  });

  it('prints exactly the contract object with --json, and compares with the previous run', async () => {
    const dir = tempDir();
    const args = [
      'evaluate',
      '--config-dir',
      demoConfig,
      '--jtl',
      demoJtl,
      '--history',
      `file:${path.join(dir, 'h.jsonl')}`,
      '--json',
      '--label',
      'buildId=812',
    ];
    const first = await runCli(args);
    const second = await runCli(args);
    expect(second.exitCode, second.stderr).toBe(0);
    const a = JSON.parse(first.stdout) as Record<string, unknown>;
    const b = JSON.parse(second.stdout) as Record<string, unknown> & {
      objectives: Record<string, unknown>[];
    };
    expect(Object.keys(b).sort()).toEqual(
      [
        'schemaVersion',
        'id',
        'kind',
        'project',
        'stage',
        'service',
        'version',
        'labels',
        'start',
        'end',
        'evaluatedAt',
        'result',
        'score',
        'objectives',
        'comparedEvaluations',
        'message',
        'invalidated',
      ].sort(),
    );
    expect(b).toMatchObject({
      schemaVersion: 1,
      kind: 'evaluation',
      labels: { buildId: '812' },
      invalidated: false,
      comparedEvaluations: [a.id],
    });
    // The window is the JMeter test's own span: the recorded file starts 2026-11-22.
    expect(b.start).toMatch(/^2026-11-22T/);
    const p95 = b.objectives.find((o) => o.sli === 'response_time_p95')!;
    expect(Object.keys(p95).sort()).toEqual(
      [
        'sli',
        'displayName',
        'provider',
        'value',
        'status',
        'score',
        'weight',
        'keySli',
        'comparedValue',
        'message',
        'passTargets',
        'warningTargets',
      ].sort(),
    );
    expect(p95).toMatchObject({ provider: 'jmeter', status: 'pass', comparedValue: p95.value });
  });

  it('writes evaluation.json, summary.md and junit.xml with --report-dir', async () => {
    const dir = tempDir();
    const reports = path.join(dir, 'reports');
    const run = await runCli([
      'evaluate',
      '--config-dir',
      demoConfig,
      '--jtl',
      demoJtl,
      '--history',
      `file:${path.join(dir, 'h.jsonl')}`,
      '--report-dir',
      reports,
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(reports, 'evaluation.json'), 'utf8'))).toMatchObject({
      result: 'pass',
    });
    expect(readFileSync(path.join(reports, 'summary.md'), 'utf8')).toContain(
      'Quality gate pass: carts in hardening',
    );
    expect(readFileSync(path.join(reports, 'junit.xml'), 'utf8').match(/<testcase /g)).toHaveLength(8);
  });

  it('refuses a stage the shipyard does not have, naming the nearest (exit 2, before any query)', async () => {
    const dir = tempDir();
    const run = await runCli([
      'evaluate',
      '--config-dir',
      demoConfig,
      '--stage',
      'hardenin',
      '--jtl',
      demoJtl,
      '--history',
      `file:${path.join(dir, 'h.jsonl')}`,
    ]);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain('there is no stage "hardenin" in');
    expect(run.stderr).toContain('did you mean "hardening"? the stages are: hardening, production');
    expect(run.stderr).toContain('(--stage, CI_CONNECT_STAGE)');
    expect(existsSync(path.join(dir, 'h.jsonl'))).toBe(false);
  });

  it('uses the stage overlay: production has stricter thresholds', async () => {
    const dir = tempDir();
    const run = await runCli([
      'evaluate',
      '--config-dir',
      demoConfig,
      '--stage',
      'production',
      '--jtl',
      demoJtl,
      '--history',
      `file:${path.join(dir, 'h.jsonl')}`,
      '--json',
    ]);
    const evaluation = JSON.parse(run.stdout) as {
      stage: string;
      objectives: { sli: string; passTargets: { criteria: string }[] }[];
    };
    expect(evaluation.stage).toBe('production');
    const base = readFileSync(path.join(demoConfig, 'base/carts/slo.yaml'), 'utf8');
    const overlay = readFileSync(path.join(demoConfig, 'stages/production/carts/slo.yaml'), 'utf8');
    expect(overlay).not.toBe(base);
    const criteria = evaluation.objectives.flatMap((o) => o.passTargets.map((t) => t.criteria));
    expect(criteria.length).toBeGreaterThan(0);
    expect(criteria.every((c) => overlay.includes(`"${c}"`))).toBe(true);
    expect(criteria.some((c) => !base.includes(`"${c}"`))).toBe(true);
  });
});

describe('OR-ed pass alternatives and AND-ed criteria', () => {
  it('look different in the table, summary.md, junit.xml and the HTML report; --json says which list each target came from', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'slo.yaml'),
      [
        'spec_version: "1.0"',
        'comparison: {compare_with: single_result, include_result_with_score: all, aggregate_function: avg}',
        'objectives:',
        '  - sli: response_time_p95',
        '    pass:',
        '      - criteria: ["<=+10%", "<600"]',
        '      - criteria: ["<550"]',
        '    warning:',
        '      - criteria: ["<=800", "<=+50%"]',
        'total_score: {pass: "90%", warning: "50%"}',
        '',
      ].join('\n'),
    );
    const evaluate = async (value: number, extra: string[]) => {
      writeFileSync(path.join(dir, 'values.json'), JSON.stringify({ response_time_p95: value }));
      const args = ['evaluate', '--slo', 'slo.yaml', '--values', 'values.json', '--history', 'file:h.jsonl'];
      return runCli([...args, ...extra], { cwd: dir });
    };
    expect((await evaluate(500, ['--json'])).exitCode).toBe(0); // the baseline: 500
    const run = await evaluate(620, ['--report-dir', 'reports']);
    expect(run.exitCode, run.stderr).toBe(0);
    const pass = '(✗ <=+10% (550) and ✗ <600) or ✗ <550';
    const warning = '<=800 and <=+50% (750)';
    const row = run.stdout.split('\n').find((line) => line.startsWith('WARNING'));
    expect(row).toMatch(/^WARNING +response_time_p95 +620 +(.*)$/);
    expect(row).toContain(`${pass}  ${warning}`);
    expect(readFileSync(path.join(dir, 'reports/summary.md'), 'utf8')).toContain(`| ${pass} | ${warning} |`);
    const xml = (text: string) => text.replaceAll('<', '&lt;');
    expect(readFileSync(path.join(dir, 'reports/junit.xml'), 'utf8')).toContain(
      `pass: ${xml(pass)}; warning: ${xml(warning)}`,
    );
    expect(readFileSync(path.join(dir, 'reports/index.html'), 'utf8')).toContain(
      `pass ${xml(pass.replaceAll('✗ ', ''))} · warning ${xml(warning)}`, // violations are in the cells
    );
    const recorded = JSON.parse(readFileSync(path.join(dir, 'reports/evaluation.json'), 'utf8')) as {
      objectives: { passTargets: unknown[]; warningTargets: unknown[] }[];
    };
    expect(recorded.objectives[0]!.passTargets).toEqual([
      { criteria: '<=+10%', targetValue: 550, violated: true, alternative: 0 },
      { criteria: '<600', targetValue: 600, violated: true, alternative: 0 },
      { criteria: '<550', targetValue: 550, violated: true, alternative: 1 },
    ]);
    expect(recorded.objectives[0]!.warningTargets).toEqual([
      { criteria: '<=800', targetValue: 800, violated: false, alternative: 0 },
      { criteria: '<=+50%', targetValue: 750, violated: false, alternative: 0 },
    ]);
  });
});

describe('exit codes', () => {
  it.each([
    [{ response_time_p95: 300, error_rate: 0.5 }, [], 0, 'pass'],
    [{ response_time_p95: 900, error_rate: 5 }, [], 1, 'fail'],
    [{ response_time_p95: 600, error_rate: 0.5 }, [], 0, 'warning'],
    [{ response_time_p95: 600, error_rate: 0.5 }, ['--on-warning', 'warn'], 4, 'warning'],
    [{ response_time_p95: 600, error_rate: 0.5 }, ['--on-warning', 'fail'], 1, 'warning'],
    [{ response_time_p95: 600, error_rate: null }, [], 1, 'fail'],
  ])('%j %j exits %d (%s)', async (values, extra, exitCode, result) => {
    const gate = flagsOnlyGate(values);
    const run = await runCli([...gate.args, '--json', ...extra], { cwd: gate.dir });
    expect(run.exitCode, run.stderr).toBe(exitCode);
    expect((JSON.parse(run.stdout) as { result: string }).result).toBe(result);
  });

  it('reads --on-warning from CI_CONNECT_ON_WARNING', async () => {
    const gate = flagsOnlyGate({ response_time_p95: 600, error_rate: 0.5 });
    const run = await runCli(gate.args, { cwd: gate.dir, env: { CI_CONNECT_ON_WARNING: 'warn' } });
    expect(run.exitCode).toBe(4);
  });

  it('takes the SLO, values and history from CI_CONNECT_* env vars', async () => {
    const gate = flagsOnlyGate({ response_time_p95: 900, error_rate: 5 });
    const env = {
      CI_CONNECT_SLO: 'slo.yaml',
      CI_CONNECT_VALUES: 'values.json',
      CI_CONNECT_HISTORY: 'file:env-history.jsonl',
    };
    const run = await runCli(['evaluate', '--json'], { cwd: gate.dir, env });
    expect(run.exitCode, run.stderr).toBe(1);
    expect(existsSync(path.join(gate.dir, 'env-history.jsonl'))).toBe(true);
  });

  it('exits 2 for a broken SLO, naming file:line:col, with a JSON error object on stdout', async () => {
    const gate = flagsOnlyGate({ response_time_p95: 300, error_rate: 0.5 });
    writeFileSync(
      path.join(gate.dir, 'slo.yaml'),
      'objectives:\n  - sli: rt\n    pass:\n      - criteria: ["less than 10%"]\ntotal_score: {pass: "90%"}\n',
    );
    const run = await runCli([...gate.args, '--json'], { cwd: gate.dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      'slo.yaml:4:20 objectives[0].pass[0].criteria[0]: "less than 10%" is not a criterion',
    );
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'error', exitCode: 2, code: 'CONFIG' });
    expect(existsSync(path.join(gate.dir, 'history.jsonl'))).toBe(false);
  });

  it('exits 2 for bad flags and a missing config directory', async () => {
    const dir = tempDir();
    const unknown = await runCli(['evaluate', '--no-such-flag'], { cwd: dir });
    expect(unknown.exitCode).toBe(2);
    const missing = await runCli(['evaluate'], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('no config directory .ci-connect');
    expect(missing.stderr).toContain('--config-dir');
    const gate = flagsOnlyGate({ response_time_p95: 300, error_rate: 0.5 });
    const window = await runCli([...gate.args, '--timeframe', '30s', '--json'], { cwd: gate.dir });
    expect(window.exitCode).toBe(2);
    expect(window.stderr).toContain('shorter than one minute');
    expect(JSON.parse(window.stdout)).toMatchObject({ kind: 'error', code: 'USAGE' });
    const bogus = await runCli([...gate.args, '--bogus', '--json'], { cwd: gate.dir });
    expect(JSON.parse(bogus.stdout)).toMatchObject({ kind: 'error', exitCode: 2, code: 'USAGE' });
    const twice = await runCli([...gate.args, '--label', 'a=1', '--label', 'a=2'], { cwd: gate.dir });
    expect(twice.exitCode).toBe(2);
    expect(twice.stderr).toContain('--label gives "a" twice');
    expect(existsSync(path.join(gate.dir, 'history.jsonl'))).toBe(false);
  });

  it('exits 2 when the SLO needs JMeter indicators and no --jtl was given', async () => {
    const dir = tempDir();
    const run = await runCli([
      'evaluate',
      '--config-dir',
      demoConfig,
      '--history',
      `file:${path.join(dir, 'h.jsonl')}`,
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--jtl');
    expect(run.stderr).toContain('from Dynatrace when DT_URL is set');
  });
});

describe('sources and reports', () => {
  it('lets --values override an indicator of the JMeter results', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'values.json'), '{"response_time_p95": 999}');
    const run = await runCli([
      'evaluate',
      '--config-dir',
      demoConfig,
      '--jtl',
      demoJtl,
      '--values',
      path.join(dir, 'values.json'),
      '--history',
      `file:${path.join(dir, 'h.jsonl')}`,
      '--json',
    ]);
    const evaluation = JSON.parse(run.stdout) as {
      objectives: { sli: string; provider: string; value: number; status: string }[];
    };
    expect(evaluation.objectives.find((o) => o.sli === 'response_time_p95')).toMatchObject({
      provider: 'static',
      value: 999,
      status: 'fail',
    });
    expect(evaluation.objectives.find((o) => o.sli === 'error_rate')).toMatchObject({ provider: 'jmeter' });
  });

  it('exits 2 for a value beyond the range of a number in --values, naming the file and key', async () => {
    const { dir, args } = flagsOnlyGate({});
    writeFileSync(path.join(dir, 'values.json'), '{"response_time_p95": 1e309, "error_rate": 0}');
    const run = await runCli(args, { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      'values file values.json: "response_time_p95" is out of range (not a finite number)',
    );
    expect(run.stderr).not.toContain('is null');
  });

  it('exits 2 when --start is after --end, showing both and how to fix it', async () => {
    const { dir, args } = flagsOnlyGate({ response_time_p95: 300, error_rate: 0 });
    const window = ['--start', '2026-11-22T10:00:00Z', '--end', '2026-11-22T09:00:00Z'];
    const run = await runCli([...args, ...window], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain('--start 2026-11-22T10:00:00.000Z is after --end 2026-11-22T09:00:00.000Z');
    expect(run.stderr).toContain('hint: swap');
    expect(run.stderr).not.toContain('shorter than one minute');
  });

  it('refuses a --report-dir that is a file before evaluating, recording nothing', async () => {
    const gate = flagsOnlyGate({ response_time_p95: 300, error_rate: 0.5 });
    const run = await runCli([...gate.args, '--report-dir', 'slo.yaml'], { cwd: gate.dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--report-dir slo.yaml is a file, not a directory');
    expect(existsSync(path.join(gate.dir, 'history.jsonl'))).toBe(false);
  });
});

describe('robustness', () => {
  it('loses no record when 20 evaluations write one history at once', async () => {
    const gate = flagsOnlyGate({ response_time_p95: 300, error_rate: 0.5 });
    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        runCli([...gate.args, '--json', '--label', `run=${i}`], { cwd: gate.dir }),
      ),
    );
    expect(runs.map((r) => r.exitCode)).toEqual(Array(20).fill(0));
    const printed = runs.map((r) => (JSON.parse(r.stdout) as { id: string }).id).sort();
    const lines = readFileSync(path.join(gate.dir, 'history.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    expect(lines).toHaveLength(20);
    expect(lines.map((l) => (JSON.parse(l) as { id: string }).id).sort()).toEqual(printed);
  });

  it('exits 70 and asks for a bug report when something unexpected breaks', async () => {
    const gate = flagsOnlyGate({ response_time_p95: 300, error_rate: 0.5 });
    // A preloaded module makes randomUUID throw: an error ci-connect did not anticipate.
    const preload = `data:text/javascript,${encodeURIComponent(
      "import crypto from 'node:crypto'; import { syncBuiltinESMExports } from 'node:module'; crypto.randomUUID = () => { throw new TypeError('simulated bug'); }; syncBuiltinESMExports();",
    )}`;
    const run = await runCli(gate.args, { cwd: gate.dir, env: { NODE_OPTIONS: `--import=${preload}` } });
    expect(run.exitCode).toBe(70);
    expect(run.stderr).toContain('internal error: simulated bug');
    expect(run.stderr).toContain('please report it');
  });
});
