import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectDiagnostics, fixture, keptnExample } from '../config/test-support/diagnostics.js';
import type { Expected } from '../config/test-support/diagnostics.js';
import { loadShipyardFile, parseShipyard } from './shipyard-file.js';
import type { Shipyard } from './types.js';

/** Stage name → its sequences' names, as loaded. */
type Outline = Record<string, string[]>;

interface ExampleExpectation {
  legacy: boolean;
  outline: Outline;
  /** Some sequences' task names, keyed `stage.sequence`. */
  tasks?: Record<string, string[]>;
  /** The warnings, as [line:col, path, message part]. */
  warnings: [string, string, string][];
}

const LEGACY_WARNING: [string, string, string] = ['1:1', '', 'legacy shipyard format (Keptn 0.7 and before'];
const REGISTRY_WARNING: [string, string, string] = ['1:1', 'registry', 'ignored: registry'];
const converted = ['delivery', 'delivery-direct'];
const convertedBlueGreen = ['delivery', 'rollback', 'delivery-direct'];

const EXAMPLES: Record<string, ExampleExpectation> = {
  'examples_onboarding-carts_shipyard.yaml': {
    legacy: false,
    outline: {
      dev: ['delivery', 'delivery-direct'],
      staging: ['delivery', 'rollback', 'delivery-direct'],
      production: ['delivery', 'rollback', 'delivery-direct', 'remediation'],
    },
    tasks: {
      'dev.delivery': ['deployment', 'test', 'evaluation', 'release'],
      'production.remediation': ['get-action', 'action', 'evaluation'],
    },
    warnings: [],
  },
  'examples_onboarding-carts_shipyard-argo.yaml': {
    legacy: false,
    outline: { production: ['artifact-delivery'] },
    tasks: { 'production.artifact-delivery': ['deployment', 'test', 'evaluation', 'release'] },
    warnings: [],
  },
  'examples_onboarding-carts_shipyard-quality-gates.yaml': {
    legacy: false,
    outline: { hardening: [] },
    warnings: [],
  },
  'examples_quickstart_shipyard.yaml': {
    legacy: false,
    outline: { hardening: ['delivery'], production: ['delivery', 'remediation'] },
    tasks: { 'hardening.delivery': ['deployment', 'test', 'evaluation'] },
    warnings: [],
  },
  'examples_unleash-server_shipyard.yaml': {
    legacy: false,
    outline: { dev: ['delivery'] },
    tasks: { 'dev.delivery': ['deployment', 'release'] },
    warnings: [],
  },
  'tracetest_shipyard.yaml': {
    legacy: false,
    outline: { dev: ['sequence1'] },
    tasks: { 'dev.sequence1': ['test', 'evaluation'] },
    warnings: [],
  },
  'examples-0.2.0_onboarding-carts_shipyard.yaml': {
    legacy: true,
    outline: { dev: converted, staging: convertedBlueGreen, production: convertedBlueGreen },
    tasks: {
      'dev.delivery': ['deployment', 'test', 'evaluation', 'release'],
      'production.delivery': ['approval', 'deployment', 'evaluation', 'release'],
    },
    warnings: [LEGACY_WARNING, REGISTRY_WARNING],
  },
  'examples-0.7.3_onboarding-carts_shipyard.yaml': {
    legacy: true,
    outline: {
      dev: converted,
      staging: convertedBlueGreen,
      production: [...convertedBlueGreen, 'remediation'],
    },
    tasks: { 'production.remediation': ['get-action', 'action', 'evaluation'] },
    warnings: [LEGACY_WARNING],
  },
  'examples_simplenodeservice_shipyard.yaml': {
    legacy: true,
    outline: { staging: converted, prod: [...convertedBlueGreen, 'remediation'] },
    warnings: [LEGACY_WARNING, REGISTRY_WARNING],
  },
  'examples_simplenodeservice_shipyard_keptn07.yaml': {
    legacy: true,
    outline: { dev: converted, staging: converted, prod: [...convertedBlueGreen, 'remediation'] },
    tasks: { 'staging.delivery': ['approval', 'deployment', 'test', 'evaluation', 'release'] },
    warnings: [LEGACY_WARNING, REGISTRY_WARNING],
  },
  'gitlab-tutorial_shipyard.yaml': {
    legacy: true,
    outline: { test: [] },
    warnings: [LEGACY_WARNING],
  },
};

