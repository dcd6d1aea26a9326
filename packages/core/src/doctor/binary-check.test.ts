import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/**
 * A jmeter as far as doctor sees one: writes its log where -j says, else into its working
 * directory as JMeter does; prints `version` for --version; for -n, prints `planOutput` and
 * (unless told not to) writes a results row where -l says. Records each run's arguments and
 * working directory in `record` when given.
 */
function jmeterStub(version: string, { planOutput = '', writesResults = true, record = '' } = {}): string {
  return [
    record === '' ? '' : `echo "$(pwd) $*" >> '${record}'`,
    'log=jmeter.log; results=; plan=',
    'while [ $# -gt 0 ]; do case "$1" in -j) log="$2"; shift;; -l) results="$2"; shift;; -n) plan=1;; esac; shift; done',
    'echo "log" > "$log"',
    `if [ -z "$plan" ]; then echo "${version}" >&2; exit 0; fi`,
    planOutput === '' ? '' : `echo "${planOutput}"`,
    writesResults ? 'echo "1,0,ci-connect doctor,200,OK,doctor 1-1,text,true,0,1,1,0" > "$results"' : '',
  ].join('\n');
}
const JMETER_2 = jmeterStub('Version 2.13 r1665067');
const LOADS = '; loads and runs a test plan';
const DEBIAN_ERROR =
  'Error in NonGUIDriver com.thoughtworks.xstream.security.ForbiddenClassException: org.apache.jmeter.save.ScriptWrapper';

describe('checkBinaries', () => {
  it('runs helm and jmeter found on PATH and reports their versions and paths', async () => {
    const dir = stubDir({ helm: HELM, jmeter: JMETER_2 });
    const [helm, jmeter] = await checkBinaries({ env: env(dir), cwd: dir });
    expect(helm).toEqual({ name: 'helm', status: 'ok', detail: `v3.14.4+g81c902a (${dir}/helm)` });
    expect(jmeter).toEqual({ name: 'jmeter', status: 'ok', detail: `JMeter 2.13 (${dir}/jmeter)${LOADS}` });
  });

  it('passes exactly the version arguments, as an argv array', async () => {
    const record = join(stubDir({}), 'runs');
    const dir = stubDir({ helm: 'echo "args:$#:$1:$2"', jmeter: jmeterStub('Version 5.6.3', { record }) });
    const [helm, jmeter] = await checkBinaries({ env: env(dir), cwd: dir });
    expect(helm?.detail).toBe(`args:2:version:--short (${dir}/helm)`);
    expect(jmeter?.detail).toBe(`JMeter 5.6.3 (${dir}/jmeter)${LOADS}`);
    // In a scratch directory, with the log there: the version, then the one-sample plan.
    const [version, plan] = readFileSync(record, 'utf8').trim().split('\n');
    const scratch = version!.split(' ')[0]!;
    expect(version).toBe(`${scratch} -j ${scratch}/jmeter.log --version`);
    expect(plan).toBe(
      `${scratch} -n -t ${scratch}/doctor.jmx -l ${scratch}/doctor.jtl -j ${scratch}/jmeter.log ` +
        '-Jjmeter.save.saveservice.output_format=csv',
    );
  });

  it('uses JMETER_BIN over PATH', async () => {
    const onPath = stubDir({ helm: HELM, jmeter: jmeterStub('Version 1.0') });
    const configured = stubDir({ 'my-jmeter': jmeterStub('Version 5.6.3') });
    const [, jmeter] = await checkBinaries({
      env: env(onPath, { JMETER_BIN: join(configured, 'my-jmeter') }),
      cwd: onPath,
    });
    expect(jmeter?.detail).toBe(`JMeter 5.6.3 (${configured}/my-jmeter)${LOADS}`);
  });

  it('uses HELM_BIN over PATH, as a stage run does; a blank one is helm on PATH', async () => {
    const configured = stubDir({ 'helm-3': 'echo "v3.15.0+gc4e37b3"' });
    const empty = stubDir({ jmeter: JMETER_2 });
    const [helm] = await checkBinaries({
      env: env(empty, { HELM_BIN: join(configured, 'helm-3') }),
      cwd: empty,
    });
    expect(helm).toEqual({ name: 'helm', status: 'ok', detail: `v3.15.0+gc4e37b3 (${configured}/helm-3)` });
    const onPath = stubDir({ helm: HELM });
    const [blank] = await checkBinaries({ env: env(onPath, { HELM_BIN: ' ' }), cwd: onPath });
    expect(blank?.detail).toBe(`v3.14.4+g81c902a (${onPath}/helm)`);
  });

  it('leaves no jmeter.log in the working directory, nor the scratch directory it ran in', async () => {
    const record = join(stubDir({}), 'runs');
    const dir = stubDir({ helm: HELM, jmeter: jmeterStub('Version 5.6.3', { record }) });
    const cwd = stubDir({});
    const [, jmeter] = await checkBinaries({ env: env(dir), cwd });
    expect(jmeter?.status).toBe('ok');
    expect(readdirSync(cwd)).toEqual([]);
    const scratch = readFileSync(record, 'utf8').split(' ')[0]!;
    expect([scratch.startsWith(cwd), existsSync(scratch)]).toEqual([false, false]);
  });

  it('warns when jmeter answers --version but cannot load a plan, as Debian\u2019s JMeter 2.13', async () => {
    const dir = stubDir({
      helm: HELM,
      jmeter: jmeterStub('Version 2.13', { planOutput: DEBIAN_ERROR, writesResults: false }),
    });
    const [, jmeter] = await checkBinaries({ env: env(dir), cwd: dir });
    expect(jmeter).toMatchObject({
      status: 'warning',
      detail: `${dir}/jmeter: answers --version but cannot load a test plan: ${DEBIAN_ERROR}`,
    });
    expect(jmeter?.hint).toMatch(/jmeter\.apache\.org.*JMETER_BIN/);
    const [, needed] = await checkBinaries(
      { env: env(dir), cwd: dir },
      { jmeter: "the shipyard's test tasks run it" },
    );
    expect(needed).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/cannot load a test plan.*test tasks run it$/) as string,
    });
  });

  it('warns when the plan runs but no sample reaches the results file', async () => {
    const dir = stubDir({ helm: HELM, jmeter: jmeterStub('Version 5.6.3', { writesResults: false }) });
    const [, jmeter] = await checkBinaries({ env: env(dir), cwd: dir });
    expect(jmeter).toMatchObject({
      status: 'warning',
      detail: `${dir}/jmeter: \`jmeter -n -t <a one-sample plan>\` ran but wrote no sample to its results file`,
    });
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
      [[`${dir}/jmeter`, '-j', expect.stringMatching(/\/jmeter\.log$/) as string, '--version'], 60_000],
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
      if (!spec.argv.includes('--version')) return answer(''); // the plan check, after the version
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
