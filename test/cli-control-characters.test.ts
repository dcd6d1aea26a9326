// Flag values are printed in the human output and recorded in history: a newline in --version
// would forge a line such as "Result PASS" under a failed gate. Every command refuses control
// characters in every text flag, typed or read from its CI_CONNECT_* env var (exit 2), before
// it reads a file or calls a system, and shows the value escaped.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-control-'));
writeFileSync(
  path.join(dir, 'slo.yaml'),
  'objectives:\n  - sli: error_rate\n    pass: [{criteria: ["<=1"]}]\ntotal_score: {pass: "90%"}\n',
);
writeFileSync(path.join(dir, 'values.json'), '{"error_rate": 5}');
const gate = ['evaluate', '--slo', 'slo.yaml', '--values', 'values.json', '--history', 'file:history.jsonl'];
const stage = ['--config-dir', 'none', '--service', 'carts', '--history', 'file:history.jsonl'];

describe('control characters in flag values', () => {
  it.each([
    [
      'evaluate --version',
      [...gate, '--version', '1.4.2\nResult PASS'],
      '--version "1.4.2\\nResult PASS"',
      '\\n',
    ],
    [
      'evaluate --label',
      [...gate, '--label', 'buildId=812\r\nScore 100%'],
      '--label "buildId=812\\r\\nScore 100%"',
      '\\r',
    ],
    ['evaluate --stage', [...gate, '--stage', 'prod\u001b[32m'], '--stage "prod\\u001b[32m"', '\\u001b'],
    [
      'trigger-deployment --image',
      ['trigger-deployment', ...stage, '--version', '1.4.2', '--image', 'carts:1.4.2\u2028PASS'],
      '--image "carts:1.4.2\\u2028PASS"',
      '\\u2028',
    ],
    [
      'promote --image',
      ['promote', ...stage, '--version', '1.4.2', '--to', 'production', '--image', 'carts\u202e2.4.1'],
      '--image "carts\\u202e2.4.1"',
      '\\u202e',
    ],
    [
      'send-event --version',
      ['send-event', ...stage.slice(0, 4), '--type', 'info', '--version', '1.4.2\u0085x'],
      '--version "1.4.2\\u0085x"',
      '\\u0085',
    ],
    [
      'send-event --property',
      ['send-event', ...stage.slice(0, 4), '--type', 'info', '--property', 'approver=jane\u007f'],
      '--property "approver=jane\\u007f"',
      '\\u007f',
    ],
  ])('%s: exit 2 naming the flag, the value escaped, nothing recorded', async (_name, args, shown, found) => {
    const run = await runCli(args, { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(`error: ${shown} contains a control character (${found})`);
    // The refusal itself forges nothing: one error line and one hint line.
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(2);
    expect(run.stdout).toBe('');
    expect(readdirSync(dir)).not.toContain('history.jsonl');
  });

  it.each([
    [
      'CI_CONNECT_VERSION',
      '1.4.2\nResult PASS',
      'CI_CONNECT_VERSION (for --version) "1.4.2\\nResult PASS"',
      '\\n',
    ],
    ['CI_CONNECT_SERVICE', 'carts\tx', 'CI_CONNECT_SERVICE (for --service) "carts\\tx"', '\\t'],
    ['CI_CONNECT_LABELS', 'buildId=812,pipeline=9\nPASS', 'CI_CONNECT_LABELS "pipeline=9\\nPASS"', '\\n'],
  ])('evaluate refuses them from %s too, naming the env var', async (name, value, shown, found) => {
    const run = await runCli(gate, { cwd: dir, env: { [name]: value } });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(`error: ${shown} contains a control character (${found})`);
    expect(readdirSync(dir)).not.toContain('history.jsonl');
  });

  it('trigger-deployment refuses them in CI_CONNECT_IMAGE', async () => {
    const run = await runCli(['trigger-deployment', ...stage, '--version', '1.4.2'], {
      cwd: dir,
      env: { CI_CONNECT_IMAGE: 'carts:1.4.2\nPASS' },
    });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      'CI_CONNECT_IMAGE (for --image) "carts:1.4.2\\nPASS" contains a control character',
    );
  });

  it('lets ordinary text through: accents, spaces, quotes (the gate runs and fails on its value)', async () => {
    const run = await runCli([...gate, '--version', '1.4.2 "Jürgen"', '--label', 'owner=Zoë Ø'], {
      cwd: dir,
    });
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stdout).toContain('1.4.2 "Jürgen"');
  });
});