function outline(shipyard: Shipyard | undefined): Outline {
  return Object.fromEntries((shipyard?.stages ?? []).map((s) => [s.name, s.sequences.map((q) => q.name)]));
}

function taskNames(shipyard: Shipyard | undefined, key: string): string[] | undefined {
  const [stage, sequence] = key.split('.');
  const found = shipyard?.stages.find((s) => s.name === stage)?.sequences.find((q) => q.name === sequence);
  return found?.tasks.map((t) => t.name);
}

describe('real Keptn shipyards', () => {
  const shipyards = readdirSync(dirname(keptnExample('SOURCES.md'))).filter((f) => f.includes('shipyard'));

  it('has an expectation for every shipyard in fixtures/keptn-examples', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual(shipyards.sort());
  });

  it.each(Object.entries(EXAMPLES))('%s loads as expected', async (name, expected) => {
    const file = keptnExample(name);
    const result = await loadShipyardFile(file);
    expectDiagnostics(
      result.diagnostics,
      expected.warnings.map(([at, path, message]): Expected => ['warning', at, path, message]),
    );
    expect(result.diagnostics.every((d) => d.file === file)).toBe(true);
    expect(result.shipyard?.legacy).toBe(expected.legacy);
    expect(outline(result.shipyard)).toEqual(expected.outline);
    for (const [key, tasks] of Object.entries(expected.tasks ?? {}))
      expect(taskNames(result.shipyard, key), key).toEqual(tasks);
  });

  it('reads the sock-shop shipyard into the typed model, triggers and task properties included', async () => {
    const { shipyard } = await loadShipyardFile(keptnExample('examples_onboarding-carts_shipyard.yaml'));
    expect(shipyard?.apiVersion).toBe('spec.keptn.sh/0.2.2');
    expect(shipyard?.name).toBe('shipyard-sockshop');
    const staging = shipyard?.stages[1];
    expect(staging?.sequences[0]?.triggeredOn).toEqual([
      {
        event: 'dev.delivery.finished',
        stage: 'dev',
        sequence: 'delivery',
        matches: [{ result: 'pass' }, { result: 'warning' }],
      },
    ]);
    expect(staging?.sequences[0]?.tasks.slice(0, 2)).toEqual([
      {
        name: 'deployment',
        properties: { deploymentstrategy: 'blue_green_service' },
        deploymentStrategy: 'blue_green_service',
      },
      { name: 'test', properties: { teststrategy: 'performance' }, testStrategy: 'performance' },
    ]);
    expect(staging?.sequences[1]?.triggeredOn[0]?.matches).toEqual([{ result: 'fail' }]);
    const remediation = shipyard?.stages[2]?.sequences[3];
    expect(remediation?.triggeredOn[0]?.matches).toEqual([{ result: 'fail', task: 'evaluation' }]);
    expect(remediation?.tasks[2]).toEqual({
      name: 'evaluation',
      properties: { timeframe: '15m' },
      triggeredAfterMs: 15 * 60_000,
      timeframe: '15m',
    });
  });

  it('reads an unquoted timeframe (tracetest: timeframe: 5m) as written', async () => {
    const { shipyard } = await loadShipyardFile(keptnExample('tracetest_shipyard.yaml'));
    expect(shipyard?.stages[0]?.sequences[0]?.tasks[1]?.timeframe).toBe('5m');
  });

  it('reads the demo project shipyard, approval modes included, without a diagnostic', async () => {
    const file = fixture('../demo/.ci-connect/shipyard.yaml');
    const { shipyard, diagnostics } = await loadShipyardFile(file);
    expect(diagnostics).toEqual([]);
    expect(shipyard?.stages[1]?.sequences[0]?.tasks[0]?.approval).toEqual({
      pass: 'automatic',
      warning: 'manual',
    });
  });
});

