import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectDiagnostics, keptnExample } from '../test-support/diagnostics.js';
import { loadJmeterConf, parseJmeterConf } from './jmeter-conf.js';

const fixture = (path: string) => fileURLToPath(new URL(`../../../../../fixtures/${path}`, import.meta.url));

describe('loadJmeterConf: Keptn files load unchanged', () => {
  it('reads the quickstart workloads, with jmeter-service values for the fields left out', async () => {
    const file = keptnExample('examples_quickstart_jmeter.conf.yaml');
    const { conf, diagnostics } = await loadJmeterConf(file);
    expect(diagnostics).toEqual([]);
    expect(conf).toEqual({
      file,
      specVersion: '0.1.0',
      workloads: [
        {
          testStrategy: 'performance',
          vuser: 30,
          loopCount: 150,
          thinkTimeMs: 0,
          script: 'jmeter/load.jmx',
          acceptedErrorRate: 1,
          avgRtValidationMs: 0,
          properties: {},
          line: 4,
          column: 5,
        },
        {
          testStrategy: 'performance_light',
          vuser: 50,
          loopCount: 50,
          thinkTimeMs: 0,
          script: 'jmeter/load.jmx',
          acceptedErrorRate: 1,
          avgRtValidationMs: 0,
          properties: {},
          line: 9,
          column: 5,
        },
      ],
    });
  });

  it('reads all seven simplenodeservice workloads, think time included', async () => {
    const { conf, diagnostics } = await loadJmeterConf(
      keptnExample('examples_simplenodeservice_jmeter.conf.yaml'),
    );
    expect(diagnostics).toEqual([]);
    expect(conf?.workloads.map((w) => [w.testStrategy, w.vuser, w.loopCount, w.thinkTimeMs])).toEqual([
      ['performance_long', 10, 2000, 250],
      ['performance_100', 100, 10, 250],
      ['performance_50', 50, 10, 250],
      ['performance_10', 50, 10, 250],
      ['performance_quick', 10, 100, 250],
      ['performance_peak', 10, 500, 250],
      ['performance', 10, 100, 250],
    ]);
  });

  it("reads the demo project's workloads", async () => {
    const { conf, diagnostics } = await loadJmeterConf(
      fixture('demo/.ci-connect/base/carts/jmeter/jmeter.conf.yaml'),
    );
    expect(diagnostics).toEqual([]);
    expect(conf?.workloads.map((w) => [w.testStrategy, w.acceptedErrorRate, w.script])).toEqual([
      ['performance', 0.05, 'jmeter/performance.jmx'],
      ['performance_light', 0, 'jmeter/performance.jmx'],
    ]);
  });
});

