import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkConfigDir } from './config-check.js';
import { writeTree } from './test-support/doctor-deps.js';

const PROJECTS = fileURLToPath(new URL('../../../../fixtures/config/projects/', import.meta.url));

const VALID = {
  'ci-connect.yaml': 'project: shop\n',
  'base/carts/slo.yaml':
    'spec_version: "1.0"\nobjectives:\n  - sli: error_rate\n    pass: [{criteria: ["<5"]}]\ntotal_score: {pass: "90%", warning: "75%"}\n',
  'base/carts/sli/prometheus.yaml':
    'spec_version: "1.0"\nindicators:\n  error_rate: "sum(rate(errors[5m]))"\n',
};

describe('checkConfigDir', () => {
  it('is ok when validate finds nothing', async () => {
    const dir = writeTree(VALID);
    expect(await checkConfigDir(dir, true)).toEqual({
      name: 'config',
      status: 'ok',
      detail: `${dir}: 3 files valid`,
    });
  });

  it('fails as a config problem with the count and the first three problems as file:line:col', async () => {
    const dir = join(PROJECTS, 'broken/.ci-connect');
    const result = await checkConfigDir(dir, true);
    expect(result).toMatchObject({ status: 'fail', failure: 'config' });
    expect(result.detail).toMatch(/^.*broken\/\.ci-connect: \d+ errors, \d+ warnings? in \d+ files$/);
    expect(result.problems).toHaveLength(3);
    for (const problem of result.problems ?? []) expect(problem).toMatch(/\.ya?ml(:\d+:\d+)? /);
    expect(result.hint).toContain(`ci-connect validate --config-dir ${dir} lists all of them`);
  });

  it('warns when there are only warnings', async () => {
    const dir = writeTree({
      ...VALID,
      // An objective whose SLI no file defines is a warning in validate.
      'base/carts/slo.yaml':
        'spec_version: "1.0"\nobjectives:\n  - sli: checkout_latency\n    pass: [{criteria: [">5"]}]\ntotal_score: {pass: "90%", warning: "75%"}\n',
    });
    const result = await checkConfigDir(dir, true);
    expect(result.status).toBe('warning');
    expect(result.detail).toBe(`${dir}: 0 errors, 1 warning in 3 files`);
    expect(result.problems?.[0]).toContain('checkout_latency');
  });

  it('only warns when the default config directory is missing: a gate can run from flags alone', async () => {
    const result = await checkConfigDir('/nonexistent/.ci-connect', false);
    expect(result).toMatchObject({ status: 'warning' });
    expect(result.detail).toContain('only gates given by flags (--slo, --sli) can run');
  });

  it('fails as a config problem when a config directory the user named is missing', async () => {
    const result = await checkConfigDir('/nonexistent/.ci-connect', true);
    expect(result).toMatchObject({
      status: 'fail',
      failure: 'config',
      detail: 'config directory /nonexistent/.ci-connect not found',
    });
    expect(result.hint).toContain('--config-dir');
  });
});