describe('hand-made broken shipyards (fixtures/config/shipyard)', () => {
  const cases: [string, Expected[]][] = [
    [
      'duplicate-stage.yaml',
      [
        [
          'error',
          '12:17',
          'spec.stages[0].sequences[1].name',
          'sequence "delivery" is defined twice (first at line 9)',
          'names must be unique',
        ],
        [
          'error',
          '15:13',
          'spec.stages[1].name',
          'stage "dev" is defined twice (first at line 7)',
          'rename or remove one',
        ],
      ],
    ],
    [
      'missing-trigger.yaml',
      [
        [
          'error',
          '16:22',
          'spec.stages[1].sequences[0].triggeredOn[0].event',
          'stage "dev" has no sequence "delivry"',
          'did you mean "delivery"? the sequences of dev are: delivery, evaluation',
        ],
        [
          'error',
          '17:22',
          'spec.stages[1].sequences[0].triggeredOn[1].event',
          'there is no stage "hardening"',
          'the stages are: dev, production',
        ],
        [
          'error',
          '18:22',
          'spec.stages[1].sequences[0].triggeredOn[2].event',
          '"dev.delivery.triggered" is not <stage>.<sequence>.finished',
          'started by another one finishing',
        ],
        [
          'error',
          '19:22',
          'spec.stages[1].sequences[0].triggeredOn[3].event',
          '"sh.keptn.event.dev.delivery.finished" is not',
          'write "dev.delivery.finished"',
        ],
      ],
    ],
    [
      'bad-selector.yaml',
      [
        [
          'error',
          '20:27',
          'spec.stages[0].sequences[1].triggeredOn[0].selector.match.result',
          '"failed" is not a result',
          'did you mean "fail"?',
        ],
        [
          'error',
          '28:19',
          'spec.stages[0].sequences[2].triggeredOn[0].selector.match.status',
          'unknown selector key "status"',
          'write result: fail',
        ],
      ],
    ],
    [
      'bad-strategy.yaml',
      [
        [
          'error',
          '13:23',
          'spec.stages[0].sequences[0].tasks[0].properties.pass',
          '"automatically" is not an approval mode',
          'did you mean "automatic"?',
        ],
        [
          'error',
          '17:37',
          'spec.stages[0].sequences[0].tasks[1].properties.deploymentstrategy',
          '"canary" is not a deployment strategy',
          'the strategies are: direct, blue_green_service, user_managed',
        ],
        [
          'error',
          '20:31',
          'spec.stages[0].sequences[0].tasks[2].properties.teststrategy',
          '"../../etc/passwd" is not a test strategy',
          'letters, digits, - and _',
        ],
        [
          'error',
          '22:31',
          'spec.stages[0].sequences[0].tasks[3].triggeredAfter',
          '"soon" is not a duration',
          'write e.g. 5m',
        ],
        [
          'error',
          '24:28',
          'spec.stages[0].sequences[0].tasks[3].properties.timeframe',
          'at least 1 minute',
          'timeframe: 5m',
        ],
        [
          'error',
          '25:15',
          'spec.stages[0].sequences[0].tasks[4].properties',
          'missing: a deployment task needs a deploymentstrategy',
          'deploymentstrategy: direct',
        ],
      ],
    ],
    [
      'syntax-error.yaml',
      [['error', '7:1', '', 'YAML syntax error: Missing closing "quote', 'check the quotes']],
    ],
    [
      'wrong-api-version.yaml',
      [
        [
          'error',
          '1:13',
          'apiVersion',
          '"spec.keptn.sh/0.1.7" is not a shipyard version',
          'a legacy 0.1 shipyard has no apiVersion at all',
        ],
      ],
    ],
    [
      'bad-names.yaml',
      [
        [
          'error',
          '7:13',
          'spec.stages[0].name',
          '"Dev_Stage" is not a valid stage name',
          'did you mean "dev-stage"?',
        ],
        [
          'error',
          '9:17',
          'spec.stages[0].sequences[0].name',
          '"quality.gate" is not a valid sequence name',
          'did you mean "quality-gate"?',
        ],
        [
          'error',
          '11:21',
          'spec.stages[0].sequences[0].tasks[0].name',
          '"load test" is not a valid task name',
          'did you mean "load-test"?',
        ],
        [
          'error',
          '13:11',
          'spec.stages[0].sequences[1].tasks',
          'no tasks: a sequence needs at least one task',
        ],
        ['error', '14:7', 'spec.stages[1].name', 'missing: every stage needs a name', 'add e.g. name: dev'],
      ],
    ],
    [
      'legacy-bad.yaml',
      [
        ['warning', '1:1', '', 'legacy shipyard format'],
        ['error', '3:26', 'stages[0].deployment_strategy', '"canary" is not a deployment strategy'],
        [
          'error',
          '8:13',
          'stages[1].approval_strategy.pass',
          '"auto" is not an approval mode',
          'write automatic or manual',
        ],
      ],
    ],
  ];

  it.each(cases)('%s is rejected at file:line:col', async (name, expected) => {
    const file = fixture('shipyard', name);
    const result = await loadShipyardFile(file);
    expect(result.shipyard).toBeUndefined();
    expectDiagnostics(result.diagnostics, expected);
    expect(result.diagnostics.every((d) => d.file === file)).toBe(true);
  });

  it('warnings.yaml loads, with a warning for each likely mistake', async () => {
    const result = await loadShipyardFile(fixture('shipyard', 'warnings.yaml'));
    expectDiagnostics(result.diagnostics, [
      [
        'warning',
        '14:37',
        'spec.stages[0].sequences[0].tasks[0].properties.deploymentstrategy',
        '"duplicate" is an old name of blue_green_service',
        'write blue_green_service',
      ],
      [
        'warning',
        '17:17',
        'spec.stages[0].sequences[0].tasks[1].properties.test_strategy',
        'does not read "test_strategy"',
        'did you mean "teststrategy"?',
      ],
      [
        'warning',
        '24:19',
        'spec.stages[0].sequences[1].triggeredOn[0].selector.match["approval.result"]',
        'never matches: the triggering sequence has no task "approval"',
        'the tasks of the triggering sequence are: deployment, test, evaluation',
      ],
      ['warning', '27:11', 'spec.stages[0].sequences[1].sequnce', 'unknown key "sequnce" (ignored)'],
    ]);
    expect(result.shipyard?.stages[0]?.sequences[0]?.tasks[0]?.deploymentStrategy).toBe('blue_green_service');
  });
});

