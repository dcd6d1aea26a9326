// The JMeter test runner with real JMeter (Debian's 2.13 through ../shared/tools/jmeter, or
// JMETER_BIN) against the demo carts app: the workloads come from a real jmeter.conf.yaml, the
// plan reads the properties the runner passes, and the results file is checked with a naive
// parser of its own, so a bug in the project's JTL reader cannot hide a bug here.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Logger } from '../packages/core/src/environment.js';
import { loadJmeterConf, type JmeterConf } from '../packages/core/src/config/jmeter/index.js';
import { resolveWorkload } from '../packages/core/src/config/jmeter/jmeter-workload.js';
import {
  runJmeterTest,
  type JmeterTestRequest,
  type JmeterTestResult,
} from '../packages/core/src/tools/jmeter/index.js';
import { cleanUpDemo, makeTempDir, startDemoApp } from './support/demo-app.js';
import type { DemoApp } from './support/demo-app.js';
import { describeWithReal, jmeter, repoRoot } from './support/real-components.js';

const serviceDir = path.join(repoRoot, 'fixtures/jmeter/runner/service');

interface JtlRow {
  readonly timeStamp: number;
  readonly elapsed: number;
  readonly label: string;
  readonly success: boolean;
}

/** Reads the runner's CSV results: a header line, then plain rows (the plan's labels hold no commas). */
async function readJtl(file: string): Promise<JtlRow[]> {
  const [header = '', ...lines] = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
  const names = header.split(',');
  const at = (name: string) => {
    const index = names.indexOf(name);
    if (index < 0) throw new Error(`no ${name} column in ${header}`);
    return index;
  };
  return lines.map((line) => {
    const fields = line.split(',');
    return {
      timeStamp: Number(fields[at('timeStamp')]),
      elapsed: Number(fields[at('elapsed')]),
      label: fields[at('label')] ?? '',
      success: fields[at('success')] === 'true',
    };
  });
}

/** The command lines of running processes that mention `text` (e.g. a run's unique results path). */
async function processesMentioning(text: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('ps', ['-eo', 'pid=,args='], { maxBuffer: 1 << 24 });
  return stdout.split('\n').filter((line) => line.includes(text) && !line.includes('ps -eo'));
}

