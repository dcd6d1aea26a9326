// The generated pipelines against the wrappers themselves: every GitLab input is declared by the
// component template's spec:inputs (and fits its options and regex), every GitHub `with` key by
// action.yml, every Jenkins Map key by the step's help. Skipped, saying so, where a wrapper's
// package is not in the checkout.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { RENDERERS } from './index.js';
import { KEPTN_SHIPYARDS, keptnShipyard, planOf, shipyardOf } from './test-support/pipelines.js';
import type { PipelinePlan } from './types.js';

const packages = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const component = packages('gitlab-component/templates');
const action = packages('github-action/action.yml');
const library = packages('jenkins-lib/vars');
const invocation = packages('jenkins-lib/src/io/ciconnect/Invocation.groovy');

/**
 * The Map keys a Jenkins step accepts, read from the library's code (Invocation.groovy's
 * COMMON_FLAGS, the command's COMMAND_FLAGS and STEP_KEYS): an unknown key fails the step.
 */
function jenkinsKeys(step: string): string[] {
  const command = /\.run\('([a-z-]+)'/.exec(readFileSync(`${library}/${step}.groovy`, 'utf8'))![1]!;
  const code = readFileSync(invocation, 'utf8');
  const block = (name: string) => new RegExp(`${name} = \\[\\n([\\s\\S]*?)\\n  \\]`).exec(code)![1]!;
  const keysOf = (text: string) => [...text.matchAll(/^\s*'?([A-Za-z-]+)'?: '/gm)].map((m) => m[1]!);
  const own = new RegExp(`^    '?${command}'?: \\[\\n([\\s\\S]*?)\\n    \\],`, 'm').exec(
    block('COMMAND_FLAGS'),
  )![1]!;
  const stepKeys = [.../STEP_KEYS = \[([^\]]*)\]/.exec(code)![1]!.matchAll(/'([A-Za-z]+)'/g)].map(
    (m) => m[1]!,
  );
  return [...keysOf(block('COMMON_FLAGS')), ...keysOf(own), ...stepKeys];
}

/** Plans that use every input the renderers write: manual jobs, other sequences, promotions from afar. */
async function plans(): Promise<PipelinePlan[]> {
  const custom = await shipyardOf(
    'apiVersion: spec.keptn.sh/0.2.3\nkind: Shipyard\nmetadata: {name: x}\nspec:\n  stages:\n' +
      '    - name: dev\n      sequences:\n        - name: ship\n          tasks: [{name: deployment, properties: {deploymentstrategy: direct}}]\n' +
      '    - name: qa\n      sequences: []\n' +
      '    - name: prod\n      sequences:\n        - name: ship\n          triggeredOn: [{event: dev.ship.finished}]\n' +
      '          tasks: [{name: approval}, {name: deployment, properties: {deploymentstrategy: direct}}]\n',
  );
  const extra = { project: 'shop', configDir: 'deploy/.ci-connect' };
  return [
    planOf(custom, extra),
    ...(await Promise.all(KEPTN_SHIPYARDS.map(async (name) => planOf(await keptnShipyard(name), extra)))),
  ];
}

interface SpecInput {
  default?: unknown;
  options?: unknown[];
  regex?: string;
}

describe('generated pipelines use the wrappers as they are', () => {
  it.skipIf(!existsSync(component))(
    'GitLab: inputs the component templates declare (needs packages/gitlab-component)',
    async () => {
      for (const plan of await plans()) {
        const {
          include,
          stages: _s,
          workflow: _w,
          ...local
        } = parse(RENDERERS.gitlab.render({ plan, command: 'x' })) as {
          include: { component: string; inputs: Record<string, unknown> }[];
          stages: unknown;
          workflow: unknown;
        } & Record<string, Record<string, unknown>>;
        // The component has no needs input (its default [] would start a job at once): a job of
        // the same name adds needs, and GitLab merges it into the component's job.
        const jobNames = include.map(({ inputs }) => inputs.job_name);
        for (const [name, job] of Object.entries(local)) {
          expect(jobNames, `${name} adds to a component's job`).toContain(name);
          expect(Object.keys(job), name).toEqual(['needs']);
          expect(job.needs, name).not.toEqual([]);
        }
        for (const { component: ref, inputs } of include) {
          const template = /\/([a-z-]+)@/.exec(ref)![1]!;
          const header = parseAllDocuments(
            readFileSync(`${component}/${template}.yml`, 'utf8'),
          )[0]!.toJS() as {
            spec: { inputs: Record<string, SpecInput | null> };
          };
          const spec = header.spec.inputs;
          for (const [name, value] of Object.entries(inputs)) {
            expect(Object.keys(spec), `${template}: input ${name}`).toContain(name);
            const { options, regex } = spec[name] ?? {};
            if (options !== undefined) expect(options, `${template}: ${name}`).toContain(value);
            if (regex !== undefined) expect(String(value), `${template}: ${name}`).toMatch(new RegExp(regex));
          }
          for (const [name, input] of Object.entries(spec))
            if (input === null || input.default === undefined)
              expect(inputs, `${template}: required ${name}`).toHaveProperty(name);
        }
      }
    },
  );

  it.skipIf(!existsSync(action))(
    'GitHub: with-keys action.yml declares (needs packages/github-action)',
    async () => {
      const declared = Object.keys((parse(readFileSync(action, 'utf8')) as { inputs: object }).inputs);
      for (const plan of await plans()) {
        const document = parse(RENDERERS.github.render({ plan, command: 'x' })) as {
          jobs: Record<string, { steps: { uses: string; with?: Record<string, unknown> }[] }>;
        };
        for (const job of Object.values(document.jobs))
          for (const step of job.steps.filter((s) => s.uses.includes('github-action')))
            for (const key of Object.keys(step.with ?? {})) expect(declared, `input ${key}`).toContain(key);
      }
    },
  );

  it.skipIf(!existsSync(invocation))(
    'Jenkins: Map keys each step accepts (needs packages/jenkins-lib)',
    async () => {
      expect(jenkinsKeys('ciConnectPromote')).toContain('from');
      expect(jenkinsKeys('ciConnectEvaluate')).not.toContain('from');
      for (const plan of await plans()) {
        const text = RENDERERS.jenkins.render({ plan, command: 'x' });
        for (const call of text.matchAll(/(ciConnect[A-Za-z]+)\(\n([\s\S]*?)\n\s*\)\n/g)) {
          const accepted = jenkinsKeys(call[1]!);
          for (const key of call[2]!.matchAll(/^\s*([A-Za-z]+):/gm))
            expect(accepted, call[1]).toContain(key[1]);
        }
      }
    },
  );

  it.skipIf(!existsSync(library))(
    'Jenkins: Map keys each step documents (needs packages/jenkins-lib)',
    async () => {
      for (const plan of await plans()) {
        const text = RENDERERS.jenkins.render({ plan, command: 'x' });
        for (const call of text.matchAll(/(ciConnect[A-Za-z]+)\(\n([\s\S]*?)\n\s*\)\n/g)) {
          // The keys each help page lists as <dt>a, b, c</dt> (promote's names the others' too).
          const documented = [call[1]!, 'ciConnectTriggerDeployment', 'ciConnectEvaluate'].flatMap((step) =>
            [...readFileSync(`${library}/${step}.txt`, 'utf8').matchAll(/<dt>([^<]*)<\/dt>/g)].flatMap((dt) =>
              dt[1]!.split(/,\s*/),
            ),
          );
          for (const key of call[2]!.matchAll(/^\s*([A-Za-z]+):/gm))
            expect(documented, call[1]).toContain(key[1]);
        }
      }
    },
  );
});
