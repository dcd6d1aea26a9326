import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { keptnExample } from '../config/test-support/diagnostics.js';
import { ConfigError } from '../errors.js';
import { migrateLegacyShipyard } from './migrate-shipyard.js';
import { parseShipyard } from './shipyard-file.js';

const LEGACY_EXAMPLES = [
  'examples-0.2.0_onboarding-carts_shipyard.yaml',
  'examples-0.7.3_onboarding-carts_shipyard.yaml',
  'examples_simplenodeservice_shipyard.yaml',
  'examples_simplenodeservice_shipyard_keptn07.yaml',
  'gitlab-tutorial_shipyard.yaml',
];

const DEFAULT_RUNNERS = ['deployment', 'release', 'rollback', 'test', 'evaluation', 'approval'];

async function example(name: string): Promise<string> {
  return readFile(keptnExample(name), 'utf8');
}

describe('migrate shipyard: Keptn’s own legacy shipyards', () => {
  it.each(LEGACY_EXAMPLES)(
    '%s becomes a 0.2 file that loads, without a diagnostic, into exactly what the legacy file loaded as',
    async (name) => {
      const text = await example(name);
      const migrated = await migrateLegacyShipyard(text, name, { name: 'shipyard-shop' });
      const before = await parseShipyard(text, name);
      const after = await parseShipyard(migrated.text, name, { runnableTasks: DEFAULT_RUNNERS });
      expect(after.diagnostics).toEqual([]);
      expect(after.shipyard?.legacy).toBe(false);
      expect(after.shipyard?.apiVersion).toBe('spec.keptn.sh/0.2.0');
      expect(after.shipyard?.name).toBe('shipyard-shop');
      expect(after.shipyard?.stages).toEqual(before.shipyard?.stages);
      // The legacy file's own line endings (several of Keptn's files are CRLF).
      expect(migrated.text.includes('\r\n')).toBe(text.includes('\r\n'));
    },
  );

  it('writes the sock-shop production stage: Keptn’s upgrade, with the approval first and a remediation sequence', async () => {
    const migrated = await migrateLegacyShipyard(
      await example('examples-0.7.3_onboarding-carts_shipyard.yaml'),
      'shipyard.yaml',
      { name: 'shipyard-sockshop' },
    );
    const lines = migrated.text.split('\r\n');
    expect(lines.slice(0, 6)).toEqual([
      'apiVersion: spec.keptn.sh/0.2.0',
      'kind: Shipyard',
      'metadata:',
      '  name: shipyard-sockshop',
      'spec:',
      '  stages:',
    ]);
    const production = lines.slice(lines.indexOf('    - name: production'));
    expect(production.join('\n')).toBe(
      `    - name: production
      sequences:
        - name: delivery
          triggeredOn:
            - event: staging.delivery.finished
          tasks:
            - name: approval
              properties:
                pass: automatic
                warning: manual
            - name: deployment
              properties:
                deploymentstrategy: blue_green_service
            - name: evaluation
            - name: release
        - name: rollback
          triggeredOn:
            - event: production.delivery.finished
              selector:
                match:
                  result: fail
          tasks:
            - name: rollback
        - name: delivery-direct
          triggeredOn:
            - event: staging.delivery-direct.finished
          tasks:
            - name: approval
              properties:
                pass: automatic
                warning: manual
            - name: deployment
              properties:
                deploymentstrategy: direct
            - name: evaluation
            - name: release
        - name: remediation
          triggeredOn:
            - event: production.remediation.finished
              selector:
                match:
                  evaluation.result: fail
          tasks:
            - name: get-action
            - name: action
            - name: evaluation
              triggeredAfter: 10m
              properties:
                timeframe: 10m
`,
    );
    expect(migrated.stages).toEqual([
      { name: 'dev', sequences: ['delivery', 'delivery-direct'] },
      { name: 'staging', sequences: ['delivery', 'rollback', 'delivery-direct'] },
      { name: 'production', sequences: ['delivery', 'rollback', 'delivery-direct', 'remediation'] },
    ]);
    expect(migrated.diagnostics).toEqual([]);
  });

  it('reports what it dropped (registry) with file:line:col, but not the legacy-format warning itself', async () => {
    const migrated = await migrateLegacyShipyard(
      await example('examples_simplenodeservice_shipyard.yaml'),
      'shipyard.yaml',
      { name: 'shipyard' },
    );
    expect(migrated.diagnostics.map((d) => [d.line, d.column, d.path, d.message])).toEqual([
      [1, 1, 'registry', 'ignored: registry named the container registry of Keptn 0.6 and before'],
    ]);
    expect(migrated.text).not.toContain('registry');
  });
});

