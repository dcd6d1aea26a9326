import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { providerValidationOptions } from '../providers/registry.js';
import type { Diagnostic } from './diagnostics.js';
import { fixture, makeTempDir, removeTempDirs, where } from './test-support/diagnostics.js';
import { validateConfigDir } from './validate-config-dir.js';

afterAll(removeTempDirs);

const JMETER = ['samples', 'throughput', 'error_rate', 'response_time_avg', 'response_time_p95'];
const shop = fixture('projects', 'shop', '.ci-connect');
const broken = fixture('projects', 'broken', '.ci-connect');
const brief = (dir: string) => (d: Diagnostic) => [
  d.severity,
  relative(dir, d.file),
  where(d),
  d.path,
  d.message,
];

describe('validateConfigDir', () => {
  it('finds nothing wrong in a good directory, with the real providers (as `ci-connect validate`)', async () => {
    const report = await validateConfigDir(shop, providerValidationOptions());
    expect(report.diagnostics).toEqual([]);
    expect(report.files.map((f) => relative(shop, f)).sort()).toEqual([
      'base/carts/sli/prometheus.yaml',
      'base/carts/slo.yaml',
      'base/orders/sli/jmeter.yaml',
      'base/orders/slo.yaml',
      'ci-connect.yaml',
      'stages/hardening/carts/sli/dynatrace.yaml',
      'stages/production/carts/sli/prometheus.yaml',
      'stages/production/carts/slo.yaml',
    ]);
  });

  it('warns about an SLI no effective SLI file defines (it may still come from --values)', async () => {
    const report = await validateConfigDir(shop);
    expect(report.diagnostics.map(brief(shop))).toEqual([
      [
        'warning',
        'base/carts/slo.yaml',
        '16:10',
        'objectives[2].sli',
        'no SLI file of service "carts" defines "error_rate", and no provider has it built in',
      ],
      [
        'warning',
        'base/orders/slo.yaml',
        '6:10',
        'objectives[1].sli',
        expect.stringContaining('defines "samples"'),
      ],
      [
        'warning',
        'stages/production/carts/slo.yaml',
        '6:10',
        'objectives[1].sli',
        'no SLI file of service "carts" defines "error_rate" in stage production, and no provider has it built in',
      ],
    ]);
    expect(report.diagnostics[0]?.hint).toBe(
      'define it in sli/<provider>.yaml, or pass its value with --values',
    );
  });

  it('reports the problems of every file at once, and across files', async () => {
    const report = await validateConfigDir(broken, { builtInIndicators: { jmeter: JMETER } });
    expect(report.diagnostics.map(brief(broken))).toEqual([
      [
        'error',
        'base/carts/sli/prometheus.yaml',
        '4:3',
        'indicators.error_rate',
        `SLI "error_rate" is also defined by provider dynatrace (${join(broken, 'base/carts/sli/dynatrace.yaml')}:3:3)`,
      ],
      [
        'error',
        'base/carts/slo.yaml',
        '5:20',
        'objectives[0].pass[0].criteria[0]',
        '"less than 600" is not a criterion',
      ],
      [
        'error',
        'base/payments/sli/prometheus.yaml',
        '2:1',
        'indicators',
        expect.stringContaining('no indicators'),
      ],
      ['error', 'ci-connect.yaml', '1:10', 'project', 'does not have the required form'],
      [
        'error',
        'ci-connect.yaml',
        '4:5',
        'providers.dynatrace.apiToken',
        expect.stringContaining('holds a secret'),
      ],
      [
        'error',
        'stages/dev/carts/sli/prometheus.yml',
        '4:1',
        '',
        'YAML syntax error: Missing closing "quote',
      ],
    ]);
    expect(JSON.stringify(report)).not.toContain('hunter2');
  });

  it('says how to point at the config directory when it does not exist', async () => {
    const report = await validateConfigDir('nowhere/.ci-connect');
    expect(report).toEqual({
      files: [],
      diagnostics: [
        {
          severity: 'error',
          file: 'nowhere/.ci-connect',
          path: '',
          message: 'config directory not found',
          hint: expect.stringContaining('--config-dir (env CI_CONNECT_CONFIG_DIR)') as unknown,
        },
      ],
    });
  });

  it('runs the validators of other files (shipyard.yaml, remediation.yaml) where they are', async () => {
    const dir = await makeTempDir();
    await cp(shop, dir, { recursive: true });
    await writeFile(join(dir, 'shipyard.yaml'), 'apiVersion: spec.keptn.sh/0.2.2\n');
    await writeFile(join(dir, 'stages', 'production', 'carts', 'remediation.yaml'), 'kind: Remediation\n');
    const seen: string[] = [];
    const report = await validateConfigDir(dir, {
      builtInIndicators: { jmeter: JMETER },
      fileValidators: {
        'shipyard.yaml': async (path) => {
          seen.push(relative(dir, path));
          return Promise.resolve([
            { severity: 'error', file: path, line: 1, column: 1, path: 'spec', message: 'missing' },
          ]);
        },
        'remediation.yaml': async (path) => {
          seen.push(relative(dir, path));
          return Promise.resolve([]);
        },
      },
    });
    expect(seen.sort()).toEqual(['shipyard.yaml', 'stages/production/carts/remediation.yaml']);
    expect(report.diagnostics.map(brief(dir))).toEqual([
      ['error', 'shipyard.yaml', '1:1', 'spec', 'missing'],
    ]);
  });

  it("checks remediation.yaml's actions against ci-connect.yaml's tasks: and the built-in scaling", async () => {
    const dir = await makeTempDir();
    await cp(shop, dir, { recursive: true });
    const config = join(dir, 'ci-connect.yaml');
    const { readFile } = await import('node:fs/promises');
    await writeFile(
      config,
      `${await readFile(config, 'utf8')}tasks:\n  toggle-feature: {command: ["true"]}\n`,
    );
    await writeFile(
      join(dir, 'base', 'carts', 'remediation.yaml'),
      [
        'apiVersion: spec.keptn.sh/0.1.4',
        'kind: Remediation',
        'spec:',
        '  remediations:',
        '    - problemType: Response time degradation',
        '      actionsOnOpen:',
        '        - {action: scaling, value: "1"}',
        '        - {action: toggle-feature, value: {EnableItemCache: "on"}}',
        '        - {action: togle-feature}',
        '        - {action: escalate}',
        '',
      ].join('\n'),
    );
    const report = await validateConfigDir(dir, providerValidationOptions());
    const remediation = report.diagnostics.filter((d) => d.file.endsWith('remediation.yaml'));
    expect(remediation.map(brief(dir))).toEqual([
      [
        'error',
        'base/carts/remediation.yaml',
        '9:20',
        'spec.remediations[0].actionsOnOpen[2].action',
        'the action "togle-feature" has no runner',
      ],
      [
        'error',
        'base/carts/remediation.yaml',
        '10:20',
        'spec.remediations[0].actionsOnOpen[3].action',
        'the action "escalate" has no runner',
      ],
    ]);
    expect(remediation[0]?.hint).toMatch(
      /^did you mean "toggle-feature"\? else tell ci-connect.yaml how to run it/,
    );
    expect(remediation[1]?.hint).toContain('the actions with a runner are: scaling, toggle-feature');
  });

  it.each([
    ['promethues.yaml', 'did you mean sli/prometheus.yaml?'],
    ['newrelic.yml', 'name it after its provider; '],
  ])('rejects an SLI file named after no known provider (%s), as evaluate does', async (name, hint) => {
    const dir = await makeTempDir();
    await cp(shop, dir, { recursive: true });
    await writeFile(join(dir, 'base', 'carts', 'sli', name), 'indicators:\n  x: up\n');
    const report = await validateConfigDir(dir, providerValidationOptions());
    expect(report.diagnostics.map(brief(dir))).toEqual([
      [
        'error',
        `base/carts/sli/${name}`,
        '',
        '',
        `there is no SLI provider "${name.replace(/\.ya?ml$/, '')}" (an SLI file is named after its provider)`,
      ],
    ]);
    expect(report.diagnostics[0]?.hint).toContain(hint);
    expect(report.diagnostics[0]?.hint).toContain('the providers are: jmeter, prometheus, dynatrace');
  });

  it('warns about a config directory that holds no configuration, and says what belongs there', async () => {
    const dir = await makeTempDir();
    await mkdir(join(dir, 'notes'));
    const report = await validateConfigDir(dir, providerValidationOptions());
    expect(report.files).toEqual([]);
    expect(report.diagnostics).toEqual([
      {
        severity: 'warning',
        file: dir,
        path: '',
        message: expect.stringContaining('no configuration here') as unknown,
        hint: expect.stringContaining('base/<service>/slo.yaml') as unknown,
      },
    ]);
  });

  it('passes query checkers to the SLI files of their provider', async () => {
    const report = await validateConfigDir(shop, {
      builtInIndicators: { jmeter: JMETER },
      queryCheckers: {
        jmeter: (query) => (query.includes('label=') ? { message: 'no labels here' } : undefined),
      },
    });
    expect(report.diagnostics.map(brief(shop))).toEqual([
      ['error', 'base/orders/sli/jmeter.yaml', '3:14', 'indicators.login_p95', 'no labels here'],
    ]);
  });
});
