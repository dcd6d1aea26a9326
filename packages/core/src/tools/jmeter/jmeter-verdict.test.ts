import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../environment.js';
import { createRedactor } from '../../redaction/redaction.js';
import {
  cutSecretRedactor,
  linesCuttingSecret,
  secretFragmentsIn,
} from '../../redaction/test-support/secret-across-cut.js';
import { JmeterOutputWatcher } from './jmeter-output.js';
import type { VerdictInput } from './jmeter-verdict.js';
import { formatPercent, judgeJmeterRun } from './jmeter-verdict.js';
import type { JmeterWorkload } from '../../config/jmeter/jmeter-workload.js';

const workload: JmeterWorkload = {
  testStrategy: 'performance',
  vuser: 2,
  loopCount: 5,
  thinkTimeMs: 0,
  script: 'jmeter/performance.jmx',
  acceptedErrorRate: 0.1,
  avgRtValidationMs: 0,
  properties: {},
};

type Overrides = Omit<Partial<VerdictInput>, 'workload'> & { workload?: Partial<JmeterWorkload> };

const cleanExit = {
  exitCode: 0,
  signal: null,
  timedOut: false,
  aborted: false,
  outputTail: '... end of run\n',
};
const started = { testStartedAt: 1_795_353_901_952, testEndedAt: 1_795_353_902_781 };

function input(overrides: Overrides = {}): VerdictInput {
  return {
    planFile: '/p/plan.jmx',
    logFile: '/r/jmeter.log',
    timeoutMs: 120_000,
    process: cleanExit,
    output: started,
    results: { samples: 10, failed: 0, averageMs: 42 },
    redactor: createRedactor(),
    ...overrides,
    workload: { ...workload, ...overrides.workload },
  };
}