describe('migrate shipyard: comments', () => {
  const legacy = `# The shop's stages, Keptn 0.7
registry: sockshop # the old image registry
stages:
  # dev first: every commit
  - name: "dev" # the developers' stage
    # straight over the old version
    deployment_strategy: "direct" # no blue/green here
    test_strategy: "functional"

  # staging: the load test
  - name: "staging"
    # a person looks at warnings
    approval_strategy: # Keptn 0.7 semantics
      # a pass goes on by itself
      pass: "automatic" # no one waits
      warning: "manual" # see the runbook
    deployment_strategy: "blue_green_service"
  - name: "production"
    deployment_strategy: "blue_green_service"
    # problems are fixed by Keptn
    remediation_strategy: "automated" # see remediation.yaml
# end of file
`;

  it('keeps every comment, next to what its key became', async () => {
    const { text } = await migrateLegacyShipyard(legacy, 'shipyard.yaml', { name: 'shipyard-shop' });
    const lines = text.split('\n');
    const after = (comment: string) => lines[lines.indexOf(comment) + 1]?.trim();
    expect(lines.slice(0, 3)).toEqual([
      "# The shop's stages, Keptn 0.7",
      '# registry: the old image registry',
      '',
    ]);
    expect(after('    # dev first: every commit')).toBe("- name: dev # the developers' stage");
    expect(after('            # straight over the old version')).toBe('- name: deployment');
    expect(lines).toContain('                deploymentstrategy: direct # no blue/green here');
    expect(after('    # staging: the load test')).toBe('- name: staging');
    expect(after('                # a pass goes on by itself')).toBe('pass: automatic # no one waits');
    expect(after('        # problems are fixed by Keptn')).toBe('- name: remediation # see remediation.yaml');
    expect(lines.at(-2)).toBe('# end of file');
    // A blank line between stages stays; the delivery-direct twin carries no copies.
    expect(lines[lines.indexOf('    # staging: the load test') - 1]).toBe('');
    expect(text.match(/no blue\/green here/g)).toHaveLength(1);
    expect((await parseShipyard(text)).diagnostics).toEqual([]);
  });

  it('loses no comment and copies none', async () => {
    const { text } = await migrateLegacyShipyard(legacy, 'shipyard.yaml', { name: 'shipyard-shop' });
    const comments = (yaml: string) =>
      [...yaml.matchAll(/#\s*(.*)$/gm)].map((m) => m[1]?.replace(/^registry: /, '')).sort();
    expect(comments(text)).toEqual(comments(legacy));
  });
});

describe('migrate shipyard: comments of keys with no place in the new stage', () => {
  it('say whose they were, like registry’s, instead of reading as comments on the stage', async () => {
    const legacy = [
      'stages:',
      '  - name: dev',
      '    deployment_strategy: direct',
      '    # asked before staging',
      '    approval_strategy: { pass: manual } # the team lead approves',
      '    owner: team-a # who to call',
      '  - name: prod',
      '    deployment_strategy: direct',
      '',
    ].join('\n');
    const { text } = await migrateLegacyShipyard(legacy, 'shipyard.yaml', { name: 'shipyard-shop' });
    const lines = text.split('\n');
    const stage = lines.indexOf('    - name: dev');
    expect(lines.slice(stage - 3, stage)).toEqual([
      '    # asked before staging',
      '    # approval_strategy: the team lead approves',
      '    # owner: who to call',
    ]);
  });
});

describe('migrate shipyard: refusals (exit 2)', () => {
  it('refuses a file that is already spec.keptn.sh/0.2', async () => {
    const text = await example('examples_onboarding-carts_shipyard.yaml');
    const error = await migrateLegacyShipyard(text, 'shipyard.yaml', { name: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as ConfigError).message).toBe(
      'shipyard.yaml is already a spec.keptn.sh/0.2 shipyard (apiVersion: spec.keptn.sh/0.2.2): nothing to convert',
    );
  });

  it('refuses a legacy file with errors, each at file:line:col, and converts nothing', async () => {
    const text = 'stages:\n  - name: dev\n    deployment_strategy: canary\n';
    const error = await migrateLegacyShipyard(text, 'shipyard.yaml', { name: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(
      'shipyard.yaml:3:26 stages[0].deployment_strategy: "canary" is not a deployment strategy',
    );
  });
});