describeWithReal(jmeter, 'JMeter test runner with real JMeter', ({ bin }) => {
  let app: DemoApp;
  let conf: JmeterConf;
  let dir: string;

  beforeAll(async () => {
    app = await startDemoApp(['--seed', '42']);
    dir = await makeTempDir('ci-connect-jmeter-runner-');
    const loaded = await loadJmeterConf(path.join(serviceDir, 'jmeter/jmeter.conf.yaml'));
    expect(loaded.diagnostics).toEqual([]);
    conf = loaded.conf!;
  });
  afterAll(cleanUpDemo);

  function request(strategy: string, overrides: Partial<JmeterTestRequest> = {}): JmeterTestRequest {
    const workload = resolveWorkload(conf, strategy);
    return {
      jmeterBin: bin,
      planFile: path.join(serviceDir, workload.script),
      resultsFile: path.join(dir, strategy, 'results.jtl'),
      logFile: path.join(dir, strategy, 'jmeter.log'),
      workload,
      targetUrl: `http://127.0.0.1:${app.port}/health`,
      loadTestName: `shop_carts_dev_${strategy}_1`,
      timeoutMs: 60_000,
      ...overrides,
    };
  }

  it('passes a run whose window spans every sample of the results file', async () => {
    const result = await runJmeterTest(request('performance_light'));
    expect(result, result.message).toMatchObject({
      status: 'succeeded',
      reason: 'passed',
      samples: 6,
      failedSamples: 0,
      errorRate: 0,
      windowSource: 'jmeter',
      exitCode: 0,
    });
    const rows = await readJtl(result.resultsFile);
    // 2 threads x 3 loops; the label carries DT_LTN and CHECK_PATH, so both reached the plan.
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((r) => r.label))).toEqual(
      new Set(['shop_carts_dev_performance_light_1 GET /health']),
    );
    const first = Math.min(...rows.map((r) => r.timeStamp));
    const last = Math.max(...rows.map((r) => r.timeStamp + r.elapsed));
    const start = Date.parse(result.start);
    const end = Date.parse(result.end);
    expect(start).toBeLessThanOrEqual(first);
    expect(end).toBeGreaterThanOrEqual(last);
    // JMeter's own test start and end, not the JVM's lifetime: close around the samples.
    expect(first - start).toBeLessThan(2_000);
    expect(end - last).toBeLessThan(2_000);
    expect(end - start).toBeLessThan(result.durationMs);
    // The log goes where -j says; neither the plan's directory (JMeter's working directory)
    // nor this process's gets a jmeter.log.
    expect(existsSync(path.join(dir, 'performance_light', 'jmeter.log'))).toBe(true);
    expect(existsSync(path.join(serviceDir, 'jmeter', 'jmeter.log'))).toBe(false);
    expect(existsSync(path.join(process.cwd(), 'jmeter.log'))).toBe(false);
  });

  it('fails a plan JMeter cannot load, whatever its exit code', async () => {
    const result = await runJmeterTest(request('broken'));
    expect(result, result.message).toMatchObject({ status: 'failed', reason: 'plan-not-loaded', samples: 0 });
    expect(result.message).toMatch(
      /^JMeter could not load the plan .*broken\.jmx \(near line \d+\): Error in NonGUIDriver/,
    );
    // Debian's JMeter 2.13 says so on its output and exits 0 (JMETER_BIN may name a JMeter that exits 1).
    expect([0, 1]).toContain(result.exitCode);
    // JMeter never started a test, so the window is the process's lifetime.
    expect(result.windowSource).toBe('process');
  });

  it('fails a run with more failed samples than the workload accepts', async () => {
    const result = await runJmeterTest(
      request('smoke', { targetUrl: `http://127.0.0.1:${app.port}/missing` }),
    );
    expect(result, result.message).toMatchObject({
      status: 'failed',
      reason: 'error-rate',
      samples: 2,
      failedSamples: 2,
      errorRate: 1,
      exitCode: 0,
    });
    const rows = await readJtl(result.resultsFile);
    expect(rows.map((r) => [r.label, r.success])).toEqual([
      ['shop_carts_dev_smoke_1 GET /missing', false],
      ['shop_carts_dev_smoke_1 GET /missing', false],
    ]);
  });

  it('stops JMeter, its java process included, when the run is cancelled', async () => {
    const controller = new AbortController();
    const req = request('endurance', { signal: controller.signal });
    let runningBeforeCancel: string[] = [];
    let cancelling: Promise<void> | undefined;
    // Cancel a second after JMeter starts its test, once the process is seen running.
    const onLine = (message: string) => {
      if (cancelling !== undefined || !/Starting (the |standalone )?test @/.test(message)) return;
      cancelling = new Promise((resolve) => setTimeout(resolve, 1_000)).then(async () => {
        runningBeforeCancel = await processesMentioning(req.resultsFile);
        controller.abort();
      });
    };
    const logger: Logger = { debug: onLine, info: onLine, warn: onLine };
    const result: JmeterTestResult = await runJmeterTest({ ...req, logger });
    await cancelling;
    expect(runningBeforeCancel.some((line) => line.includes('java'))).toBe(true);
    expect(result, result.message).toMatchObject({ status: 'failed', reason: 'aborted' });
    // 1000 requests 100 ms apart would take 100 s; cancelled, the run ends within seconds.
    expect(result.durationMs).toBeLessThan(20_000);
    expect(result.samples).toBeLessThan(1000);
    expect(await processesMentioning(req.resultsFile)).toEqual([]);
  });
});
