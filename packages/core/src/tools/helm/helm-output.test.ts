import { describe, expect, it } from 'vitest';
import { ExternalSystemError } from '../../errors.js';
import { createRedactor } from '../../redaction/redaction.js';
import {
  cutSecretRedactor,
  linesCuttingSecret,
  secretFragmentsIn,
} from '../../redaction/test-support/secret-across-cut.js';
import {
  helmErrorMessage,
  isClusterUnreachable,
  isReleaseNotFound,
  parseBlueGreenState,
  parseHistory,
  parseReplicaCount,
  parseRevisionLine,
} from './helm-output.js';

describe('parseBlueGreenState', () => {
  it.each([
    [
      '{"blueGreen":{"activeColor":"green","releasedColor":"blue"}}',
      { activeColor: 'green', releasedColor: 'blue' },
    ],
    ['{"blueGreen":{"activeColor":"green"}}', { activeColor: 'green', releasedColor: null }],
    ['{"blueGreen":{"activeColor":"purple"}}', { activeColor: null, releasedColor: null }],
    ['{"image":"carts:1"}', { activeColor: null, releasedColor: null }],
    ['null\n', { activeColor: null, releasedColor: null }],
  ])('%s', (stdout, expected) => {
    expect(parseBlueGreenState(stdout)).toEqual(expected);
  });

  it('refuses output that is not JSON without repeating it (values may hold secrets)', () => {
    const run = () => parseBlueGreenState('password: hunter2\n');
    expect(run).toThrow(ExternalSystemError);
    expect(run).toThrow('helm get values did not print JSON');
    expect(run).not.toThrow(/hunter2/);
  });
});

describe('parseHistory', () => {
  it('reads revisions oldest first, whatever order Helm printed', () => {
    const stdout = JSON.stringify([
      { revision: 3, status: 'deployed', description: 'Rollback to 1', chart: 'carts-0.1.0' },
      { revision: 1, status: 'superseded', description: 'Install complete' },
    ]);
    expect(parseHistory(stdout)).toEqual([
      { revision: 1, status: 'superseded', description: 'Install complete' },
      { revision: 3, status: 'deployed', description: 'Rollback to 1' },
    ]);
  });

  it('refuses an answer that is not a list', () => {
    expect(() => parseHistory('{"revision":1}')).toThrow('helm history printed something other than a list');
  });
});

describe('helm output lines', () => {
  it.each([
    ['REVISION: 12', 12],
    ['REVISION:7  ', 7],
    ['NOTES: REVISION: 3', undefined],
    ['STATUS: deployed', undefined],
  ])('parseRevisionLine(%j) is %s', (line, expected) => {
    expect(parseRevisionLine(line)).toBe(expected);
  });

  it.each([
    ['W0304 warning\nError: UPGRADE FAILED: boom\n', 'UPGRADE FAILED: boom'],
    ['Error: one\nError: two\n', 'one / two'],
    ['a\nb\nc\nd\ne\nf\n', 'b / c / d / e / f'],
    ['', 'helm printed no error message'],
    [`Error: ${'x'.repeat(2000)}`, `${'x'.repeat(1000)}…`],
  ])('helmErrorMessage of %j', (stderr, expected) => {
    expect(helmErrorMessage(stderr, createRedactor())).toBe(expected);
  });

  it('redacts helm\u2019s message before it cuts it: no 2 characters of a secret across the cut remain', () => {
    for (const { line, kept } of linesCuttingSecret(1000)) {
      const message = helmErrorMessage(`W0304 warning\nError: ${line}\n`, cutSecretRedactor());
      expect(message, `${kept} characters before the cut`).toMatch(/^x+\*/);
      expect(secretFragmentsIn(message), `${kept} characters before the cut`).toEqual([]);
    }
  });

  it('recognises a missing release and an unreachable cluster', () => {
    expect(isReleaseNotFound('Error: release: not found\n')).toBe(true);
    expect(isReleaseNotFound('Error: UPGRADE FAILED: boom\n')).toBe(false);
    expect(isClusterUnreachable('Error: Kubernetes cluster unreachable: connection refused')).toBe(true);
    expect(isClusterUnreachable('Error: UPGRADE FAILED: timed out waiting for the condition')).toBe(false);
  });
});

describe('parseReplicaCount', () => {
  it.each([
    ['{"replicaCount": 3}', 3],
    ['{"replicaCount": "3"}', 3],
    ['{"replicaCount": 0}', 0],
    ['{"image": "carts:1"}', 1],
    ['{"replicaCount": null}', 1],
    ['null\n', 1],
    ['{"replicaCount": "many"}', { invalid: '"many"' }],
    ['{"replicaCount": ""}', { invalid: '""' }],
    ['{"replicaCount": 2.5}', { invalid: '2.5' }],
    ['{"replicaCount": -1}', { invalid: '-1' }],
    ['{"replicaCount": true}', { invalid: 'true' }],
    ['{"replicaCount": {"min": 2}}', { invalid: 'a mapping' }],
  ])('%s', (stdout, expected) => {
    expect(parseReplicaCount(stdout)).toEqual(expected);
  });
});
