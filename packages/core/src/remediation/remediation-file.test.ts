import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectDiagnostics, fixture, keptnExample } from '../config/test-support/diagnostics.js';
import type { Expected } from '../config/test-support/diagnostics.js';
import { loadRemediationFile, parseRemediation } from './remediation-file.js';

/** Per real Keptn remediation file: problem types and their action ids. */
const EXAMPLES: Record<string, [string, string[]][]> = {
  'examples_onboarding-carts_remediation.yaml': [
    ['Response time degradation', ['scaling']],
    ['response_time_p90', ['scaling']],
  ],
  'examples_onboarding-carts_remediation_feature_toggle.yaml': [
    ['Response time degradation', ['toggle-feature']],
    ['Failure rate increase', ['toggle-feature']],
  ],
  'examples_quickstart_remediation.yaml': [
    ['out_of_memory', ['restart']],
    ['response_time_p90', ['scaling']],
  ],
};

describe('real Keptn remediation files', () => {
  it('has an expectation for every remediation file in fixtures/keptn-examples', () => {
    const files = readdirSync(dirname(keptnExample('SOURCES.md'))).filter((f) => f.includes('remediation'));
    expect(Object.keys(EXAMPLES).sort()).toEqual(files.sort());
  });

  it.each(Object.entries(EXAMPLES))('%s loads without any diagnostic', async (name, expected) => {
    const { remediation, diagnostics } = await loadRemediationFile(keptnExample(name));
    expect(diagnostics).toEqual([]);
    expect(remediation?.name).toBe('carts-remediation');
    expect(remediation?.remediations.map((r) => [r.problemType, r.actions.map((a) => a.action)])).toEqual(
      expected,
    );
  });

  it('keeps a mapping value as it is (feature toggles), and an absent value absent', async () => {
    const toggles = await loadRemediationFile(
      keptnExample('examples_onboarding-carts_remediation_feature_toggle.yaml'),
    );
    expect(toggles.remediation?.remediations[0]?.actions[0]).toEqual({
      action: 'toggle-feature',
      name: 'Toogle feature flag',
      description: 'Toogle feature flag EnableItemCache to ON',
      value: { EnableItemCache: 'on' },
    });
    const quickstart = await loadRemediationFile(keptnExample('examples_quickstart_remediation.yaml'));
    expect(quickstart.remediation?.remediations[0]?.actions[0]).toEqual({
      action: 'restart',
      name: 'restart',
      description: 'Restart Pod',
    });
  });
});

describe('broken remediation files', () => {
  it('reports every problem of remediation-bad.yaml at file:line:col', async () => {
    const file = fixture('shipyard', 'remediation-bad.yaml');
    const result = await loadRemediationFile(file);
    expect(result.remediation).toBeUndefined();
    expectDiagnostics(result.diagnostics, [
      [
        'error',
        '1:13',
        'apiVersion',
        '"spec.keptn.sh/0.1.3" is not a remediation version',
        'write apiVersion: spec.keptn.sh/0.1.4',
      ],
      [
        'error',
        '9:11',
        'spec.remediations[0].actionsOnOpen[0].action',
        "missing: the action's identifier",
        'action: scaling',
      ],
      [
        'warning',
        '12:20',
        'spec.remediations[1].problemType',
        'never used: problemType "Response time degradation" appears earlier (line 7)',
        'merge its actionsOnOpen',
      ],
      ['error', '15:7', 'spec.remediations[2].problemType', 'missing: the problem this remediation is for'],
      [
        'error',
        '15:7',
        'spec.remediations[2].actionsOnOpen',
        'no actions: a remediation needs at least one action',
      ],
    ]);
    expect(result.diagnostics.every((d) => d.file === file)).toBe(true);
  });

  it.each([
    [
      'no apiVersion',
      'kind: Remediation\nspec:\n  remediations: []\n',
      [
        ['error', '', 'apiVersion', 'missing: a remediation file starts with its apiVersion'],
        ['error', '3:3', 'spec.remediations', 'no remediations'],
      ],
    ],
    [
      'no spec',
      'apiVersion: spec.keptn.sh/0.1.4\nkind: Remediation\n',
      [['error', '', 'spec', 'no remediations']],
    ],
    [
      'a shipyard passed as remediation',
      'apiVersion: spec.keptn.sh/0.2.2\nkind: Shipyard\nspec:\n  remediations:\n    - problemType: default\n      actionsOnOpen:\n        - action: escalate\n',
      [
        ['error', '1:13', 'apiVersion', '"spec.keptn.sh/0.2.2" is not a remediation version'],
        ['error', '2:7', 'kind', '"Shipyard" is not one of Remediation'],
      ],
    ],
    [
      'actions of the wrong type',
      'apiVersion: spec.keptn.sh/0.1.4\nspec:\n  remediations:\n    - problemType: default\n      actionsOnOpen: scaling\n',
      [['error', '5:22', 'spec.remediations[0].actionsOnOpen', 'must be a list, not text']],
    ],
  ] satisfies [string, string, Expected[]][])('%s', async (_, text, expected) => {
    const result = await parseRemediation(text);
    expect(result.remediation).toBeUndefined();
    expectDiagnostics(result.diagnostics, expected);
  });
});

describe('actions without a runner (validate, with the runnable actions of ci-connect.yaml)', () => {
  const text = [
    'apiVersion: spec.keptn.sh/0.1.4',
    'kind: Remediation',
    'spec:',
    '  remediations:',
    '    - problemType: Response time degradation',
    '      actionsOnOpen:',
    '        - action: scaling',
    '          value: "1"',
    '        - action: toggle-feature',
    '          value: {EnableItemCache: "on"}',
    '        - action: scalling',
    '        - action: escalate',
    '',
  ].join('\n');

  it('reports an action without a runner at its line and column: a typo with "did you mean", another with how to run it', async () => {
    const result = await parseRemediation(text, 'remediation.yaml', {
      runnableActions: ['scaling', 'toggle-feature'],
    });
    expectDiagnostics(result.diagnostics, [
      [
        'error',
        '11:19',
        'spec.remediations[0].actionsOnOpen[2].action',
        'the action "scalling" has no runner',
        'did you mean "scaling"? else tell ci-connect.yaml how to run it, e.g. tasks: {scalling: {command: ["./scripts/scalling.sh"]}}',
      ],
      [
        'error',
        '12:19',
        'spec.remediations[0].actionsOnOpen[3].action',
        'the action "escalate" has no runner',
        'the actions with a runner are: scaling, toggle-feature',
      ],
    ]);
    // remediate refuses such a file before it runs anything: it is not usable.
    expect(result.remediation).toBeUndefined();
  });

  it('checks nothing of the kind without the runnable actions (ci-connect.yaml unknown or broken)', async () => {
    const result = await parseRemediation(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.remediation?.remediations[0]?.actions.map((a) => a.action)).toEqual([
      'scaling',
      'toggle-feature',
      'scalling',
      'escalate',
    ]);
  });

  it('knows scaling and the tasks: entries that are commands or helm as runnable', async () => {
    const { runnableActionNames } = await import('./runnable-actions.js');
    expect(runnableActionNames({ tasks: {} })).toEqual(['scaling']);
    expect(
      runnableActionNames({
        tasks: {
          'toggle-feature': { command: ['true'] },
          restart: 'helm',
          smoke: 'jmeter',
          deployment: 'helm',
        },
      }),
    ).toEqual(['scaling', 'toggle-feature', 'restart', 'deployment']);
    // An entry that maps scaling to a runner that runs no action takes its built-in runner away.
    expect(runnableActionNames({ tasks: { scaling: 'record' } })).toEqual([]);
  });
});
