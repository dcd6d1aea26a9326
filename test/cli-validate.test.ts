// `ci-connect validate` as a user runs it: every problem of a config directory at once.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from './support/cli.js';
import { repoRoot } from './support/real-components.js';

describe('validate', () => {
  it('accepts the demo project (exit 0)', async () => {
    const run = await runCli(['validate', '--config-dir', path.join(repoRoot, 'fixtures/demo/.ci-connect')]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\d+ files checked: 0 errors/);
  });

  it('reports the problems of several files at once, as file:line:col (exit 2)', async () => {
    const run = await runCli(['validate', '--config-dir', 'fixtures/config/projects/broken/.ci-connect']);
    expect(run.exitCode).toBe(2);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('error '));
    const files = new Set(errors.map((l) => /^error (.+?):\d+:\d+[: ]/.exec(l)?.[1]));
    expect(files.size).toBeGreaterThan(1);
    expect(errors.every((l) => /^error .+?:\d+:\d+[: ]/.test(l))).toBe(true);
  });

  it('prints the report as JSON with --json', async () => {
    const run = await runCli([
      'validate',
      '--config-dir',
      'fixtures/config/projects/broken/.ci-connect',
      '--json',
    ]);
    const report = JSON.parse(run.stdout) as {
      diagnostics: { severity: string; file: string; line?: number }[];
      files: string[];
    };
    expect(report.files.length).toBeGreaterThan(1);
    expect(report.diagnostics.some((d) => d.severity === 'error' && typeof d.line === 'number')).toBe(true);
  });

  it('says "indentation" for a misindented line and shows it with a caret (exit 2), as evaluate does', async () => {
    const dir = demoProject();
    const slo = path.join(dir, '.ci-connect/base/carts/slo.yaml');
    writeFileSync(slo, 'spec_version: "1.0"\ntotal_score:\n  pass: "90%"\n warning: "75%"\nobjectives: []\n');
    const run = await runCli(['validate'], { cwd: dir });
    expect(run.exitCode, run.stdout + run.stderr).toBe(2);
    const excerpt = ['   4 |  warning: "75%"', '     |  ^'].join('\n');
    expect(run.stdout).toContain(
      'error .ci-connect/base/carts/slo.yaml:4:2: YAML indentation error: all mapping items must start at the same column',
    );
    expect(run.stdout).toContain(`${excerpt}\n`);
    writeFileSync(path.join(dir, 'values.json'), '{}');
    const gate = await runCli(['evaluate', '--values', 'values.json'], { cwd: dir });
    expect(gate.exitCode).toBe(2);
    expect(gate.stderr).toContain(excerpt);
  });

  it('exits 2 when the config directory does not exist', async () => {
    const run = await runCli(['validate', '--config-dir', 'no/such/dir']);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain('error no/such/dir: config directory not found');
  });
});

/** A copy of the demo project in a temporary directory, removed after the test. */
function demoProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-validate-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(path.join(repoRoot, 'fixtures/demo/.ci-connect'), path.join(dir, '.ci-connect'), {
    recursive: true,
  });
  return dir;
}

describe('validate and the history URL', () => {
  it('refuses --history of a kind ci-connect has no store for, and a malformed postgres URL, with exit 2', async () => {
    const dir = demoProject();
    const unknown = await runCli(['validate', '--history', 's3://bucket/history.jsonl'], { cwd: dir });
    expect(unknown.exitCode, unknown.stderr).toBe(2);
    expect(unknown.stdout).toContain(
      'error --history: history stores of the kind "s3:" are not supported; supported: file:, git:, postgres:, postgresql:',
    );
    const fromEnv = await runCli(['validate', '--json'], {
      cwd: dir,
      env: { CI_CONNECT_HISTORY: 'postgres://ci@db.example.com/history?sslmode=verify' },
    });
    expect(fromEnv.exitCode).toBe(2);
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({
      diagnostics: [
        expect.objectContaining({
          file: '--history',
          message: expect.stringContaining('which is no sslmode'),
        }),
      ],
    });
    const fine = await runCli(['validate', '--history', 'postgres://ci@db.example.com/history'], {
      cwd: dir,
    });
    expect(fine.exitCode, fine.stdout).toBe(0);
  });

  it('refuses a malformed history URL in ci-connect.yaml at its line and column', async () => {
    const dir = demoProject();
    writeFileSync(
      path.join(dir, '.ci-connect', 'ci-connect.yaml'),
      'project: sockshop\nhistory: postgres://ci@db.example.com/history?ssl=true\n',
    );
    const run = await runCli(['validate'], { cwd: dir });
    expect(run.exitCode, run.stdout).toBe(2);
    expect(run.stdout).toContain(
      `error ${path.join('.ci-connect', 'ci-connect.yaml')}:2:10 history: the history URL has the parameter "ssl", which ci-connect does not know`,
    );
  });
});
