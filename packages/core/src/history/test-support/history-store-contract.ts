/**
 * The contract every HistoryStore implementation passes (STYLE.md: one contract suite per
 * interface). Call `describeHistoryStoreContract` from each implementation's test file with a
 * harness that gives every test a fresh, empty store location.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CiConnectError } from '../../errors.js';
import type { EvaluationRecord } from '../../gate/types.js';
import type { HistoryRecord, HistoryStore } from '../history-store.js';

/** How the suite reaches one implementation. */
export interface HistoryStoreHarness {
  /** Prepares a fresh, empty location before each test. */
  setup(): Promise<void>;
  /** Opens a store on the current test's location; a test may open it twice. */
  open(): HistoryStore;
  /** Removes what `setup` made. */
  teardown(): Promise<void>;
}

const carts = { project: 'shop', stage: 'hardening', service: 'carts' } as const;

/** A complete evaluation record, exactly as `--json` prints it. */
export function sampleEvaluation(id: string, overrides: Partial<EvaluationRecord> = {}): EvaluationRecord {
  return {
    schemaVersion: 1,
    id,
    kind: 'evaluation',
    ...carts,
    version: '1.4.2',
    labels: { buildId: '812', note: 'line one\nline two "quoted" ✓' },
    start: '2025-01-01T10:00:00.000Z',
    end: '2025-01-01T10:05:00.000Z',
    evaluatedAt: '2025-01-01T10:05:01.000Z',
    result: 'pass',
    score: 83.33333333333334,
    objectives: [
      {
        sli: 'response_time_p95',
        displayName: '',
        provider: 'prometheus',
        value: 512.3,
        status: 'pass',
        score: 1,
        weight: 1,
        keySli: false,
        comparedValue: null,
        message: '',
        passTargets: [{ criteria: '<=+10%', targetValue: null, violated: false }],
        warningTargets: [],
      },
    ],
    comparedEvaluations: [],
    message: '',
    invalidated: false,
    ...overrides,
  };
}

