import { describe, expect, it } from 'vitest';
import { keptnExample } from '../config/test-support/diagnostics.js';
import { loadShipyardFile, parseShipyard } from './shipyard-file.js';
import type { ShipyardSequence, TriggerMatch } from './types.js';

const passOrWarning: TriggerMatch[] = [{ result: 'pass' }, { result: 'warning' }];

describe('legacy 0.1 shipyards, converted as `keptn upgrade project --shipyard` did, with Keptn 0.7’s approvals', () => {
  it('converts Keptn 0.7.3 sock-shop stages into delivery, rollback and delivery-direct', async () => {
    const { shipyard } = await loadShipyardFile(
      keptnExample('examples-0.7.3_onboarding-carts_shipyard.yaml'),
    );
    expect(shipyard?.apiVersion).toBe('spec.keptn.sh/0.2.0');
    expect(shipyard?.legacy).toBe(true);
    const staging = shipyard?.stages[1]?.sequences ?? [];
    expect(staging).toEqual([
      {
        name: 'delivery',
        triggeredOn: [
          { event: 'dev.delivery.finished', stage: 'dev', sequence: 'delivery', matches: passOrWarning },
        ],
        tasks: [
          {
            name: 'approval',
            properties: { pass: 'automatic', warning: 'automatic' },
            approval: { pass: 'automatic', warning: 'automatic' },
          },
          {
            name: 'deployment',
            properties: { deploymentstrategy: 'blue_green_service' },
            deploymentStrategy: 'blue_green_service',
          },
          { name: 'test', properties: { teststrategy: 'performance' }, testStrategy: 'performance' },
          { name: 'evaluation', properties: {} },
          { name: 'release', properties: {} },
        ],
      },
      {
        name: 'rollback',
        triggeredOn: [
          {
            event: 'staging.delivery.finished',
            stage: 'staging',
            sequence: 'delivery',
            matches: [{ result: 'fail' }],
          },
        ],
        tasks: [{ name: 'rollback', properties: {} }],
      },
      {
        name: 'delivery-direct',
        triggeredOn: [
          {
            event: 'dev.delivery-direct.finished',
            stage: 'dev',
            sequence: 'delivery-direct',
            matches: passOrWarning,
          },
        ],
        tasks: [
          {
            name: 'approval',
            properties: { pass: 'automatic', warning: 'automatic' },
            approval: { pass: 'automatic', warning: 'automatic' },
          },
          { name: 'deployment', properties: { deploymentstrategy: 'direct' }, deploymentStrategy: 'direct' },
          { name: 'test', properties: { teststrategy: 'performance' }, testStrategy: 'performance' },
          { name: 'evaluation', properties: {} },
          { name: 'release', properties: {} },
        ],
      },
    ] satisfies ShipyardSequence[]);
  });

  it('keeps the approval strategy per stage and leaves the test out where there was no test_strategy', async () => {
    const { shipyard } = await loadShipyardFile(
      keptnExample('examples-0.7.3_onboarding-carts_shipyard.yaml'),
    );
    const production = shipyard?.stages[2]?.sequences[0];
    // Keptn 0.7 asked for production's approval before promoting into production: it opens the sequence.
    expect(production?.tasks.map((t) => t.name)).toEqual(['approval', 'deployment', 'evaluation', 'release']);
    expect(production?.tasks[0]?.approval).toEqual({ pass: 'automatic', warning: 'manual' });
    // Nothing promoted into the first stage: no approval there.
    const dev = shipyard?.stages[0]?.sequences[0];
    expect(dev?.triggeredOn).toEqual([]);
    expect(dev?.tasks.map((t) => t.name)).toEqual(['deployment', 'test', 'evaluation', 'release']);
  });

  it('turns remediation_strategy: automated into a remediation sequence evaluated 10 minutes after an action', async () => {
    const { shipyard, diagnostics } = await loadShipyardFile(
      keptnExample('examples-0.7.3_onboarding-carts_shipyard.yaml'),
    );
    expect(shipyard?.stages.map((s) => s.sequences.some((q) => q.name === 'remediation'))).toEqual([
      false,
      false,
      true,
    ]);
    expect(shipyard?.stages[2]?.sequences.at(-1)).toEqual({
      name: 'remediation',
      triggeredOn: [
        {
          event: 'production.remediation.finished',
          stage: 'production',
          sequence: 'remediation',
          matches: [{ result: 'fail', task: 'evaluation' }],
        },
      ],
      tasks: [
        { name: 'get-action', properties: {} },
        { name: 'action', properties: {} },
        {
          name: 'evaluation',
          properties: { timeframe: '10m' },
          triggeredAfterMs: 600_000,
          timeframe: '10m',
        },
      ],
    } satisfies ShipyardSequence);
    // The one warning left says how to convert the file for good.
    expect(diagnostics.map((d) => d.hint)).toEqual([
      expect.stringContaining('convert it with `ci-connect migrate shipyard --write`'),
    ]);
  });

  it('ignores another remediation_strategy with a warning, as Keptn 0.7 turned nothing on for it', async () => {
    const text =
      'stages:\n  - name: prod\n    deployment_strategy: direct\n    remediation_strategy: manual\n';
    const { shipyard, diagnostics } = await parseShipyard(text);
    expect(shipyard?.stages[0]?.sequences.map((s) => s.name)).toEqual(['delivery', 'delivery-direct']);
    expect(
      diagnostics.filter((d) => d.path !== '').map((d) => [d.line, d.column, d.path, d.message]),
    ).toEqual([
      [
        4,
        27,
        'stages[0].remediation_strategy',
        'ignored: remediation_strategy "manual" (only "automated" turned remediation on)',
      ],
    ]);
  });

  it('warns that a manual approval on the first stage was never asked for (nothing promoted into it)', async () => {
    const text = [
      'stages:',
      '  - name: dev',
      '    deployment_strategy: direct',
      '    approval_strategy: { pass: manual }',
      '  - name: prod',
      '    deployment_strategy: direct',
      '    approval_strategy: { warning: manual }',
      '',
    ].join('\n');
    const { shipyard, diagnostics } = await parseShipyard(text);
    expect(
      diagnostics.filter((d) => d.path !== '').map((d) => [d.line, d.column, d.path, d.message]),
    ).toEqual([
      [
        4,
        5,
        'stages[0].approval_strategy',
        "ignored: the first stage's approval_strategy (Keptn 0.7 asked for a stage's approval only before promoting into it)",
      ],
    ]);
    expect(shipyard?.stages[0]?.sequences[0]?.tasks.map((t) => t.name)).toEqual([
      'deployment',
      'evaluation',
      'release',
    ]);
    expect(shipyard?.stages[1]?.sequences[0]?.tasks[0]).toMatchObject({
      name: 'approval',
      approval: { pass: 'automatic', warning: 'manual' },
    });
  });

  it('warns that a manual approval on a stage that deploys nothing is never asked for, naming where it would be', async () => {
    const text = [
      'stages:',
      '  - name: dev',
      '    deployment_strategy: direct',
      '  - name: gate',
      '    approval_strategy:',
      '      pass: manual',
      '  - name: production',
      '    deployment_strategy: direct',
      '  - name: audit',
      '    approval_strategy: { pass: automatic, warning: automatic }',
      '',
    ].join('\n');
    const { shipyard, diagnostics } = await parseShipyard(text);
    expect(
      diagnostics.filter((d) => d.path !== '').map((d) => [d.line, d.column, d.path, d.message, d.hint]),
    ).toEqual([
      [
        5,
        5,
        'stages[1].approval_strategy',
        'ignored: the approval_strategy of a stage without deployment_strategy or test_strategy (nothing is promoted into it, so no approval is asked)',
        'to approve before "production", put approval_strategy on that stage; or give "gate" a deployment_strategy',
      ],
    ]);
    // The next delivery is not held by the dropped manual approval.
    expect(shipyard?.stages[2]?.sequences[0]?.tasks[0]).toMatchObject({
      name: 'approval',
      approval: { pass: 'automatic', warning: 'automatic' },
    });
  });

  it('says to give a last stage that deploys nothing a deployment_strategy when its approval is manual', async () => {
    const text =
      'stages:\n  - name: dev\n    deployment_strategy: direct\n  - name: audit\n    approval_strategy: { warning: manual }\n';
    const { diagnostics } = await parseShipyard(text);
    expect(diagnostics.filter((d) => d.path !== '').map((d) => [d.line, d.column, d.path, d.hint])).toEqual([
      [
        5,
        5,
        'stages[1].approval_strategy',
        'give "audit" a deployment_strategy, or remove approval_strategy',
      ],
    ]);
  });

  it('keeps a user-defined workload (performance_peak) as the teststrategy', async () => {
    const { shipyard } = await loadShipyardFile(
      keptnExample('examples_simplenodeservice_shipyard_keptn07.yaml'),
    );
    expect(shipyard?.stages[1]?.sequences[0]?.tasks[2]?.testStrategy).toBe('performance_peak');
  });

  it('keeps a stage without strategies a quality-gate stage, and chains the next delivery past it', async () => {
    const text = [
      'stages:',
      '  - name: dev',
      '    deployment_strategy: direct',
      '  - name: gate',
      '  - name: production',
      '    test_strategy: functional',
      '',
    ].join('\n');
    const { shipyard } = await parseShipyard(text);
    expect(shipyard?.stages.map((s) => [s.name, s.sequences.map((q) => q.name)])).toEqual([
      ['dev', ['delivery', 'delivery-direct']],
      ['gate', []],
      ['production', ['delivery']],
    ]);
    expect(shipyard?.stages[2]?.sequences[0]?.triggeredOn.map((t) => t.event)).toEqual([
      'dev.delivery.finished',
    ]);
    expect(shipyard?.stages[2]?.sequences[0]?.tasks.map((t) => t.name)).toEqual([
      'approval',
      'test',
      'evaluation',
      'release',
    ]);
  });

  it('applies the stage-name rules to legacy files too', async () => {
    const result = await parseShipyard('stages:\n  - name: Prod\n  - name: dev\n  - name: dev\n');
    expect(result.shipyard).toBeUndefined();
    expect(
      result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.path, d.message]),
    ).toEqual([
      [2, 'stages[0].name', '"Prod" is not a valid stage name'],
      [4, 'stages[2].name', 'stage "dev" is defined twice (first at line 3)'],
    ]);
  });

  it('rejects an empty legacy stage list', async () => {
    const result = await parseShipyard('stages: []\n');
    expect(result.diagnostics.map((d) => [d.severity, d.path, d.message])).toEqual([
      ['error', 'stages', 'no stages: a shipyard needs at least one stage'],
      ['warning', '', expect.stringContaining('legacy shipyard format') as unknown],
    ]);
  });
});
