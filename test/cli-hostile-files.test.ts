// Files a CLI user (or whoever controls the job's paths) may hand ci-connect that are not what
// they claim: devices, FIFOs, symbolic links, files that are not history, histories too damaged
// or too new to read line by line (DESIGN.md section 9). Each must end quickly with a message
// naming the flag and the file, write nothing where it should not, and print one warning at most.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { devZero, describeWithReal, itWithReal, mkfifo } from './support/real-components.js';

/** A flags-only gate on one static SLI, in a fresh directory. */
function gate(): { dir: string; args: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-hostile-'));
  writeFileSync(
    path.join(dir, 'slo.yaml'),
    'objectives:\n  - sli: response_time_p95\n    pass: [{criteria: ["<500"]}]\ntotal_score: {pass: "90%"}\n',
  );
  writeFileSync(path.join(dir, 'values.json'), '{"response_time_p95": 100}');
  writeFileSync(path.join(dir, 'prometheus.yaml'), 'indicators:\n  error_ratio: "sum(rate(errors[5m]))"\n');
  return { dir, args: ['evaluate', '--slo', 'slo.yaml', '--values', 'values.json'] };
}

function fifoIn(dir: string): string {
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  return fifo;
}

describe('files that are not regular files', () => {
  itWithReal(devZero, '--values /dev/zero is exit 2, not gigabytes of memory', async () => {
    const { dir } = gate();
    const run = await runCli(
      ['evaluate', '--slo', 'slo.yaml', '--values', '/dev/zero', '--history', 'file:h.jsonl'],
      {
        cwd: dir,
      },
    );
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain('--values /dev/zero is a character device, not a regular file');
    expect(existsSync(path.join(dir, 'h.jsonl'))).toBe(false);
  });

  // Each of these blocked forever in open or read: the 60 s timeout of runCli would fail them.
  describeWithReal(mkfifo, 'a FIFO given to a flag is exit 2 at once', () => {
    it.each([
      ['--values', (fifo: string) => ['evaluate', '--slo', 'slo.yaml', '--values', fifo]],
      ['--slo', (fifo: string) => ['evaluate', '--slo', fifo, '--values', 'values.json']],
      [
        '--ca-file',
        (fifo: string) => [
          'evaluate',
          '--slo',
          'slo.yaml',
          '--sli',
          'prometheus=prometheus.yaml',
          '--ca-file',
          fifo,
        ],
      ],
    ])(
      '%s',
      async (flag, argsFor) => {
        const { dir } = gate();
        const fifo = fifoIn(dir);
        const run = await runCli([...argsFor('fifo'), '--history', 'file:h.jsonl'], {
          cwd: dir,
          // Never contacted: the CA file is read before any request.
          env: { PROMETHEUS_URL: 'http://127.0.0.1:9' },
        });
        expect(run.exitCode, run.stderr).toBe(2);
        expect(run.stderr).toContain('fifo');
        expect(run.stderr).toContain('a named pipe (FIFO), not a regular file');
        expect(run.stderr).toContain(flag);
        expect(existsSync(fifo)).toBe(true);
      },
      20_000,
    );
  });
});

describe('history paths that are not history', () => {
  it('refuses a history path that is a symbolic link, leaving its target unchanged (exit 2)', async () => {
    const { dir, args } = gate();
    const passwd = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n';
    writeFileSync(path.join(dir, 'passwd'), passwd);
    symlinkSync(path.join(dir, 'passwd'), path.join(dir, 'history.jsonl'));
    const run = await runCli([...args, '--history', 'file:history.jsonl'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain('is a symbolic link');
    expect(readFileSync(path.join(dir, 'passwd'), 'utf8')).toBe(passwd);
  });

  it('refuses a regular file that holds no history record (exit 2), changing nothing', async () => {
    const { dir, args } = gate();
    const passwd = 'root:x:0:0:root:/root:/bin/bash\n';
    writeFileSync(path.join(dir, 'passwd'), passwd);
    const run = await runCli([...args, '--history', 'file:passwd'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain('it is not a ci-connect history');
    expect(readFileSync(path.join(dir, 'passwd'), 'utf8')).toBe(passwd);
  });

  it('is exit 2, not 3, for a history under a dangling link, and creates nothing', async () => {
    const { dir, args } = gate();
    symlinkSync(path.join(dir, 'missing-dir'), path.join(dir, 'gone'));
    symlinkSync(path.join(dir, 'missing.jsonl'), path.join(dir, 'dangling.jsonl'));
    for (const history of ['file:gone/history.jsonl', 'file:dangling.jsonl']) {
      const run = await runCli([...args, '--history', history], { cwd: dir });
      expect(run.exitCode, `${history}: ${run.stderr}`).toBe(2);
    }
    expect(existsSync(path.join(dir, 'missing-dir'))).toBe(false);
    expect(existsSync(path.join(dir, 'missing.jsonl'))).toBe(false);
  });

  // A history of a newer ci-connect printed one warning per line: 100,000 lines of stderr.
  it('prints one warning for 100,000 lines it cannot read, and still records', async () => {
    const { dir, args } = gate();
    const newer = '{"schemaVersion":2,"id":"x","kind":"evaluation"}\n'.repeat(100_000);
    writeFileSync(path.join(dir, 'history.jsonl'), newer);
    const run = await runCli([...args, '--history', 'file:history.jsonl'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    const warnings = run.stderr.split('\n').filter((line) => line.includes('skipped'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      // The gate reads the history backwards (the newest records are its baseline).
      'history.jsonl: skipped 100000 lines that are not ci-connect records this version can read (newest at line 1 from the end: ',
    );
    expect(readFileSync(path.join(dir, 'history.jsonl'), 'utf8').split('\n')).toHaveLength(100_002);
  });
});
