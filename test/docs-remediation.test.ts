// docs/remediation.md shows the example that test/remediate-e2e.test.ts runs: every code block
// preceded by `<!-- fixtures/... -->` must be that file, byte for byte, so the page cannot drift
// from the tested files. Its wiring is checked too: the notification payload, filled in as
// Dynatrace fills it, is a problem `--event-file` reads; the GitLab job and the GitHub workflow
// validate against their CI's schema.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { problemFromEventFile } from '../packages/core/src/remediation/problem-input.js';
import { groovy, runGroovy } from './support/groovy.js';
import { itWithReal, repoRoot } from './support/real-components.js';

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

describe('the wiring docs/remediation.md shows', () => {
  const blocks = (lang: string) =>
    [...page.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
  const schema = (name: string) => {
    const require = createRequire(path.join(repoRoot, 'packages/core/package.json'));
    const Ajv = require('ajv') as new (options: object) => {
      compile(schema: unknown): ((data: unknown) => boolean) & { errors?: unknown };
    };
    const file = path.join(repoRoot, 'fixtures/schemas', name);
    return new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
      JSON.parse(readFileSync(file, 'utf8')),
    );
  };
  /** What Dynatrace sends for a payload template: each placeholder filled in. */
  const filled = (template: string) =>
    template
      .replace('{State}', 'OPEN')
      .replace('{PID}', '-3000000000000000003_1764900000000V2')
      .replace('{ProblemID}', '251205003')
      .replace('{ProblemTitle}', 'Response time degradation')
      .replace('{ProblemURL}', 'https://abc12345.live.dynatrace.com/#problems/problemdetails;pid=x')
      .replace(
        '{ImpactedEntities}',
        '[{"type": "SERVICE", "name": "carts", "entity": "SERVICE-1016B63497E3FEF6"}]',
      )
      .replace('{Tags}', 'keptn_project:sockshop, keptn_stage:production, keptn_service:carts');
  const problem = {
    source: 'event-file',
    problemId: '-3000000000000000003_1764900000000V2',
    displayId: 'P-251205003',
    title: 'Response time degradation',
    status: 'open',
    impactedEntities: [{ id: 'SERVICE-1016B63497E3FEF6', name: 'carts', type: 'SERVICE' }],
    target: { project: 'sockshop', stage: 'production', service: 'carts' },
  };

  it('the notification payload, once Dynatrace fills it in, is a problem --event-file reads', () => {
    const [payload, dispatch] = blocks('json');
    expect(problemFromEventFile(filled(payload!), 'payload.json')).toMatchObject(problem);
    // GitHub: the same payload as the dispatch's client_payload, which the workflow writes to a file.
    const body = JSON.parse(filled(dispatch!)) as { event_type: string; client_payload: object };
    expect(Object.keys(body.client_payload).length).toBeLessThanOrEqual(10);
    expect(problemFromEventFile(JSON.stringify(body.client_payload), 'problem.json')).toMatchObject(problem);
  });

  it("the GitLab job validates against GitLab's CI schema", () => {
    const validate = schema('gitlab-ci.json');
    const job = blocks('yaml').find((b) => b.startsWith('# .gitlab-ci.yml'));
    expect(validate(parse(job!)), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("the GitHub workflow validates against SchemaStore's workflow schema", () => {
    const validate = schema('github-workflow.json');
    const workflow = blocks('yaml').find((b) => b.startsWith('# .github/workflows/remediate.yml'));
    expect(validate(parse(workflow!)), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  itWithReal(
    groovy,
    'the Jenkinsfile is Groovy that compiles (a quote or brace gone wrong fails here)',
    async (found) => {
      const jenkinsfile = blocks('groovy').find((b) => b.startsWith('// Jenkinsfile of the job'));
      const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-jenkinsfile-'));
      try {
        writeFileSync(path.join(dir, 'Jenkinsfile'), jenkinsfile!);
        const check = 'new GroovyShell().parse(new File(args[0])); println "compiles"';
        const { stdout } = await runGroovy(found.bin, ['-e', check, 'Jenkinsfile'], { cwd: dir });
        expect(stdout.trim()).toBe('compiles');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
