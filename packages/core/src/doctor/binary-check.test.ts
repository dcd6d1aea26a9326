import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProcessRunner, ProcessSpec } from '../tools/process.js';
import { checkBinaries, jmeterVersion } from './binary-check.js';

/** A directory holding executable shell scripts, to put on PATH instead of the real tools. */
function stubDir(scripts: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ci-connect-doctor-bin-'));
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

function env(path: string, extra: Record<string, string> = {}): Record<string, string> {
  // Only the stubs: no real helm or jmeter can be found (the stubs name /bin/sh themselves).
  return { PATH: path, ...extra };
}

const HELM = 'echo "v3.14.4+g81c902a"';
const JMETER_2 =
  'echo "Copyright (c) 1998-2015 The Apache Software Foundation" >&2\necho "Version 2.13 r1665067" >&2';

describe('checkBinaries', () => {
  it('runs helm and jmeter found on PATH and reports their versions and paths', async () => {
    const dir = stubDir({ helm: HELM, jmeter: JMETER_2 });
    const [helm, jmeter] = await checkBinaries({ env: env(dir), cwd: dir });
    expect(helm).toEqual({ name: 'helm', status: 'ok', detail: `v3.14.4+g81c902a (${dir}/helm)` });
    expect(jmeter).toEqual({ name: 'jmeter', status: 'ok', detail: `JMeter 2.13 (${dir}/jmeter)` });
  });

  it('passes exactly the version arguments, as an argv array', async () => {
    const dir = stubDir({ helm: 'echo "args:$#:$1:$2"', jmeter: 'echo "Version 5.6.3 args:$#:$1"' });
    const [helm, jmeter] = await checkBinaries({ env: env(dir), cwd: dir });
    expect(helm?.detail).toBe(`args:2:version:--short (${dir}/helm)`);
    expect(jmeter?.detail).toBe(`JMeter 5.6.3 (${dir}/jmeter)`);
  });

  it('uses JMETER_BIN over PATH', async () => {
    const onPath = stubDir({ helm: HELM, jmeter: 'echo "Version 1.0"' });
    const configured = stubDir({ 'my-jmeter': 'echo "Version 5.6.3"' });
    const [, jmeter] = await checkBinaries({
      env: env(onPath, { JMETER_BIN: join(configured, 'my-jmeter') }),
      cwd: onPath,
    });
    expect(jmeter?.detail).toBe(`JMeter 5.6.3 (${configured}/my-jmeter)`);
  });

  it('warns (not fails) about missing binaries, with how to install them', async () => {
    const empty = stubDir({});
    const [helm, jmeter] = await checkBinaries({ env: env(empty), cwd: empty });
    expect(helm).toMatchObject({ status: 'warning', detail: 'not found on PATH' });
    expect(helm?.hint).toContain('install Helm 3');
    expect(jmeter).toMatchObject({ status: 'warning', detail: 'not found on PATH' });
    expect(jmeter?.hint).toContain('JMETER_BIN');
  });

  it('fails a missing binary the shipyard needs, saying which tasks run it', async () => {
    const empty = stubDir({});
    const [helm, jmeter] = await checkBinaries(
      { env: env(empty), cwd: empty },
      { helm: "the shipyard's deployment tasks run it" },
    );
    expect(helm).toMatchObject({
      status: 'fail',
      detail: "not found on PATH; the shipyard's deployment tasks run it",
    });
    expect(jmeter?.status).toBe('warning');
  });

  it('warns when JMETER_BIN names no executable file', async () => {
    const dir = stubDir({ helm: HELM });
    writeFileSync(join(dir, 'not-executable'), 'text');
    const [, jmeter] = await checkBinaries({ env: env(dir, { JMETER_BIN: 'not-executable' }), cwd: dir });
    expect(jmeter).toMatchObject({
      status: 'warning',
      detail: 'JMETER_BIN=not-executable is not an executable file',
    });
  });

  it('warns when a binary is there but fails, with the last line it printed', async () => {
    const dir = stubDir({
      helm: 'echo "Error: kubeconfig broken" >&2\nexit 1',
      jmeter: 'echo "no java on PATH" >&2\nexit 127',
    });
    const [helm, jmeter] = await checkBinaries({ env: env(dir), cwd: dir });
    expect(helm).toMatchObject({
      status: 'warning',
      detail: `${dir}/helm: \`helm version --short\` exited with 1: Error: kubeconfig broken`,
    });
    expect(jmeter?.detail).toBe(`${dir}/jmeter: \`jmeter --version\` exited with 127: no java on PATH`);
  });

  it('warns when a binary does not finish in time, with generous timeouts for the JVM', async () => {
    const dir = stubDir({ helm: HELM, jmeter: 'exit 0' });
    const specs: ProcessSpec[] = [];
    const hanging: ProcessRunner = (spec) => {
      specs.push(spec);
      return Promise.resolve({
        exitCode: null,
        signal: 'SIGTERM',
        timedOut: true,
        aborted: false,
        durationMs: spec.timeoutMs,
        stdoutTail: '',
        stderrTail: '',
      });
    };
    const [helm, jmeter] = await checkBinaries({ env: env(dir), cwd: dir, runProcess: hanging });
    // Both are looked up and started concurrently: the order of the calls is not the point (it
    // varied between runs), each binary's arguments and timeout are.
    const started = specs
      .map((s) => [s.argv, s.timeoutMs])
      .sort(([a], [b]) => String(a).localeCompare(String(b)));
    expect(started).toEqual([
      [[`${dir}/helm`, 'version', '--short'], 15_000],
      [[`${dir}/jmeter`, '--version'], 60_000],
    ]);
    expect(helm?.detail).toBe(`${dir}/helm: \`helm version --short\` did not finish within 15 s`);
    expect(jmeter?.status).toBe('warning');
  });

  it('lists helm before jmeter whichever finishes first', async () => {
    const dir = stubDir({ helm: 'exit 0', jmeter: 'exit 0' });
    const finished: string[] = [];
    // helm answers only after jmeter has: the report keeps its order, not the finishing order.
    let jmeterDone: () => void = () => undefined;
    const jmeterAnswered = new Promise<void>((resolve) => (jmeterDone = resolve));
    const answer = (stdoutTail: string) => ({
      exitCode: 0,
      signal: null,
      timedOut: false,
      aborted: false,
      durationMs: 1,
      stdoutTail,
      stderrTail: '',
    });
    const runProcess: ProcessRunner = async (spec) => {
      if (spec.argv[0]?.endsWith('/helm') === true) {
        await jmeterAnswered;
        finished.push('helm');
        return answer('v3.14.4');
      }
      finished.push('jmeter');
      jmeterDone();
      return answer('Version 5.6.3');
    };
    const results = await checkBinaries({ env: env(dir), cwd: dir, runProcess });
    expect(finished).toEqual(['jmeter', 'helm']);
    expect(results.map((r) => r.name)).toEqual(['helm', 'jmeter']);
  });
});

describe('jmeterVersion', () => {
  it.each([
    ['JMeter 2.x', 'Copyright (c) 1998-2015\nVersion 2.13.19691222\n', 'JMeter 2.13.19691222'],
    [
      'JMeter 5.x under its banner',
      '    _    ____   _    ____ _   _ _____\n5.6.3\n\nCopyright (c) 1999-2024\n',
      'JMeter 5.6.3',
    ],
    ['nothing recognisable', 'hello\n', undefined],
  ])('reads %s', (_, output, expected) => {
    expect(jmeterVersion(output)).toBe(expected);
  });
});
