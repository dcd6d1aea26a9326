// `ci-connect validate` as a user runs it: every problem of a config directory at once.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
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

  it('exits 2 when the config directory does not exist', async () => {
    const run = await runCli(['validate', '--config-dir', 'no/such/dir']);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain('error no/such/dir: config directory not found');
  });
});