describe('judgeJmeterRun', () => {
  it.each<[string, Overrides, string, string]>([
    ['no failures', {}, 'passed', '0 of 10 samples failed (0%), within the accepted 10%'],
    [
      'exactly the accepted error rate',
      { results: { samples: 10, failed: 1, averageMs: 42 } },
      'passed',
      '1 of 10 samples failed (10%), within the accepted 10%',
    ],
    [
      'one failure more than accepted',
      { results: { samples: 10, failed: 2, averageMs: 42 } },
      'error-rate',
      '2 of 10 samples failed (20%), more than the accepted 10%',
    ],
    [
      'a rate whose product with the samples is not exact in binary (0.29 x 100)',
      { workload: { acceptedErrorRate: 0.29 }, results: { samples: 100, failed: 29, averageMs: 42 } },
      'passed',
      '29 of 100 samples failed (29%), within the accepted 29%',
    ],
    [
      'any failure under acceptederrorrate 0',
      { workload: { acceptedErrorRate: 0 }, results: { samples: 1000, failed: 1, averageMs: 42 } },
      'error-rate',
      '1 of 1000 samples failed (0.1%), more than the accepted 0%',
    ],
    [
      'a failure in a functional test, whatever its accepted rate',
      {
        workload: { testStrategy: 'functional', acceptedErrorRate: 0.5 },
        results: { samples: 10, failed: 1, averageMs: 42 },
      },
      'error-rate',
      'the functional test strategy accepts no failed sample',
    ],
    [
      'every sample failed under acceptederrorrate 1.0 (Keptn quickstart)',
      { workload: { acceptedErrorRate: 1 }, results: { samples: 10, failed: 10, averageMs: 42 } },
      'passed',
      '10 of 10 samples failed (100%), within the accepted 100%',
    ],
    [
      'an average response time above avgrtvalidation',
      { workload: { avgRtValidationMs: 40 }, results: { samples: 10, failed: 0, averageMs: 40.5 } },
      'response-time',
      'the average response time 40.5 ms is above the accepted 40 ms (avgrtvalidation)',
    ],
    [
      'an average response time at avgrtvalidation',
      { workload: { avgRtValidationMs: 42 } },
      'passed',
      'within the accepted 10%',
    ],
    [
      'no samples, after the test started',
      { results: { samples: 0, failed: 0, averageMs: null } },
      'no-samples',
      "JMeter recorded no samples; check the plan's thread group (VUCount threads x LoopCount) and /r/jmeter.log",
    ],
    [
      'no samples, and the test never started',
      { output: {}, results: { samples: 0, failed: 0, averageMs: null } },
      'no-samples',
      'JMeter recorded no samples and never started the test',
    ],
    [
      'a plan JMeter could not load, although it exited 0',
      {
        output: {
          planError:
            "Error in NonGUIDriver java.lang.IllegalArgumentException: Problem loading XML from:'/p/plan.jmx'",
          planErrorLine: 31,
        },
      },
      'plan-not-loaded',
      "JMeter could not load the plan /p/plan.jmx (near line 31): Error in NonGUIDriver java.lang.IllegalArgumentException: Problem loading XML from:'/p/plan.jmx'",
    ],
    [
      'a non-zero exit, with its last output line',
      {
        process: {
          ...cleanExit,
          exitCode: 1,
          outputTail: 'Starting\nAn error occurred: java.lang.OutOfMemoryError\n\n',
        },
      },
      'exit-code',
      'JMeter exited with code 1: An error occurred: java.lang.OutOfMemoryError; see /r/jmeter.log',
    ],
    [
      'an end by a signal',
      { process: { ...cleanExit, exitCode: null, signal: 'SIGKILL', outputTail: '' } },
      'exit-code',
      'JMeter was ended by SIGKILL; see /r/jmeter.log',
    ],
    [
      'a timeout, even with good samples',
      { process: { ...cleanExit, exitCode: null, signal: 'SIGTERM', timedOut: true } },
      'timed-out',
      'JMeter did not finish within 2 min and was stopped',
    ],
    [
      'a cancel',
      { process: { ...cleanExit, exitCode: null, signal: 'SIGTERM', aborted: true } },
      'aborted',
      'the test was cancelled and JMeter stopped',
    ],
    [
      'results that cannot be read',
      { results: { unreadable: '/r/out.jtl holds XML results' } },
      'results-unreadable',
      'the results cannot be read: /r/out.jtl holds XML results',
    ],
  ])('%s', (_what, overrides, reason, message) => {
    const verdict = judgeJmeterRun(input(overrides));
    expect(verdict.reason).toBe(reason);
    expect(verdict.status).toBe(reason === 'passed' ? 'succeeded' : 'failed');
    expect(verdict.message).toContain(message);
  });

  it('judges a plan that did not load before a non-zero exit, so the message says why', () => {
    const verdict = judgeJmeterRun(
      input({ process: { ...cleanExit, exitCode: 1 }, output: { planError: 'Could not open /p/plan.jmx' } }),
    );
    expect(verdict.reason).toBe('plan-not-loaded');
  });

  it('redacts the last output line before it cuts it: no 2 characters of a secret across the cut remain', () => {
    for (const { line, kept } of linesCuttingSecret(300)) {
      const verdict = judgeJmeterRun(
        input({
          process: { ...cleanExit, exitCode: 1, outputTail: `starting\n${line}\n` },
          redactor: cutSecretRedactor(),
        }),
      );
      expect(verdict.message, `${kept} characters before the cut`).toMatch(
        /^JMeter exited with code 1: x+\*/,
      );
      expect(secretFragmentsIn(verdict.message), `${kept} characters before the cut`).toEqual([]);
    }
  });
});

describe('formatPercent', () => {
  it.each([
    [0, '0%'],
    [0.05, '5%'],
    [1 / 3, '33.33%'],
    [0.001, '0.1%'],
    [1, '100%'],
  ])('%d is %s', (fraction, text) => expect(formatPercent(fraction)).toBe(text));
});

