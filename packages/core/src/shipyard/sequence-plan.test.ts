import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { keptnExample } from '../config/test-support/diagnostics.js';
import { planSequence, sequencesTriggeredBy, stagesTriggeredBy } from './sequence-plan.js';
import { loadShipyardFile } from './shipyard-file.js';
import type { Shipyard } from './types.js';

let sockShop: Shipyard;
let qualityGates: Shipyard;

beforeAll(async () => {
  const load = async (name: string) => {
    const { shipyard, diagnostics } = await loadShipyardFile(keptnExample(name));
    if (shipyard === undefined) throw new Error(JSON.stringify(diagnostics));
    return shipyard;
  };
  sockShop = await load('examples_onboarding-carts_shipyard.yaml');
  qualityGates = await load('examples_onboarding-carts_shipyard-quality-gates.yaml');
});

function thrown(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('planSequence', () => {
  it('defaults to the first stage and the delivery sequence', () => {
    const plan = planSequence(sockShop);
    expect([plan.stage, plan.sequence, plan.implicit]).toEqual(['dev', 'delivery', false]);
    expect(plan.tasks.map((t) => [t.name, t.deploymentStrategy ?? t.testStrategy ?? null])).toEqual([
      ['deployment', 'direct'],
      ['test', 'functional'],
      ['evaluation', null],
      ['release', null],
    ]);
    expect(plan.triggeredOn).toEqual([]);
  });

  it("names what must have finished before a later stage's delivery", () => {
    const plan = planSequence(sockShop, { stage: 'staging' });
    expect(plan.triggeredOn.map((t) => [t.stage, t.sequence, t.matches.map((m) => m.result)])).toEqual([
      ['dev', 'delivery', ['pass', 'warning']],
    ]);
  });

  it('plans a named sequence with its task properties', () => {
    const plan = planSequence(sockShop, { stage: 'production', sequence: 'remediation' });
    expect(plan.tasks.map((t) => t.name)).toEqual(['get-action', 'action', 'evaluation']);
    expect(plan.tasks[2]).toMatchObject({ timeframe: '15m', triggeredAfterMs: 900_000 });
  });

  it('gives every stage the implicit evaluation sequence Keptn gave it', () => {
    const plan = planSequence(qualityGates, { sequence: 'evaluation' });
    expect(plan).toEqual({
      stage: 'hardening',
      sequence: 'evaluation',
      tasks: [{ name: 'evaluation', properties: {} }],
      triggeredOn: [],
      implicit: true,
    });
  });

  it('refuses an unknown stage, listing the stages (exit 2)', () => {
    const error = thrown(() => planSequence(sockShop, { stage: 'prod' }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`there is no stage "prod" in ${sockShop.file}`);
    expect(error.hint).toBe('the stages are: dev, staging, production (--stage, CI_CONNECT_STAGE)');
  });

  it("refuses an unknown sequence, listing the stage's sequences with a suggestion (exit 2)", () => {
    const error = thrown(() => planSequence(sockShop, { stage: 'staging', sequence: 'rolback' }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`stage "staging" of ${sockShop.file} has no sequence "rolback"`);
    expect(error.hint).toBe(
      'did you mean "rollback"? the sequences of staging are: delivery, rollback, delivery-direct, evaluation',
    );
  });

  it('refuses the default delivery in a quality-gate-only stage, naming evaluation', () => {
    const error = thrown(() => planSequence(qualityGates));
    expect(error.message).toContain('stage "hardening"');
    expect(error.hint).toBe('the sequences of hardening are: evaluation');
  });
});

describe('sequencesTriggeredBy', () => {
  it.each([
    ['dev', 'delivery', 'pass', [['staging', 'delivery']]],
    ['dev', 'delivery', 'warning', [['staging', 'delivery']]],
    ['dev', 'delivery', 'fail', []],
    ['staging', 'delivery', 'pass', [['production', 'delivery']]],
    ['staging', 'delivery', 'fail', [['staging', 'rollback']]],
    ['production', 'delivery', 'fail', [['production', 'rollback']]],
    ['production', 'delivery', 'pass', []],
    ['dev', 'delivery-direct', 'pass', [['staging', 'delivery-direct']]],
  ] as const)('%s.%s.finished with %s starts %j', (stage, sequence, result, expected) => {
    const started = sequencesTriggeredBy(sockShop, { stage, sequence, result });
    expect(started.map((r) => [r.stage, r.sequence])).toEqual(expected);
  });

  it('repeats the remediation only while its evaluation fails (the selector names the last task)', () => {
    const finished = { stage: 'production', sequence: 'remediation' } as const;
    expect(sequencesTriggeredBy(sockShop, { ...finished, result: 'fail' })).toEqual([
      { stage: 'production', sequence: 'remediation' },
    ]);
    expect(sequencesTriggeredBy(sockShop, { ...finished, result: 'fail', lastTask: 'get-action' })).toEqual(
      [],
    );
    expect(sequencesTriggeredBy(sockShop, { ...finished, result: 'pass' })).toEqual([]);
  });

  it('names the next stages after a passed delivery', () => {
    expect(stagesTriggeredBy(sockShop, { stage: 'staging', sequence: 'delivery', result: 'pass' })).toEqual([
      'production',
    ]);
    expect(
      stagesTriggeredBy(sockShop, { stage: 'production', sequence: 'delivery', result: 'pass' }),
    ).toEqual([]);
  });

  it('refuses a finished sequence the shipyard does not have', () => {
    expect(() => sequencesTriggeredBy(sockShop, { stage: 'dev', sequence: 'nope', result: 'pass' })).toThrow(
      UsageError,
    );
  });
});
