import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findRecordProblem } from './import-records.js';
import { convertKeptnEvent, type KeptnEvaluationRecord } from './keptn-events.js';
import { imageTag } from './keptn-fields.js';

type Event = Record<string, unknown> & { id: string; data: Record<string, unknown> };

function fixture(name: string): Event[] {
  const text = readFileSync(new URL(`../../../../fixtures/keptn-events/${name}`, import.meta.url), 'utf8');
  const parsed = JSON.parse(text) as { events: Event[] } | Event[];
  return Array.isArray(parsed) ? parsed : parsed.events;
}

function evaluationOf(event: Event): KeptnEvaluationRecord {
  const outcome = convertKeptnEvent(event);
  if (outcome.kind !== 'evaluation') throw new Error(`not an evaluation: ${JSON.stringify(outcome)}`);
  return outcome.record;
}

const STAGING = 'datastore-by-type_evaluation-finished_sockshop-carts-staging_10-events.json';
const DEV = 'datastore-by-type_evaluation-finished_sockshop-carts-dev_6-events_no-slo-and-displayname.json';
const DYNATRACE = 'datastore-by-type_evaluation-finished_dynatrace-quality-gate_50-events.json';
const KEYSLI = 'datastore-by-type_evaluation-finished_keysli_EDITED-11-events.json';
const LEGACY = 'legacy-0.6_evaluation-done_sockshop-carts-staging_5-events_EXTRACTED.json';

describe('Keptn evaluation.finished events as evaluation records', () => {
  it.each([STAGING, DEV, DYNATRACE, KEYSLI, LEGACY])(
    'converts every event of %s into a usable record',
    (name) => {
      for (const event of fixture(name)) {
        const record = evaluationOf(event);
        expect(findRecordProblem(record as never), event.id).toBeUndefined();
        expect(record.id).toBe(event.id);
      }
    },
  );

  it('maps a recorded evaluation field by field', () => {
    const event = fixture(STAGING).find((e) => e.id === '1500b971-bfc3-4e20-8dc1-a624e0faf963')!;
    const record = evaluationOf(event);
    expect(record).toMatchObject({
      schemaVersion: 1,
      kind: 'evaluation',
      project: 'sockshop',
      stage: 'staging',
      service: 'carts',
      version: '',
      labels: {},
      start: '2022-02-09T09:28:55.866Z',
      end: '2022-02-09T09:29:47.625Z',
      evaluatedAt: '2022-02-09T09:30:07.865Z',
      result: 'fail',
      score: 33.33333333333333,
      comparedEvaluations: ['182d10b8-b68d-49d4-86cd-5521352d7a42'],
      message:
        'Evaluation failed since the calculated score of 33.33333333333333 is below the warning value of 75',
      invalidated: false,
      keptn: {
        shkeptncontext: 'da740469-9920-4e0c-b304-0fd4b18d17c2',
        triggeredid: '09f53f15-c89d-4a4a-82cc-138985696172',
      },
    });
    expect(record.objectives[1]).toEqual({
      sli: 'request_throughput',
      displayName: '',
      provider: '',
      value: 18.42,
      status: 'fail',
      score: 0,
      weight: 1,
      keySli: false,
      comparedValue: 0,
      message: '',
      passTargets: [
        { criteria: '<=+100%', targetValue: 0, violated: true },
        { criteria: '>=-80%', targetValue: 0, violated: false },
      ],
      warningTargets: [],
    });
    expect(record.objectives[2]).toMatchObject({
      sli: 'go_routines',
      status: 'pass',
      score: 1,
      weight: 1,
      value: 88,
    });
  });

  it("takes the verdict from data.result, as Keptn's own baseline did, not from evaluation.result", () => {
    const failedFetch = fixture(DEV).find((e) => e.id === 'f666151c-57f6-4bf0-9fc6-0ae9d16a3a52')!;
    expect((failedFetch.data.evaluation as { result: string }).result).toBe('pass');
    expect(evaluationOf(failedFetch)).toMatchObject({ result: 'fail', score: 0, objectives: [] });
  });

  it('keeps key SLIs, display names, labels, and values that failed as no value with their message', () => {
    const keySli = fixture(KEYSLI)
      .flatMap((e) => evaluationOf(e).objectives)
      .filter((o) => o.keySli);
    expect(keySli.length).toBe(5);
    const labelled = fixture(DYNATRACE)
      .map(evaluationOf)
      .find((r) => r.labels['Dashboard Link'] !== undefined);
    expect(labelled?.labels.DtCreds).toBe('dynatrace');
    const failed = fixture(DYNATRACE)
      .flatMap((e) => evaluationOf(e).objectives)
      .filter((o) => o.value === null);
    expect(failed.length).toBe(5);
    expect(failed.every((o) => o.message !== '')).toBe(true);
  });

  it("reads Keptn 0.6's evaluation-done: evaluationdetails and targets", () => {
    const records = fixture(LEGACY).map(evaluationOf);
    expect(records.map((r) => r.result)).toEqual(['pass', 'fail', 'fail', 'fail', 'fail']);
    expect(records[1]?.objectives[0]).toMatchObject({
      sli: 'response_time_p95',
      value: 2013.11088577307,
      passTargets: [
        { criteria: '<=900', targetValue: 900, violated: true },
        { criteria: '<600', targetValue: 600, violated: true },
      ],
    });
    expect(records[3]?.objectives[0]).toMatchObject({
      value: null,
      message: 'end time must not be in the future',
    });
    expect(records[0]).toMatchObject({ start: '2020-03-16T12:50:44.000Z', keptn: { triggeredid: null } });
  });

  it.each([
    [{ data: undefined }, 'data', 'data is missing; it must be an object'],
    [{ time: undefined }, 'time', 'time is missing'],
    [{ data: { project: 'p', stage: 's' } }, 'data.service', 'data.service is missing'],
    [
      { data: { project: 'p', stage: 's', service: 'x', result: 'passed' } },
      'data.result',
      'data.result is "passed"',
    ],
  ])('says which field is wrong: %o', (change, path, message) => {
    const event = { ...fixture(STAGING)[0]!, ...change };
    const outcome = convertKeptnEvent(event);
    expect(outcome).toMatchObject({ kind: 'problem', path });
    expect(outcome.kind === 'problem' && outcome.message).toContain(message);
  });

  it('names the indicator whose value is unusable', () => {
    const event = structuredClone(fixture(STAGING)[0]!);
    const results = (event.data.evaluation as { indicatorResults: { value: Record<string, unknown> }[] })
      .indicatorResults;
    results[1]!.value.value = '18.42';
    expect(convertKeptnEvent(event)).toMatchObject({
      kind: 'problem',
      path: 'data.evaluation.indicatorResults[1].value.value',
      message: 'data.evaluation.indicatorResults[1].value.value is "18.42"; it must be a number',
    });
  });
});

