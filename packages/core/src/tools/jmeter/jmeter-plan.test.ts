import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import { parseJmeterConf } from '../../config/jmeter/jmeter-conf.js';
import type { JmeterTestRequest } from './jmeter-plan.js';
import { planJmeterTest } from './jmeter-plan.js';
import { keptnLoadTestName, targetProperties } from './jmeter-properties.js';
import type { JmeterConf, JmeterWorkload } from '../../config/jmeter/jmeter-workload.js';
import { resolveWorkload } from '../../config/jmeter/jmeter-workload.js';

const workload: JmeterWorkload = {
  testStrategy: 'performance',
  vuser: 10,
  loopCount: 100,
  thinkTimeMs: 250,
  script: 'jmeter/load.jmx',
  acceptedErrorRate: 0.05,
  avgRtValidationMs: 0,
  properties: { TSN: 'checkout' },
};

function request(overrides: Partial<JmeterTestRequest> = {}): JmeterTestRequest {
  return {
    jmeterBin: 'jmeter',
    planFile: '/cfg/base/carts/jmeter/load.jmx',
    resultsFile: '/work/results/performance.jtl',
    logFile: '/work/results/jmeter.log',
    workload,
    targetUrl: 'http://carts.dev.svc:8080/health/ready',
    loadTestName: 'shop_carts_dev_performance_812',
    timeoutMs: 600_000,
    ...overrides,
  };
}

describe('planJmeterTest', () => {
  it("builds jmeter-service's command line: non-GUI, the plan, results, log and every property", () => {
    const plan = planJmeterTest(request({ context: { project: 'shop', stage: 'dev', service: 'carts' } }));
    expect(plan.argv).toEqual([
      'jmeter',
      '-n',
      '-t',
      '/cfg/base/carts/jmeter/load.jmx',
      '-l',
      '/work/results/performance.jtl',
      '-j',
      '/work/results/jmeter.log',
      '-JPROTOCOL=http',
      '-JSERVER_PROTOCOL=http',
      '-JSERVER_URL=carts.dev.svc',
      '-JSERVER_PORT=8080',
      '-JCHECK_PATH=/health/ready',
      '-JDT_LTN=shop_carts_dev_performance_812',
      '-JVUCount=10',
      '-JLoopCount=100',
      '-JThinkTime=250',
      '-JKEPTN_PROJECT=shop',
      '-JKEPTN_STAGE=dev',
      '-JKEPTN_SERVICE=carts',
      '-JKEPTN_TESTSTRATEGY=performance',
      '-JTSN=checkout',
      '-Jjmeter.save.saveservice.output_format=csv',
      '-Jjmeter.save.saveservice.print_field_names=true',
      '-Jjmeter.save.saveservice.default_delimiter=,',
      '-Jjmeter.save.saveservice.timestamp_format=ms',
      '-Jjmeter.save.saveservice.time=true',
      '-Jjmeter.save.saveservice.label=true',
      '-Jjmeter.save.saveservice.successful=true',
      '-Jjmeter.save.saveservice.response_code=true',
      '-Jjmeter.save.saveservice.latency=true',
      '-Jjmeter.save.saveservice.connect_time=true',
    ]);
    expect(plan.cwd).toBe('/cfg/base/carts/jmeter');
    expect(plan.timeoutMs).toBe(600_000);
  });

  it('keeps each value as one argument, spaces and quotes included: no shell ever reads it', () => {
    const plan = planJmeterTest(request({ properties: { TSN: 'add "item"; rm -rf /' } }));
    expect(plan.argv).toContain('-JTSN=add "item"; rm -rf /');
    expect(plan.argv.filter((arg) => arg.startsWith('-JTSN='))).toHaveLength(1);
  });

  it("leaves out the target and Keptn context when not given: the plan's defaults apply", () => {
    const { argv } = planJmeterTest(request({ targetUrl: undefined }));
    expect(
      argv.filter((arg) => /^-J(PROTOCOL|SERVER_|CHECK_PATH|KEPTN_(PROJECT|STAGE|SERVICE))/.test(arg)),
    ).toEqual([]);
    expect(argv).toContain('-JKEPTN_TESTSTRATEGY=performance');
  });

  it('makes the paths absolute, the jmeter path too, and takes the given working directory', () => {
    const plan = planJmeterTest(
      request({
        jmeterBin: '../tools/jmeter',
        planFile: 'plan.jmx',
        resultsFile: 'out/r.jtl',
        logFile: 'out/j.log',
        cwd: 'work',
      }),
    );
    expect([plan.argv[0], plan.planFile, plan.resultsFile, plan.logFile, plan.cwd]).toEqual(
      ['../tools/jmeter', 'plan.jmx', 'out/r.jtl', 'out/j.log', 'work'].map((p) => resolve(p)),
    );
  });

  it.each<[string, Partial<JmeterTestRequest>, string]>([
    ['a property ci-connect sets', { properties: { VUCount: '99' } }, 'VUCount is set by ci-connect'],
    [
      'a results format property',
      { properties: { 'jmeter.save.saveservice.output_format': 'xml' } },
      'set by ci-connect',
    ],
    ['a secret-looking property', { properties: { API_TOKEN: 'x' } }, 'API_TOKEN names a secret'],
    ['a property name with "="', { properties: { 'a=b': 'x' } }, 'is not a JMeter property name'],
    ['the log as results file', { logFile: '/work/results/performance.jtl' }, 'three different files'],
    ['no timeout', { timeoutMs: 0 }, 'positive duration'],
    ['no jmeter command', { jmeterBin: ' ' }, 'no jmeter command'],
    ['a non-http target', { targetUrl: 'ftp://carts' }, 'not an http(s) URL'],
    [
      'a target that is no URL',
      { targetUrl: 'carts:8080' },
      'the test target "carts:8080" is not an http(s) URL',
    ],
    ['a relative target', { targetUrl: '/carts' }, 'is not a URL'],
    ['a target with a password', { targetUrl: 'http://me:s3cret@carts' }, 'contains a user or password'],
  ])('refuses %s with a UsageError', (_what, overrides, message) => {
    expect(() => planJmeterTest(request(overrides))).toThrow(UsageError);
    expect(() => planJmeterTest(request(overrides))).toThrow(message);
  });

  it.each(['http://me:s3cret@carts', 'http://me:s3cret@', 'http://me:s3cret@:99999'])(
    'never repeats the password of the target %s',
    (targetUrl) => {
      let thrown: unknown;
      try {
        planJmeterTest(request({ targetUrl }));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UsageError);
      const { message, hint } = thrown as UsageError;
      expect(`${message} ${hint}`).not.toContain('s3cret');
    },
  );
});