/** Registers the contract tests for one implementation. */
export function describeHistoryStoreContract(name: string, harness: HistoryStoreHarness): void {
  describe(`HistoryStore contract: ${name}`, () => {
    let store: HistoryStore;
    beforeEach(async () => {
      await harness.setup();
      store = harness.open();
    });
    afterEach(async () => {
      await store.close();
      await harness.teardown();
    });

    it('is empty at first', async () => {
      expect(await store.query({ ...carts })).toEqual([]);
      expect(await store.get('nothing')).toBeUndefined();
    });

    it('returns a record exactly as appended, from get and query', async () => {
      const record = sampleEvaluation('e1');
      await store.append(record);
      expect(await store.get('e1')).toStrictEqual(record);
      expect(await store.query({ ...carts })).toStrictEqual([record]);
    });

    it('keeps records of kinds it does not know, with all their fields', async () => {
      const run = {
        schemaVersion: 1,
        id: 'r1',
        kind: 'sequence-run',
        ...carts,
        tasks: [{ name: 'deployment', result: 'pass', nested: { list: [1, null, 'x'] } }],
        empty: {},
        flag: false,
      };
      await store.append(run);
      expect(await store.get('r1')).toStrictEqual(run);
      expect(await store.query({ ...carts, kind: 'sequence-run' })).toStrictEqual([run]);
    });

    it('returns records newest first and honours limit', async () => {
      for (const id of ['a', 'b', 'c', 'd']) await store.append(sampleEvaluation(id));
      expect(ids(await store.query({ ...carts }))).toEqual(['d', 'c', 'b', 'a']);
      expect(ids(await store.query({ ...carts, limit: 2 }))).toEqual(['d', 'c']);
      expect(ids(await store.query({ ...carts, limit: 0 }))).toEqual([]);
    });

    it('filters by project, stage, service and kind, matching exactly', async () => {
      await store.append(sampleEvaluation('match'));
      await store.append(sampleEvaluation('other-project', { project: 'shop2' }));
      await store.append(sampleEvaluation('other-stage', { stage: 'production' }));
      await store.append(sampleEvaluation('other-service', { service: 'cart' }));
      await store.append({ schemaVersion: 1, id: 'deploy', kind: 'deployment', ...carts });
      await store.append({ schemaVersion: 1, id: 'no-service', kind: 'approval', project: 'shop' });
      expect(ids(await store.query({ ...carts }))).toEqual(['deploy', 'match']);
      expect(ids(await store.query({ ...carts, kind: 'evaluation' }))).toEqual(['match']);
      expect(ids(await store.query({ ...carts, kind: 'deployment' }))).toEqual(['deploy']);
      expect(ids(await store.query({ ...carts, service: 'cart' }))).toEqual(['other-service']);
      expect(await store.get('no-service')).toMatchObject({ kind: 'approval' });
    });

    it('invalidates a record without removing it', async () => {
      for (const id of ['a', 'b', 'c']) await store.append(sampleEvaluation(id));
      const returned = await store.invalidate('b', 'load test hit the wrong cluster');
      expect(returned).toStrictEqual({ ...sampleEvaluation('b'), invalidated: true });
      expect(ids(await store.query({ ...carts }))).toEqual(['c', 'a']);
      expect(ids(await store.query({ ...carts, limit: 2 }))).toEqual(['c', 'a']);
      const all = await store.query({ ...carts, includeInvalidated: true });
      expect(all.map((r) => [r.id, r.invalidated])).toEqual([
        ['c', false],
        ['b', true],
        ['a', false],
      ]);
      expect(await store.get('b')).toStrictEqual({ ...sampleEvaluation('b'), invalidated: true });
      expect(await store.get('a')).toStrictEqual(sampleEvaluation('a'));
    });

    it('treats invalidating twice as once, and an unknown id as a usage error', async () => {
      await store.append(sampleEvaluation('a'));
      await store.invalidate('a');
      expect(await store.invalidate('a')).toMatchObject({ id: 'a', invalidated: true });
      await expect(store.invalidate('missing')).rejects.toSatisfy(
        (error) =>
          error instanceof CiConnectError && error.exitCode === 2 && error.message.includes('missing'),
      );
    });

    it('shows what one store appended to a store opened later on the same location', async () => {
      await store.append(sampleEvaluation('a'));
      await store.invalidate('a');
      await store.append(sampleEvaluation('b'));
      const reopened = harness.open();
      expect(ids(await reopened.query({ ...carts, includeInvalidated: true }))).toEqual(['b', 'a']);
      expect(await reopened.get('a')).toMatchObject({ invalidated: true });
      await reopened.close();
    });

    it('loses nothing when appends overlap', async () => {
      const records = Array.from({ length: 20 }, (_, i) => sampleEvaluation(`p${i}`));
      await Promise.all(records.map((record) => store.append(record)));
      const stored = await store.query({ ...carts });
      expect(new Set(ids(stored))).toEqual(new Set(ids(records)));
      expect(stored).toHaveLength(20);
    });

    it('skips, on reading, evaluations whose shape the gate cannot use', async () => {
      // append checks only what every record has, so this is how a broken line gets in.
      const objective = sampleEvaluation('x').objectives[0];
      const broken = [
        { ...sampleEvaluation('no-objectives'), objectives: undefined },
        { ...sampleEvaluation('null-objective'), objectives: [null] },
        { ...sampleEvaluation('string-value'), objectives: [{ ...objective, value: '100' }] },
        { ...sampleEvaluation('bad-result'), result: 'ok' },
      ];
      await store.append(sampleEvaluation('a'));
      for (const record of broken) await store.append(record);
      await store.append(sampleEvaluation('b'));
      expect(ids(await store.query({ ...carts }))).toEqual(['b', 'a']);
      expect(ids(await store.query({ ...carts, kind: 'evaluation', includeInvalidated: true }))).toEqual([
        'b',
        'a',
      ]);
      for (const record of broken) expect(await store.get(record.id)).toBeUndefined();
    });

    it('rejects a record without schemaVersion, id or kind', async () => {
      const broken = { schemaVersion: 1, id: '', kind: 'evaluation' } as HistoryRecord;
      await expect(store.append(broken)).rejects.toThrow(/id/);
      expect(await store.query({ ...carts })).toEqual([]);
    });
  });
}

function ids(records: readonly HistoryRecord[]): string[] {
  return records.map((record) => record.id);
}
