// Every renderer over every Keptn shipyard of fixtures/keptn-examples: the YAML outputs are valid
// by their CI's own JSON Schema, every `needs` names a job of the file, the first line carries
// the generated-file marker, and rendering twice gives the same bytes.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GENERATED_MARKER } from './header.js';
import { RENDERERS } from './index.js';
import {
  KEPTN_SHIPYARDS,
  keptnShipyard,
  planOf,
  schemaValidator,
  shipyardOf,
} from './test-support/pipelines.js';
import { PIPELINE_CIS } from './types.js';

const command = 'ci-connect generate pipeline --ci x';

describe.each(KEPTN_SHIPYARDS)('%s', (name) => {
  it.each(PIPELINE_CIS)('renders for %s: marked, deterministic', async (ci) => {
    const plan = planOf(await keptnShipyard(name), { services: ['carts', 'orders'] });
    const text = RENDERERS[ci].render({ plan, command });
    expect(text.split('\n', 1)[0]).toMatch(new RegExp(`^(#|//) ${GENERATED_MARKER} --ci ${ci} `));
    expect(
      RENDERERS[ci].render({
        plan: planOf(await keptnShipyard(name), { services: ['carts', 'orders'] }),
        command,
      }),
    ).toBe(text);
    expect(plan.jobs.length).toBeGreaterThan(0);
  });

  it('writes a .gitlab-ci.yml that GitLab’s schema accepts, needs naming its jobs', async () => {
    const plan = planOf(await keptnShipyard(name), { services: ['carts', 'orders'] });
    const document = parse(RENDERERS.gitlab.render({ plan, command })) as {
      stages: string[];
      include: { inputs: { job_name: string; job_stage: string } }[];
      workflow: unknown;
    } & Record<string, { needs?: string[] }>;
    const validate = schemaValidator('gitlab-ci');
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    const { stages, include, workflow: _, ...local } = document;
    const names = include.map((i) => i.inputs.job_name);
    // Jobs of the pipeline add needs to the component's jobs of the same names (GitLab merges them).
    for (const [name, job] of Object.entries(local)) {
      expect(names).toContain(name);
      expect(Object.keys(job)).toEqual(['needs']);
      expect(job.needs).not.toEqual([]);
    }
    const stageIndex = (job: string) =>
      stages.indexOf(include.find((i) => i.inputs.job_name === job)!.inputs.job_stage);
    for (const { inputs } of include) {
      expect(stages).toContain(inputs.job_stage);
      for (const need of local[inputs.job_name]?.needs ?? []) {
        expect(names).toContain(need);
        expect(stageIndex(need)).toBeLessThan(stageIndex(inputs.job_name));
      }
    }
  });

  it('writes a workflow that the GitHub workflow schema accepts, needs naming its jobs', async () => {
    const plan = planOf(await keptnShipyard(name), { services: ['carts', 'orders'] });
    const document = parse(RENDERERS.github.render({ plan, command })) as {
      jobs: Record<string, { needs?: string[] }>;
    };
    const validate = schemaValidator('github-workflow');
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    for (const job of Object.values(document.jobs))
      for (const need of job.needs ?? []) expect(Object.keys(document.jobs)).toContain(need);
  });
});

describe('stage names YAML 1.1 reads as booleans (GitLab parses .gitlab-ci.yml with YAML 1.1)', () => {
  it.each(['gitlab', 'github'] as const)('%s: every such name stays a string', async (ci) => {
    const names = ['no', 'on', 'y', 'off'];
    const stages = names.map(
      (stage, i) =>
        `    - name: ${stage}\n      sequences:\n        - name: delivery\n` +
        (i === 0 ? '' : `          triggeredOn: [{event: "${names[i - 1]!}.delivery.finished"}]\n`) +
        '          tasks: [{name: release}]\n',
    );
    const shipyard = await shipyardOf(
      'apiVersion: spec.keptn.sh/0.2.3\nkind: Shipyard\nmetadata: {name: x}\nspec:\n  stages:\n' +
        stages.join(''),
    );
    const text = RENDERERS[ci].render({ plan: planOf(shipyard), command });
    const document = parse(text, { version: '1.1' }) as Record<string, unknown>;
    expect(document).toEqual(parse(text, { version: '1.2' }));
    if (ci === 'gitlab') expect(document['stages']).toEqual(names);
  });
});

describe('the schemas', () => {
  it('reject what GitLab and GitHub reject (the validators check something)', () => {
    expect(schemaValidator('gitlab-ci')({ include: [{ component: 1 }], stages: 'x' })).toBe(false);
    expect(schemaValidator('github-workflow')({ on: 'push', jobs: { 'bad id!': {} } })).toBe(false);
  });
});
