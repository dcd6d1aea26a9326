// `ci-connect report` as a pipeline runs it: the real CLI on a history file, its files, its
// --json and its exit codes (0 written, 2 nothing recorded or a bad flag, 3 store unreachable);
// and the HTML report that `evaluate` and `trigger-deployment` write with --report-dir.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { repoRoot } from './support/real-components.js';
import { syntheticEvaluations } from './support/synthetic-history.js';

const demoConfig = path.join(repoRoot, 'fixtures/demo/.ci-connect');

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'ci-connect-report-'));
}

/** A history file of 12 evaluations of sockshop/hardening/carts, one line each. */
function historyFile(dir: string): string {
  const file = path.join(dir, 'history.jsonl');
  const records = syntheticEvaluations({ count: 12, objectives: 4 }) as { id: string }[];
  writeFileSync(file, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return file;
}

const columns = (page: string) => page.match(/<th scope="col" class="ev/g)?.length ?? 0;

describe('report', () => {
  it('writes index.html and report.css for the newest --last evaluations (exit 0)', async () => {
    const dir = tempDir();
    const history = historyFile(dir);
    const run = await runCli(
      ['report', '--config-dir', demoConfig, '--history', `file:${history}`, '--last', '10', '--out', 'site'],
      { cwd: dir },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('HTML report of 10 evaluations of carts in hardening (project sockshop)');
    expect(run.stdout).toContain(path.join(dir, 'site/index.html'));
    const page = readFileSync(path.join(dir, 'site/index.html'), 'utf8');
    expect(columns(page)).toBe(10);
    // The thresholds come from the demo's slo.yaml (total_score 90% / 75%).
    expect(page).toContain('pass ≥ 90</text>');
    expect(readFileSync(path.join(dir, 'site/report.css'), 'utf8')).toContain('.grid .p');
  });

  it('prints one JSON object with --json', async () => {
    const dir = tempDir();
    const history = historyFile(dir);
    const run = await runCli(
      ['report', '--history', `file:${history}`, '--project', 'sockshop', '--stage', 'hardening', '--json'],
      { cwd: dir, env: { CI_CONNECT_SERVICE: 'carts', CI_CONNECT_REPORT_OUT: 'out' } },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      schemaVersion: 1,
      kind: 'report',
      project: 'sockshop',
      stage: 'hardening',
      service: 'carts',
      history,
      evaluations: 12,
      invalidated: 0,
      newest: { id: '00000000-0000-4000-8000-000000000011' },
      files: [path.join(dir, 'out/index.html'), path.join(dir, 'out/report.css')],
    });
  });

  it('says how to fix it when nothing is recorded for that project, stage and service (exit 2)', async () => {
    const dir = tempDir();
    const history = historyFile(dir);
    const run = await runCli(
      ['report', '--config-dir', demoConfig, '--history', `file:${history}`, '--stage', 'production'],
      { cwd: dir },
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      `error: no evaluation of service "carts" in stage "production" of project "sockshop" is recorded in ${history}`,
    );
    expect(run.stderr).toMatch(/hint: check --project, --stage and --service/);
    expect(existsSync(path.join(dir, 'ci-connect-report/index.html'))).toBe(false);
  });

  it('refuses --last 0 (exit 2)', async () => {
    const run = await runCli(['report', '--service', 'carts', '--last', '0'], { cwd: tempDir() });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/--last/);
  });

  // /proc/self/mem is a regular file whose first page cannot be read: an I/O error, as a failing
  // disk or network file system gives, which retrying may fix.
  it.skipIf(process.platform !== 'linux')('exits 3 when the history store cannot be read', async () => {
    const run = await runCli(['report', '--service', 'carts', '--history', 'file:/proc/self/mem'], {
      cwd: tempDir(),
    });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toContain('cannot read the history file /proc/self/mem');
  });
});

describe('--report-dir writes the HTML report too, with the run highlighted', () => {
  it('evaluate', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'slo.yaml'),
      'objectives:\n  - sli: error_rate\n    pass: [{criteria: ["<=1"]}]\ntotal_score: {pass: "90%", warning: "50%"}\n',
    );
    writeFileSync(path.join(dir, 'values.json'), '{"error_rate": 0.5}');
    const gate = ['evaluate', '--slo', 'slo.yaml', '--values', 'values.json', '--history', 'file:h.jsonl'];
    expect((await runCli(gate, { cwd: dir })).exitCode).toBe(0);
    const run = await runCli([...gate, '--report-dir', 'reports', '--json'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    const { id } = JSON.parse(run.stdout) as { id: string };
    const page = readFileSync(path.join(dir, 'reports/index.html'), 'utf8');
    expect(columns(page)).toBe(2);
    expect(page.match(/<th scope="col" class="ev c">/g)).toHaveLength(1);
    expect(page).toContain(`<code>${id}</code>`);
    expect(page).toContain('pass ≥ 90</text>');
    expect(run.stderr).toContain('reports/index.html, reports/report.css');
  });

  it('trigger-deployment', async () => {
    const dir = tempDir();
    const config = path.join(dir, '.ci-connect');
    mkdirSync(path.join(config, 'base/carts'), { recursive: true });
    writeFileSync(
      path.join(config, 'shipyard.yaml'),
      [
        'apiVersion: "spec.keptn.sh/0.2.2"',
        'kind: "Shipyard"',
        'metadata: {name: "shop"}',
        'spec:',
        '  stages:',
        '    - name: "hardening"',
        '      sequences:',
        '        - name: "delivery"',
        '          tasks:',
        '            - name: "evaluation"',
        '',
      ].join('\n'),
    );
    // Informational only: the gate needs no monitoring system to pass.
    writeFileSync(
      path.join(config, 'base/carts/slo.yaml'),
      'objectives:\n  - sli: cache_hit_ratio\ntotal_score: {pass: "90%"}\n',
    );
    const run = await runCli(
      ['trigger-deployment', '--service', 'carts', '--version', '1.0.0', '--report-dir', 'reports'],
      { cwd: dir },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    for (const file of ['evaluation.json', 'summary.md', 'junit.xml', 'index.html', 'report.css'])
      expect(existsSync(path.join(dir, 'reports', file)), file).toBe(true);
    const page = readFileSync(path.join(dir, 'reports/index.html'), 'utf8');
    expect(page.match(/<th scope="col" class="ev c">/g)).toHaveLength(1);
    expect(page).toContain('This run: version <code>1.0.0</code>');
  });
});
