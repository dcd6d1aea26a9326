// Typing mistakes on the command line: an unknown flag or command names the nearest one, says
// where, and is a usage error (exit 2), in the same `error:`/`hint:` form as every other error.
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

describe('unknown flags and commands', () => {
  it.each([
    [
      ['evaluate', '--servce', 'carts'],
      'unknown flag --servce for ci-connect evaluate',
      'did you mean --service?',
    ],
    [
      ['history', 'list', '--limt', '3'],
      'unknown flag --limt for ci-connect history list',
      'did you mean --limit?',
    ],
    [
      ['evaluate', '--servce=carts'],
      'unknown flag --servce for ci-connect evaluate',
      'did you mean --service?',
    ],
  ])('%j names the nearest flag (exit 2)', async (args, message, hint) => {
    const run = await runCli(args);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(`error: ${message}`);
    expect(run.stderr).toContain(`hint: ${hint}`);
    expect(run.stderr).toContain(`ci-connect ${args[0] === 'history' ? 'history list' : 'evaluate'} --help`);
  });

  it.each([
    [['evalute', '--service', 'carts'], 'unknown command "evalute"', 'did you mean "ci-connect evaluate"?'],
    [['history', 'lst'], 'unknown command "history lst"', 'did you mean "ci-connect history list"?'],
    [['trigger-deploy'], 'unknown command "trigger-deploy"', 'did you mean "ci-connect trigger-deployment"?'],
  ])('%j names the nearest command (exit 2)', async (args, message, hint) => {
    const run = await runCli(args);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(`error: ${message}`);
    expect(run.stderr).toContain(`hint: ${hint}`);
  });

  it('lists the commands when nothing is close', async () => {
    const run = await runCli(['frobnicate']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('error: unknown command "frobnicate"');
    expect(run.stderr).toMatch(/hint: the commands are: .*evaluate.*history list/);
    expect(run.stderr).not.toContain('did you mean');
  });

  it('answers --json with the error object', async () => {
    const run = await runCli(['evalute', '--json']);
    expect(run.exitCode).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      kind: 'error',
      exitCode: 2,
      code: 'USAGE',
      message: 'unknown command "evalute"',
    });
    const flag = await runCli(['evaluate', '--servce', 'x', '--json']);
    expect(flag.exitCode).toBe(2);
    expect(JSON.parse(flag.stdout)).toMatchObject({
      code: 'USAGE',
      message: 'unknown flag --servce for ci-connect evaluate',
    });
  });
});