describe('targetProperties: the target as jmeter-service derived it', () => {
  it.each([
    ['http://carts', 'http', 'carts', '80', '/health'],
    ['https://carts.example.com', 'https', 'carts.example.com', '443', '/health'],
    ['http://carts/', 'http', 'carts', '80', '/'],
    ['https://carts:8443/api/health?x=1', 'https', 'carts', '8443', '/api/health'],
    ['HTTP://Carts:8080', 'http', 'carts', '8080', '/health'],
    ['http://[::1]:9000/ready', 'http', '::1', '9000', '/ready'],
  ])('%s', (url, protocol, host, port, path) => {
    expect(targetProperties(url)).toEqual({
      PROTOCOL: protocol,
      SERVER_PROTOCOL: protocol,
      SERVER_URL: host,
      SERVER_PORT: port,
      CHECK_PATH: path,
    });
  });
});

describe('resolveWorkload', () => {
  const conf = parseJmeterConf(
    'workloads:\n  - teststrategy: performance_light\n    vuser: 2\n    script: jmeter/light.jmx\n',
    'jmeter.conf.yaml',
  ).conf as JmeterConf;

  it('takes the jmeter.conf.yaml entry, matching the strategy without regard to case', () => {
    const resolved = resolveWorkload(conf, ' Performance_Light ');
    expect(resolved).toMatchObject({
      testStrategy: 'performance_light',
      vuser: 2,
      loopCount: 1,
      script: 'jmeter/light.jmx',
    });
    expect(resolved.origin).toEqual({ kind: 'conf', file: 'jmeter.conf.yaml', line: 2, column: 5 });
    expect(resolved.scriptCandidates).toEqual(['jmeter/light.jmx']);
  });

  it.each([
    ['performance', 10, 500, 250, 0.1, ['jmeter/performance.jmx', 'jmeter/load.jmx']],
    ['functional', 1, 1, 250, 0.1, ['jmeter/functional.jmx', 'jmeter/load.jmx']],
    ['healthcheck', 1, 1, 250, 0, ['jmeter/healthcheck.jmx', 'jmeter/basiccheck.jmx']],
    ['smoke', 1, 1, 250, 0.1, ['jmeter/smoke.jmx']],
  ])("falls back to jmeter-service's default for %s", (strategy, vuser, loops, think, rate, candidates) => {
    for (const source of [conf, undefined]) {
      const resolved = resolveWorkload(source, strategy);
      expect(resolved).toEqual({
        testStrategy: strategy,
        vuser,
        loopCount: loops,
        thinkTimeMs: think,
        acceptedErrorRate: rate,
        avgRtValidationMs: 0,
        properties: {},
        script: candidates[0],
        origin: { kind: 'default' },
        scriptCandidates: candidates,
      });
    }
  });
});

describe('keptnLoadTestName', () => {
  it('joins project, service, stage, strategy and run as jmeter-service did', () => {
    expect(
      keptnLoadTestName({
        project: 'shop',
        service: 'carts',
        stage: 'dev',
        testStrategy: 'performance',
        run: '812',
      }),
    ).toBe('shop_carts_dev_performance_812');
  });
});
