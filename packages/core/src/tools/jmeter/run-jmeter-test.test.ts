import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../environment.js';
import { ConfigError } from '../../errors.js';
import {
  cutSecretRedactor,
  linesCuttingSecret,
  secretFragmentsIn,
} from '../../redaction/test-support/secret-across-cut.js';
import type { ProcessResult, ProcessRunner, ProcessSpec } from '../process.js';
import type { JmeterTestRequest } from './jmeter-plan.js';
import { planJmeterTest } from './jmeter-plan.js';
import { runJmeterTest } from './run-jmeter-test.js';
import type { JmeterWorkload } from '../../config/jmeter/jmeter-workload.js';

const HEADER =
  'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,bytes,grpThreads,allThreads,Latency,Connect';
const START = 1_795_353_901_952;
const END = 1_795_353_902_781;
const STARTED_LINE = 'Starting the test @ Sun Nov 22 13:25:01 UTC 2026 (1795353901952)';
const ENDED_LINE = 'Tidying up ...    @ Sun Nov 22 13:25:02 UTC 2026 (1795353902781)';

/** A JTL row: `ok` false is a failed sample. */
const row = (offsetMs: number, elapsed: number, ok = true) =>
  `${START + offsetMs},${elapsed},GET /health,${ok ? 200 : 404},${ok ? 'OK' : 'Not Found'},t 1-1,text,${ok},170,1,1,${elapsed},0`;

interface FakeRun {
  /** Lines JMeter "prints", in order. */
  lines?: string[];
  /** The results file JMeter "writes"; undefined: none. */
  jtl?: string;
  result?: Partial<ProcessResult>;
}

/** A ProcessRunner that plays JMeter: writes the -l file, prints lines, returns a result. */
function fakeJmeter(run: FakeRun): ProcessRunner & { specs: ProcessSpec[] } {
  const specs: ProcessSpec[] = [];
  const runner = async (spec: ProcessSpec): Promise<ProcessResult> => {
    specs.push(spec);
    const resultsFile = spec.argv[spec.argv.indexOf('-l') + 1] ?? '';
    if (run.jtl !== undefined) await writeFile(resultsFile, run.jtl);
    for (const line of run.lines ?? []) spec.onLine?.('stdout', line);
    return {
      exitCode: 0,
      signal: null,
      timedOut: false,
      aborted: false,
      durationMs: 1234,
      stdoutTail: (run.lines ?? []).join('\n'),
      stderrTail: '',
      ...run.result,
    };
  };
  return Object.assign(runner, { specs });
}

const workload: JmeterWorkload = {
  testStrategy: 'performance',
  vuser: 2,
  loopCount: 2,
  thinkTimeMs: 0,
  script: 'jmeter/performance.jmx',
  acceptedErrorRate: 0.25,
  avgRtValidationMs: 0,
  properties: {},
};

let dir: string;
let planFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ci-connect-jmeter-runner-'));
  planFile = join(dir, 'plan.jmx');
  await writeFile(planFile, '<jmeterTestPlan/>');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let runCount = 0;
function request(runner: ProcessRunner, overrides: Partial<JmeterTestRequest> = {}): JmeterTestRequest {
  runCount++;
  return {
    jmeterBin: '/opt/jmeter/bin/jmeter',
    planFile,
    resultsFile: join(dir, `run-${runCount}`, 'results.jtl'),
    logFile: join(dir, `run-${runCount}`, 'jmeter.log'),
    workload,
    targetUrl: 'http://127.0.0.1:8080',
    loadTestName: 'shop_carts_dev_performance_1',
    timeoutMs: 60_000,
    runProcess: runner,
    ...overrides,
  };
}

const fourSamples = [HEADER, row(10, 5), row(20, 7), row(30, 9), row(40, 11, false)].join('\n') + '\n';

