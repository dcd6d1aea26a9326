// chooseAction against Keptn remediation-service's own test cases (keptn/keptn 1.4.5,
// remediation-service/handler/get_action_event_handler_test.go) and their remediation files,
// copied into fixtures/remediation/keptn-remediation-service/.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { keptnExample } from '../config/test-support/diagnostics.js';
import { loadRemediationFile } from './remediation-file.js';
import { chooseAction } from './select-action.js';
import type { ActionChoice, RemediationFile } from './types.js';

const KEPTN_TESTS = new URL('../../../../fixtures/remediation/keptn-remediation-service/', import.meta.url);

async function load(path: string): Promise<RemediationFile> {
  const { remediation, diagnostics } = await loadRemediationFile(path);
  expect(diagnostics).toEqual([]);
  if (remediation === undefined) throw new Error(`${path} did not load`);
  return remediation;
}

const files: Record<string, RemediationFile> = {};
beforeAll(async () => {
  for (const name of [
    'remediation.yaml',
    'remediation-without-default.yaml',
    'service-level_remediation.yaml',
  ])
    files[name] = await load(fileURLToPath(new URL(name, KEPTN_TESTS)));
});

const action = (n: string, value: unknown) => ({
  action: `action${n}`,
  name: `actionName${n}`,
  description: `actionDescription${n}`,
  value,
});
const escalateDefault = {
  action: 'escalateDefaultAction',
  name: 'escalateDefaultName',
  description: 'escalateDefaultDescription',
  value: { foo: 'bar' },
};

describe("chooseAction: Keptn's TestGetNextAction cases", () => {
  it.each<[string, string, string, string, number, ActionChoice]>([
    [
      'determine action - by rootCause',
      'remediation.yaml',
      '',
      'problemType1',
      0,
      { kind: 'action', problemType: 'problemType1', index: 0, action: action('1', { foo: 'bar' }) },
    ],
    [
      'determine-action - by problemTitle',
      'remediation.yaml',
      'problemType1',
      '',
      0,
      { kind: 'action', problemType: 'problemType1', index: 0, action: action('1', { foo: 'bar' }) },
    ],
    [
      'determine action - by rootCause2 (the root cause wins over the title)',
      'remediation.yaml',
      'problemType1',
      'problemType2',
      0,
      { kind: 'action', problemType: 'problemType2', index: 0, action: action('11', { foo: 'bar' }) },
    ],
    [
      'determine action - not found - Default',
      'remediation.yaml',
      '',
      '',
      0,
      { kind: 'action', problemType: 'default', index: 0, action: escalateDefault },
    ],
    [
      'determine action - not found - no Default',
      'remediation-without-default.yaml',
      '',
      '',
      0,
      { kind: 'none', reason: 'no-remediation', message: 'unable to find action for problem type default' },
    ],
    [
      'determine action - action index out of bound',
      'remediation.yaml',
      '',
      '',
      2,
      {
        kind: 'none',
        reason: 'exhausted',
        message: 'there is no action with index 2 for problem type default',
      },
    ],
  ])('%s', (_name, file, title, rootCause, index, expected) => {
    const problem = rootCause === '' ? { title } : { title, rootCause };
    expect(chooseAction(files[file] as RemediationFile, problem, index)).toEqual(expected);
  });
});

describe("chooseAction: Keptn's service-level get-action events (actionIndex 0, 1, 2)", () => {
  // get-action.triggered-0/1/2.json: problemTitle and rootCause both "Response time degradation".
  const problem = { title: 'Response time degradation', rootCause: 'Response time degradation' };

  it('walks the actions in order, then says there is none left with Keptn’s message', () => {
    const file = files['service-level_remediation.yaml'] as RemediationFile;
    const choices = [0, 1, 2].map((index) => chooseAction(file, problem, index));
    expect(choices.map((c) => (c.kind === 'action' ? c.action.action : c.message))).toEqual([
      'toggle-feature',
      'run-snow-wf',
      'there is no action with index 2 for root cause Response time degradation',
    ]);
    expect(choices[0]).toEqual({
      kind: 'action',
      problemType: 'Response time degradation',
      index: 0,
      action: {
        action: 'toggle-feature',
        name: 'toggle-feature',
        description: 'Toggle feature flag EnablePromotion to OFF',
        value: { EnablePromotion: 'off' },
      },
    });
    expect(choices[2]).toMatchObject({ kind: 'none', reason: 'exhausted' });
  });
});