describe('shipyard rules on small documents', () => {
  const head = 'apiVersion: spec.keptn.sh/0.2.3\nkind: Shipyard\n';
  const oneStage = 'spec:\n  stages:\n    - name: dev\n';

  it.each([
    [
      'no apiVersion, spec present',
      `kind: Shipyard\n${oneStage}`,
      [['error', '', 'apiVersion', 'missing: a shipyard starts with apiVersion']],
    ],
    [
      'no stages',
      `${head}spec: {}\n`,
      [['error', '3:1', 'spec', 'no stages: a shipyard needs at least one stage']],
    ],
    ['empty stage list', `${head}spec:\n  stages: []\n`, [['error', '4:3', 'spec.stages', 'no stages']]],
    [
      'stages at the top with apiVersion',
      `${head}stages:\n  - name: dev\n`,
      [
        ['error', '', 'spec', 'no stages'],
        ['error', '3:1', 'stages', 'legacy 0.1 format; with apiVersion they belong under spec'],
      ],
    ],
    [
      'a kind that is not Shipyard',
      `apiVersion: spec.keptn.sh/0.2.3\nkind: Remediation\n${oneStage}`,
      [['error', '2:7', 'kind', '"Remediation" is not one of Shipyard']],
    ],
    [
      'a stage name with a trailing hyphen',
      `${head}spec:\n  stages:\n    - name: dev-\n`,
      [['error', '5:13', 'spec.stages[0].name', '"dev-" is not a valid stage name']],
    ],
    [
      'a null task',
      `${head}spec:\n  stages:\n    - name: dev\n      sequences:\n        - name: d\n          tasks:\n            -\n`,
      [['error', '9:14', 'spec.stages[0].sequences[0].tasks[0]', 'empty task']],
    ],
  ] satisfies [string, string, Expected[]][])('%s', async (_, text, expected) => {
    const result = await parseShipyard(text);
    expect(result.shipyard).toBeUndefined();
    expectDiagnostics(result.diagnostics, expected);
  });

  it('with the runnable task names, reports a typo as an error and an unknown task as a warning', async () => {
    const tasks =
      '          tasks:\n            - name: tests\n            - name: smoke\n            - name: evaluation\n';
    const text = `${head}spec:\n  stages:\n    - name: dev\n      sequences:\n        - name: d\n${tasks}`;
    const runnableTasks = ['test', 'evaluation'];
    const result = await parseShipyard(text, 'shipyard.yaml', { runnableTasks });
    expect(result.shipyard).toBeUndefined();
    expectDiagnostics(result.diagnostics, [
      ['error', '9:21', 'spec.stages[0].sequences[0].tasks[0].name', 'the task "tests" has no runner'],
      ['warning', '10:21', 'spec.stages[0].sequences[0].tasks[1].name', 'the task "smoke" has no runner'],
    ]);
    expect(result.diagnostics[0]?.hint).toMatch(/^did you mean "test"\?/);
    // Without them (a stage run reads the shipyard before its settings decide), nothing is said.
    expect((await parseShipyard(text)).diagnostics).toEqual([]);
  });

  it.each([['spec.keptn.sh/0.2.0'], ['spec.keptn.sh/0.2.4'], ['spec.keptn.sh/0.2'], ['0.2.0']])(
    'accepts apiVersion %s',
    async (version) => {
      const result = await parseShipyard(`apiVersion: ${version}\nkind: Shipyard\n${oneStage}`);
      expect(result.diagnostics).toEqual([]);
      expect(result.shipyard?.apiVersion).toBe(version);
    },
  );

  it('reads single-letter and digit-bearing stage names (Keptn: ^[a-z][a-z0-9]*)', async () => {
    const result = await parseShipyard(`${head}spec:\n  stages:\n    - name: a\n    - name: prod2\n`);
    expect(result.shipyard?.stages.map((s) => s.name)).toEqual(['a', 'prod2']);
  });

  it("defaults a missing approval mode to manual, as Keptn's approval-service did", async () => {
    const text = `${head}spec:\n  stages:\n    - name: dev\n      sequences:\n        - name: delivery\n          tasks:\n            - name: approval\n              properties:\n                pass: automatic\n`;
    const { shipyard } = await parseShipyard(text);
    expect(shipyard?.stages[0]?.sequences[0]?.tasks[0]?.approval).toEqual({
      pass: 'automatic',
      warning: 'manual',
    });
  });

  it('passes the properties of other tasks on unchecked', async () => {
    const text = `${head}spec:\n  stages:\n    - name: dev\n      sequences:\n        - name: delivery\n          tasks:\n            - name: security-scan\n              properties:\n                severity: high\n                deploymentstrategy: anything\n`;
    const { shipyard, diagnostics } = await parseShipyard(text);
    expect(diagnostics).toEqual([]);
    expect(shipyard?.stages[0]?.sequences[0]?.tasks[0]).toEqual({
      name: 'security-scan',
      properties: { severity: 'high', deploymentstrategy: 'anything' },
    });
  });

  it('never echoes an unknown top-level value, only names the key', async () => {
    const result = await parseShipyard(`${head}${oneStage}token: hunter2\n`);
    expect(result.diagnostics.map((d) => d.message)).toEqual(['unknown key "token" (ignored)']);
    expect(JSON.stringify(result.diagnostics)).not.toContain('hunter2');
  });
});