describe('Keptn evaluation.invalidated events', () => {
  it('keep the triggered id they name, the reason the Bridge sends, and their time', () => {
    const event = {
      type: 'sh.keptn.event.evaluation.invalidated',
      id: 'inv-1',
      time: '2022-02-10T08:00:00.000Z',
      triggeredid: '09f53f15-c89d-4a4a-82cc-138985696172',
      shkeptncontext: 'da740469-9920-4e0c-b304-0fd4b18d17c2',
      source: 'https://github.com/keptn/keptn/bridge#evaluation.invalidated',
      data: { project: 'sockshop', stage: 'staging', service: 'carts', evaluation: { reason: 'wrong load' } },
    };
    expect(convertKeptnEvent(event)).toEqual({
      kind: 'invalidation',
      invalidation: {
        eventId: 'inv-1',
        triggeredId: '09f53f15-c89d-4a4a-82cc-138985696172',
        project: 'sockshop',
        stage: 'staging',
        service: 'carts',
        at: '2022-02-10T08:00:00.000Z',
        reason: 'wrong load',
      },
    });
  });

  it("reads Keptn 0.7's plural type, and derives a stable id for an event that has none", () => {
    const event = {
      type: 'sh.keptn.events.evaluation.invalidated',
      triggeredid: 'abc',
      data: { project: 'sockshop', stage: 'dev', service: 'carts' },
    };
    const first = convertKeptnEvent(event);
    expect(first).toMatchObject({
      kind: 'invalidation',
      invalidation: { triggeredId: 'abc', at: undefined, reason: null },
    });
    expect(convertKeptnEvent({ ...event })).toEqual(first);
  });
});

describe('other Keptn events', () => {
  it('are read for the image their deployment names', () => {
    const deployment = {
      type: 'sh.keptn.event.deployment.triggered',
      shkeptncontext: 'ctx',
      data: { configurationChange: { values: { image: 'docker.io/keptnexamples/carts:0.13.1' } } },
    };
    expect(convertKeptnEvent(deployment)).toEqual({
      kind: 'other',
      type: 'sh.keptn.event.deployment.triggered',
      context: 'ctx',
      image: 'docker.io/keptnexamples/carts:0.13.1',
    });
  });

  it.each([
    ['docker.io/keptnexamples/carts:0.13.1', '0.13.1'],
    ['localhost:5000/carts', ''],
    ['localhost:5000/carts:1.2@sha256:abc', '1.2'],
    ['carts', ''],
  ])('takes the version of %s as %o', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});
