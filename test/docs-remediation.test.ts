// docs/remediation.md shows the example that test/remediate-e2e.test.ts runs: every code block
// preceded by `<!-- fixtures/... -->` must be that file, byte for byte, so the page cannot drift
// from the tested files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from './support/real-components.js';

const page = readFileSync(path.join(repoRoot, 'docs/remediation.md'), 'utf8');
const shown = [...page.matchAll(/<!-- (fixtures\/[^ ]+) -->\n\n```[a-z]*\n([\s\S]*?)```\n/g)].map(
  ([, file, code]) => ({ file: file!, code: code! }),
);

it('shows the tested example files', () => {
  expect(shown.map((s) => s.file)).toEqual([
    'fixtures/remediation-example/.ci-connect/base/carts/remediation.yaml',
    'fixtures/remediation-example/.ci-connect/ci-connect.yaml',
    'fixtures/remediation-example/.ci-connect/base/carts/slo.yaml',
    'fixtures/remediation-example/.ci-connect/base/carts/sli/prometheus.yaml',
  ]);
});

it.each(shown)('shows $file as it is', ({ file, code }) => {
  expect(code).toBe(readFileSync(path.join(repoRoot, file), 'utf8'));
});