describe('chooseAction: the rules around the cases', () => {
  it('falls back from an unknown root cause to the title, and names the root cause when nothing is left', () => {
    const file = files['remediation.yaml'] as RemediationFile;
    const problem = { title: 'problemType1', rootCause: 'no such type' };
    expect(chooseAction(file, problem, 1)).toEqual({
      kind: 'action',
      problemType: 'problemType1',
      index: 1,
      action: action('2', { foo: 'baz' }),
    });
    expect(chooseAction(file, problem, 2)).toEqual({
      kind: 'none',
      reason: 'exhausted',
      message: 'there is no action with index 2 for root cause no such type',
    });
  });

  it('falls back from an unknown title to default, and names the title when there is no default', () => {
    expect(
      chooseAction(files['remediation.yaml'] as RemediationFile, { title: 'CPU saturation' }, 0),
    ).toMatchObject({
      kind: 'action',
      problemType: 'default',
      action: { action: 'escalateDefaultAction' },
    });
    expect(
      chooseAction(
        files['remediation-without-default.yaml'] as RemediationFile,
        { title: 'CPU saturation' },
        0,
      ),
    ).toEqual({
      kind: 'none',
      reason: 'no-remediation',
      message: 'unable to find action for problem title CPU saturation',
    });
  });

  it('matches exactly: case and spaces count, as in Keptn', () => {
    const file = files['remediation-without-default.yaml'] as RemediationFile;
    for (const title of ['problemtype1', 'problemType1 ', ' problemType1'])
      expect(chooseAction(file, { title }, 0)).toMatchObject({ kind: 'none', reason: 'no-remediation' });
  });

  it('uses the first entry of a problem type (Keptn broke out of its loop at the first match)', () => {
    const file: RemediationFile = {
      file: 'remediation.yaml',
      name: '',
      remediations: [
        { problemType: 'Failure rate increase', actions: [{ action: 'scaling', name: '', description: '' }] },
        { problemType: 'Failure rate increase', actions: [{ action: 'restart', name: '', description: '' }] },
      ],
    };
    expect(chooseAction(file, { title: 'Failure rate increase' }, 0)).toMatchObject({
      action: { action: 'scaling' },
    });
    expect(chooseAction(file, { title: 'Failure rate increase' }, 1)).toMatchObject({
      kind: 'none',
      reason: 'exhausted',
      message: 'there is no action with index 1 for problem title Failure rate increase',
    });
  });

  it('treats a negative or fractional index as no action (Keptn would have crashed)', () => {
    const file = files['remediation.yaml'] as RemediationFile;
    expect(chooseAction(file, { title: 'problemType1' }, -1)).toMatchObject({
      kind: 'none',
      reason: 'exhausted',
    });
    expect(chooseAction(file, { title: 'problemType1' }, 0.5)).toMatchObject({
      kind: 'none',
      reason: 'exhausted',
    });
  });

  it('chooses from a real Keptn example (onboarding-carts feature toggles)', async () => {
    const file = await load(keptnExample('examples_onboarding-carts_remediation_feature_toggle.yaml'));
    expect(chooseAction(file, { title: 'Failure rate increase' }, 0)).toMatchObject({
      kind: 'action',
      problemType: 'Failure rate increase',
      index: 0,
      action: { action: 'toggle-feature' },
    });
  });
});
