import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envVarOf } from './inputs.js';
import { annotationAt } from './runner-host.js';

const workspace = mkdtempSync(path.join(tmpdir(), 'ci-connect-annotations-'));
mkdirSync(path.join(workspace, '.ci-connect'));
writeFileSync(path.join(workspace, '.ci-connect/slo.yaml'), 'objectives: []\n');
const outside = mkdtempSync(path.join(tmpdir(), 'ci-connect-outside-'));
writeFileSync(path.join(outside, 'slo.yaml'), 'objectives: []\n');
const env = { GITHUB_WORKSPACE: workspace };

describe('annotationAt: where a message that starts with file:line:col points', () => {
  it.each([
    [
      '.ci-connect/slo.yaml:4:20 objectives[0]: unknown key',
      { title: 'ci-connect', file: '.ci-connect/slo.yaml', startLine: 4, startColumn: 20 },
    ],
    [
      `${workspace}/.ci-connect/slo.yaml:2:1 x: y`,
      { title: 'ci-connect', file: '.ci-connect/slo.yaml', startLine: 2, startColumn: 1 },
    ],
    // GitHub resolves annotation files in the repository: anything else gets no location.
    [`${outside}/slo.yaml:2:1 x: y`, { title: 'ci-connect' }],
    ['.ci-connect/missing.yaml:2:1 x: y', { title: 'ci-connect' }],
    ['informational SLI "x" is not defined', { title: 'ci-connect' }],
  ])('%s', (message, expected) => {
    expect(annotationAt(message, workspace, env)).toEqual(expected);
  });
});

describe('envVarOf: the CLI env var an empty input falls back to', () => {
  it.each([
    ['stage', 'CI_CONNECT_STAGE'],
    ['config_dir', 'CI_CONNECT_CONFIG_DIR'],
    ['approved_by', 'CI_CONNECT_APPROVED_BY'],
    ['command', undefined],
    ['title', undefined],
  ])('%s → %s', (input, variable) => {
    expect(envVarOf(input)).toBe(variable);
  });
});