describe('loadJmeterConf: mistakes at their file:line:col', () => {
  it('reports every problem of a broken file, and no conf', async () => {
    const { conf, diagnostics } = await loadJmeterConf(fixture('jmeter/runner/bad.jmeter.conf.yaml'));
    expect(conf).toBeUndefined();
    expect(diagnostics.every((d) => d.file.endsWith('bad.jmeter.conf.yaml'))).toBe(true);
    expectDiagnostics(diagnostics, [
      ['warning', '4:1', 'workload_defaults', 'unknown key "workload_defaults"', 'spec_version, workloads'],
      ['error', '7:12', 'workloads[0].vuser', 'vuser must be a whole number >= 1, not 0', 'threads'],
      ['warning', '8:5', 'workloads[0].loopcont', 'unknown key "loopcont"', 'did you mean "loopcount"?'],
      ['error', '9:24', 'workloads[0].acceptederrorrate', 'fraction from 0 to 1, not 5', 'write 0.05 for 5%'],
      ['error', '10:5', 'workloads[1]', 'a workload needs a teststrategy', 'teststrategy: performance'],
      ['error', '12:16', 'workloads[2].thinktime', 'whole number >= 0 (milliseconds), not -250'],
      ['error', '13:13', 'workloads[2].script', 'not the absolute path /opt/tests/functional.jmx'],
      ['error', '15:13', 'workloads[3].script', 'leaves it with ".."', 'jmeter/load.jmx'],
      ['error', '16:22', 'workloads[3].avgrtvalidation', 'not the text "fast"'],
      [
        'error',
        '18:7',
        'workloads[3].properties.VUCount',
        'VUCount is set by ci-connect',
        'vuser, loopcount',
      ],
      [
        'error',
        '19:7',
        'workloads[3].properties.DT_API_TOKEN',
        'names a secret',
        'System.getenv("DT_API_TOKEN")',
      ],
      ['error', '20:12', 'workloads[3].properties.TSN', 'needs a single value'],
      [
        'warning',
        '21:19',
        'workloads[4].teststrategy',
        '"performance" is also defined at line 6',
        'remove one',
      ],
      ['error', '23:5', 'workloads[5]', 'a workload must be a mapping'],
    ]);
  });

  it('never repeats a secret property value in a message', async () => {
    const { diagnostics } = await loadJmeterConf(fixture('jmeter/runner/bad.jmeter.conf.yaml'));
    expect(JSON.stringify(diagnostics)).not.toContain('abc');
  });

  it('names a missing file and where it belongs', async () => {
    const { conf, diagnostics } = await loadJmeterConf('/nonexistent/jmeter.conf.yaml');
    expect(conf).toBeUndefined();
    expectDiagnostics(diagnostics, [
      ['error', '', '', 'file not found', 'base/<service>/jmeter/jmeter.conf.yaml'],
    ]);
  });

  it.each([
    ['workloads: {performance: {vuser: 1}}', '1:12', 'workloads', 'workloads must be a list'],
    ['workloads:\n  - teststrategy: ""\n', '2:19', 'workloads[0].teststrategy', 'needs a teststrategy'],
    ['workloads:\n  - teststrategy: a\n    vuser: 1.5\n', '3:12', 'workloads[0].vuser', 'not 1.5'],
    ['workloads:\n  - teststrategy: a\n    vuser: "10"\n', '3:12', 'workloads[0].vuser', 'not the text "10"'],
    [
      'workloads:\n  - teststrategy: a\n    script: ""\n',
      '3:13',
      'workloads[0].script',
      'must name the JMeter plan',
    ],
    [
      'workloads:\n  - teststrategy: a\n    acceptederrorrate: -0.1\n',
      '3:24',
      'workloads[0].acceptederrorrate',
      'not -0.1',
    ],
    [
      'workloads:\n  - teststrategy: a\n    properties: [x]\n',
      '3:17',
      'workloads[0].properties',
      'must be a mapping',
    ],
    [
      'workloads:\n  - teststrategy: a\n    properties: {"a b": 1}\n',
      '3:18',
      'workloads[0].properties["a b"]',
      'not a JMeter property name',
    ],
    [
      'workloads:\n  - teststrategy: a\n    properties: {jmeter.save.saveservice.output_format: xml}\n',
      '3:18',
      'workloads[0].properties["jmeter.save.saveservice.output_format"]',
      'set by ci-connect',
    ],
    [
      'spec_version: [1]\nworkloads: [{teststrategy: a}]\n',
      '1:15',
      'spec_version',
      'spec_version must be a version text',
    ],
  ])('%j is an error', (text, where, path, message) => {
    const { conf, diagnostics } = parseJmeterConf(text);
    expect(conf).toBeUndefined();
    expectDiagnostics(diagnostics, [['error', where, path, message]]);
  });
});

describe('parseJmeterConf: what a workload means', () => {
  it('fills in the fields a workload leaves out: vuser and loopcount 1, the strategy plan, others 0', () => {
    const { conf, diagnostics } = parseJmeterConf('workloads:\n  - teststrategy: Smoke\n');
    expect(diagnostics).toEqual([]);
    expect(conf?.workloads).toEqual([
      {
        testStrategy: 'smoke',
        vuser: 1,
        loopCount: 1,
        thinkTimeMs: 0,
        script: 'jmeter/smoke.jmx',
        acceptedErrorRate: 0,
        avgRtValidationMs: 0,
        properties: {},
        line: 2,
        column: 5,
      },
    ]);
  });

  it('keeps property values as written, numbers included', () => {
    const text = 'workloads:\n  - teststrategy: a\n    properties: {TSN: checkout, RAMP: 010, ON: true}\n';
    expect(parseJmeterConf(text).conf?.workloads[0]?.properties).toEqual({
      TSN: 'checkout',
      RAMP: '010',
      ON: 'true',
    });
  });

  it('accepts an empty file, or one without workloads, with a warning: the defaults apply', () => {
    for (const text of ['', "spec_version: '0.1.0'\n", 'workloads: []\n']) {
      const { conf, diagnostics } = parseJmeterConf(text);
      expect(conf?.workloads).toEqual([]);
      expect(diagnostics.map((d) => [d.severity, d.message])).toEqual([
        ['warning', expect.stringContaining('built-in workload')],
      ]);
    }
  });
});