// Real console output of Debian's JMeter 2.13 (../shared/tools/jmeter), trimmed to the lines that matter.
const PASSING_RUN = [
  'Creating summariser <summary>',
  'Created the tree successfully using /work/main/fixtures/jmeter/runner/check.jmx',
  'Starting the test @ Sun Nov 22 13:25:01 UTC 2026 (1795353901952)',
  'Waiting for possible shutdown message on port 4445',
  'summary +      1 in     1s =    1.5/s Avg:   110 Min:   110 Max:   110 Err:     0 (0.00%) Active: 2 Started: 2 Finished: 0',
  'summary =      6 in     1s =    8.5/s Avg:    42 Min:     4 Max:   112 Err:     0 (0.00%)',
  'Tidying up ...    @ Sun Nov 22 13:25:02 UTC 2026 (1795353902781)',
  '... end of run',
];
const BROKEN_PLAN = [
  'INFO    2026-11-22 13:25:14.637 [jmeter.s] (): All converter versions present and correct',
  "Error in NonGUIDriver java.lang.IllegalArgumentException: Problem loading XML from:'/work/main/fixtures/jmeter/runner/broken.jmx', conversion error com.thoughtworks.xstream.converters.ConversionException: ",
  '---- Debugging information ----',
  'path                : /jmeterTestPlan/hashTree/hashTree/ThreadGroup',
  'line number         : 31',
  'version             : 2.13.19691222',
];

describe('JmeterOutputWatcher', () => {
  function watch(lines: readonly string[]) {
    const logger = createMemoryLogger();
    const watcher = new JmeterOutputWatcher(createRedactor(), logger);
    for (const line of lines) watcher.onLine('stdout', line);
    return { facts: watcher.facts, logger };
  }

  it("reads the test's start and end from JMeter 2.13's own lines", () => {
    expect(watch(PASSING_RUN).facts).toEqual({ testStartedAt: 1795353901952, testEndedAt: 1795353902781 });
  });

  it("reads JMeter 5's start line too", () => {
    const line = 'Starting standalone test @ Mon Jan 31 10:00:00 UTC 2022 (1643623200000)';
    expect(watch([line]).facts).toEqual({ testStartedAt: 1643623200000 });
  });

  it('finds the plan error and the line the XML reader named', () => {
    const { facts } = watch(BROKEN_PLAN);
    expect(facts.planError).toMatch(/^Error in NonGUIDriver .*Problem loading XML from:'.*broken\.jmx'/);
    expect(facts.planErrorLine).toBe(31);
    expect(facts.testStartedAt).toBeUndefined();
  });

  it('finds a plan JMeter could not open', () => {
    expect(watch(['Could not open /tmp/nonexistent.jmx']).facts).toEqual({
      planError: 'Could not open /tmp/nonexistent.jmx',
    });
  });

  it('redacts the plan error line before it cuts it: no 2 characters of a secret across the cut remain', () => {
    for (const { line, kept } of linesCuttingSecret(300, 'Could not open ')) {
      const watcher = new JmeterOutputWatcher(cutSecretRedactor());
      watcher.onLine('stderr', line);
      const planError = watcher.facts.planError ?? '';
      expect(planError, `${kept} characters before the cut`).toMatch(/^Could not open x+\*/);
      expect(secretFragmentsIn(planError), `${kept} characters before the cut`).toEqual([]);
    }
  });

  it('passes progress lines on as info and the rest as debug', () => {
    const { logger } = watch(PASSING_RUN);
    expect(logger.lines.filter((l) => l.level === 'info').map((l) => l.message)).toEqual([
      `jmeter: ${PASSING_RUN[4]}`,
      `jmeter: ${PASSING_RUN[5]}`,
    ]);
    expect(logger.lines.filter((l) => l.level === 'debug')).toHaveLength(PASSING_RUN.length - 2);
  });
});