describe('runJmeterTest with a fake JMeter', () => {
  it('runs the planned argv and passes a run within the accepted error rate', async () => {
    const runner = fakeJmeter({ lines: [STARTED_LINE, ENDED_LINE], jtl: fourSamples });
    const req = request(runner, { signal: new AbortController().signal, env: { JVM_ARGS: '-Xmx256m' } });
    const result = await runJmeterTest(req);
    const plan = planJmeterTest(req);
    expect(runner.specs).toHaveLength(1);
    expect(runner.specs[0]).toMatchObject({
      argv: plan.argv,
      cwd: dir,
      timeoutMs: 60_000,
      signal: req.signal,
      env: { JVM_ARGS: '-Xmx256m' },
    });
    expect(result).toEqual({
      status: 'succeeded',
      reason: 'passed',
      message: '1 of 4 samples failed (25%), within the accepted 25%',
      start: new Date(START).toISOString(),
      end: new Date(END).toISOString(),
      windowSource: 'jmeter',
      samples: 4,
      failedSamples: 1,
      errorRate: 0.25,
      averageResponseTimeMs: 8,
      resultsFile: req.resultsFile,
      logFile: req.logFile,
      argv: plan.argv,
      durationMs: 1234,
      exitCode: 0,
    });
  });

  it('fails a run above the accepted error rate', async () => {
    const jtl = [HEADER, row(10, 5, false), row(20, 7, false), row(30, 9)].join('\n') + '\n';
    const result = await runJmeterTest(request(fakeJmeter({ lines: [STARTED_LINE, ENDED_LINE], jtl })));
    expect(result).toMatchObject({ status: 'failed', reason: 'error-rate', samples: 3, failedSamples: 2 });
    expect(result.message).toBe('2 of 3 samples failed (66.67%), more than the accepted 25%');
  });

  it('fails a plan JMeter could not load even though it exited 0', async () => {
    const lines = ["Error in NonGUIDriver java.lang.IllegalArgumentException: Problem loading XML from:'x'"];
    const result = await runJmeterTest(request(fakeJmeter({ lines })));
    expect(result).toMatchObject({
      status: 'failed',
      reason: 'plan-not-loaded',
      exitCode: 0,
      samples: 0,
      errorRate: null,
    });
  });

  it('redacts JMeter\u2019s last line with the request\u2019s redactor before cutting it for the message', async () => {
    for (const { line, kept } of linesCuttingSecret(300)) {
      const runner = fakeJmeter({ lines: [line], result: { exitCode: 1 } });
      const result = await runJmeterTest(request(runner, { redactor: cutSecretRedactor() }));
      expect(result.message, `${kept} characters before the cut`).toMatch(/^JMeter exited with code 1: x+\*/);
      expect(secretFragmentsIn(result.message), `${kept} characters before the cut`).toEqual([]);
    }
  });

  it('replaces results and a log left by an earlier run instead of appending to them', async () => {
    const runner = fakeJmeter({ lines: [STARTED_LINE, ENDED_LINE] });
    const req = request(runner);
    const first = await runJmeterTest({
      ...req,
      runProcess: fakeJmeter({ lines: [STARTED_LINE, ENDED_LINE], jtl: fourSamples }),
    });
    expect(first.samples).toBe(4);
    await writeFile(req.logFile, 'old log\n');
    const second = await runJmeterTest(req);
    expect(second).toMatchObject({ status: 'failed', reason: 'no-samples', samples: 0 });
    await expect(readFile(req.logFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails a run whose results file holds only a header line', async () => {
    const result = await runJmeterTest(
      request(fakeJmeter({ lines: [STARTED_LINE, ENDED_LINE], jtl: `${HEADER}\n` })),
    );
    expect(result).toMatchObject({ status: 'failed', reason: 'no-samples', samples: 0 });
  });

  it('fails a run whose results cannot be read, saying why', async () => {
    const jtl =
      '<?xml version="1.0"?>\n<testResults version="1.2">\n<sample t="x" ts="1" s="true" lb="a"/>\n';
    const result = await runJmeterTest(request(fakeJmeter({ lines: [STARTED_LINE, ENDED_LINE], jtl })));
    expect(result.reason).toBe('results-unreadable');
    expect(result.message).toMatch(/\.jtl:3: t is "x", not a number/);
  });

  it('fails a timed-out run and keeps the samples written until then, with the process as window', async () => {
    const times = [new Date('2026-11-22T13:25:00.000Z'), new Date('2026-11-22T13:26:00.500Z')];
    const clock: Clock = { now: () => times.shift() ?? new Date(0) };
    const jtl = `${HEADER}\n${row(10, 5)}\n${row(20, 7)}\n${row(30, 9).slice(0, 20)}`;
    const result = await runJmeterTest(
      request(
        fakeJmeter({
          lines: [STARTED_LINE],
          jtl,
          result: { exitCode: null, signal: 'SIGTERM', timedOut: true },
        }),
        {
          clock,
          timeoutMs: 60_000,
        },
      ),
    );
    expect(result).toMatchObject({
      status: 'failed',
      reason: 'timed-out',
      message: 'JMeter did not finish within 1 min and was stopped',
      samples: 2,
      start: '2026-11-22T13:25:00.000Z',
      end: '2026-11-22T13:26:00.500Z',
      windowSource: 'process',
      exitCode: null,
    });
  });

  it('fails a cancelled run', async () => {
    const result = await runJmeterTest(
      request(fakeJmeter({ result: { exitCode: null, signal: 'SIGTERM', aborted: true } })),
    );
    expect(result).toMatchObject({ status: 'failed', reason: 'aborted' });
  });

  it('refuses a missing plan before starting anything', async () => {
    const runner = fakeJmeter({});
    const run = runJmeterTest(request(runner, { planFile: join(dir, 'missing.jmx') }));
    await expect(run).rejects.toThrow(ConfigError);
    await expect(run).rejects.toThrow(`the JMeter plan ${join(dir, 'missing.jmx')} does not exist`);
    expect(runner.specs).toEqual([]);
  });

  it('says how to fix a missing jmeter command (the real process runner)', async () => {
    const { runProcess: _fake, ...req } = request(fakeJmeter({}), { jmeterBin: join(dir, 'no-such-jmeter') });
    const run = runJmeterTest(req);
    await expect(run).rejects.toThrow(ConfigError);
    await expect(run).rejects.toMatchObject({ hint: expect.stringContaining('install Apache JMeter') });
  });

  it('refuses a directory as the plan', async () => {
    await expect(runJmeterTest(request(fakeJmeter({}), { planFile: dir }))).rejects.toThrow('is not a file');
  });
});
