import { writeFileSync, chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../redaction/redaction.js';
import {
  cutSecretRedactor,
  linesCuttingSecret,
  secretFragmentsIn,
} from '../../redaction/test-support/secret-across-cut.js';
import { runProcess } from '../../tools/process.js';
import type { ProcessRunner } from '../../tools/process.js';
import { makeContext, task } from '../test-support/stage-run-fixtures.js';
import { CommandRunner } from './command-runner.js';

/** A node script as the task's command; it prints what it was given and exits with `code`. */
function script(body: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-cmd-'));
  const file = path.join(dir, 'task.js');
  writeFileSync(file, `#!/usr/bin/env node\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

const redactor = createRedactor();

describe('CommandRunner', () => {
  it('runs the argv without a shell, with placeholders replaced and the run in its environment', async () => {
    const file = script(
      'console.log(JSON.stringify({argv: process.argv.slice(2), env: Object.fromEntries(' +
        'Object.entries(process.env).filter(([k]) => k.startsWith("CI_CONNECT_") || k === "EXTRA"))}))',
    );
    const lines: string[] = [];
    const context = makeContext({
      labels: { buildId: '812' },
      image: 'registry/carts:1.4.2',
      logger: { debug: () => undefined, info: (m) => lines.push(m), warn: () => undefined },
    });
    const runner = new CommandRunner(
      { command: [file, '$SERVICE', '$VERSION', '$LABEL.buildId', '$(rm -rf /);echo'], env: { EXTRA: 'x' } },
      runProcess,
      redactor,
    );
    const outcome = await runner.run(task('smoke', { properties: { path: '/health' } }), context);
    expect(outcome).toMatchObject({ result: 'pass', status: 'succeeded' });
    const printed = JSON.parse(lines[0]!.replace(/^smoke: /, '')) as {
      argv: string[];
      env: Record<string, string>;
    };
    expect(printed.argv).toEqual(['carts', '1.4.2', '812', '$(rm -rf /);echo']);
    expect(printed.env).toMatchObject({
      CI_CONNECT_PROJECT: 'shop',
      CI_CONNECT_STAGE: 'hardening',
      CI_CONNECT_SERVICE: 'carts',
      CI_CONNECT_VERSION: '1.4.2',
      CI_CONNECT_IMAGE: 'registry/carts:1.4.2',
      CI_CONNECT_TASK: 'smoke',
      CI_CONNECT_LABELS: 'buildId=812',
      CI_CONNECT_TASK_PROPERTIES: '{"path":"/health"}',
      CI_CONNECT_PREVIOUS_RESULTS: '[]',
      EXTRA: 'x',
    });
  });

  it('fails with the last line of stderr on a non-zero exit, and warns on exit 4', async () => {
    const failing = new CommandRunner(
      {
        command: [
          script(
            'console.error("checking"); console.error("smoke test: /health answered 503"); process.exit(3)',
          ),
        ],
      },
      runProcess,
      redactor,
    );
    const outcome = await failing.run(task('smoke'), makeContext());
    expect(outcome.result).toBe('fail');
    expect(outcome.message).toMatch(/task\.js exited 3: smoke test: \/health answered 503$/);
    const warning = new CommandRunner({ command: [script('process.exit(4)')] }, runProcess, redactor);
    expect((await warning.run(task('smoke'), makeContext())).result).toBe('warning');
  });

  it('stops a command that runs too long', async () => {
    const runner = new CommandRunner(
      { command: [script('setTimeout(() => {}, 60000)')], timeoutSeconds: 0.3 },
      runProcess,
      redactor,
    );
    const outcome = await runner.run(task('smoke'), makeContext());
    expect(outcome.result).toBe('fail');
    expect(outcome.message).toContain('timed out after 0.3 s and was stopped (tasks.smoke.timeoutSeconds)');
  });

  it('reports an abort as aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const runner = new CommandRunner(
      { command: [script('setTimeout(() => {}, 60000)')] },
      runProcess,
      redactor,
    );
    const outcome = await runner.run(task('smoke'), makeContext({ signal: controller.signal }));
    expect(outcome.status).toBe('aborted');
  });

  it('plans the argv with placeholders replaced', () => {
    const runner = new CommandRunner({ command: ['./smoke.sh', '$STAGE'] }, runProcess, redactor);
    expect(runner.plan(task('smoke'), makeContext()).commands).toEqual([['./smoke.sh', 'hardening']]);
  });

  it('redacts the last output line before it cuts it: no 2 characters of a secret across the cut remain', async () => {
    for (const { line, kept } of linesCuttingSecret(300)) {
      const exitWithLine: ProcessRunner = () =>
        Promise.resolve({
          exitCode: 3,
          signal: null,
          timedOut: false,
          aborted: false,
          durationMs: 5,
          stdoutTail: '',
          stderrTail: `checking\n${line}\n`,
        });
      const runner = new CommandRunner({ command: ['./smoke.sh'] }, exitWithLine, cutSecretRedactor());
      const outcome = await runner.run(task('smoke'), makeContext());
      expect(outcome.message, `${kept} characters of the secret before the cut`).toMatch(
        /^\.\/smoke\.sh exited 3: x+\*/,
      );
      expect(secretFragmentsIn(outcome.message), `${kept} characters before the cut`).toEqual([]);
    }
  });
});
