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

    it('gives a record back as appended, to the byte: key order, number spelling, escapes', async () => {
      // toStrictEqual ignores key order; `history export` and diffs of records do not.
      const record = {
        ...sampleEvaluation('exact'),
        zeta: 1,
        alpha: [0.1 + 0.2, 1e21, 5e-324, -1.5e-7, 2 ** 53 + 2],
        text: 'nul \u0000, tab \t, "quotes", \\, ✓, lone \ud800',
      };
      await store.append(record);
      expect(JSON.stringify(await store.get('exact'))).toBe(JSON.stringify(record));
      expect(JSON.stringify((await store.query({ ...carts }))[0])).toBe(JSON.stringify(record));
      expect((await collect(store.entries())).map((entry) => JSON.stringify(entry))).toEqual([
        JSON.stringify(record),
      ]);
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

    it('filters by result and time, and answers queries without a service', async () => {
      await store.append(sampleEvaluation('old-pass', { evaluatedAt: '2025-01-01T00:00:00.000Z' }));
      await store.append(
        sampleEvaluation('fail', { result: 'fail', evaluatedAt: '2025-02-01T00:00:00.000Z' }),
      );
      await store.append(
        sampleEvaluation('warn', { result: 'warning', evaluatedAt: '2025-03-01T00:00:00.000Z' }),
      );
      await store.append(
        sampleEvaluation('other', { project: 'bank', evaluatedAt: '2025-03-02T00:00:00.000Z' }),
      );
      const run = { schemaVersion: 1, id: 'run', kind: 'sequence-run', ...carts, finishedAt: '2025-03-03' };
      await store.append(run);
      expect(ids(await store.query({}))).toEqual(['run', 'other', 'warn', 'fail', 'old-pass']);
      expect(ids(await store.query({ project: 'shop' }))).toEqual(['run', 'warn', 'fail', 'old-pass']);
      expect(ids(await store.query({ results: ['pass', 'warning'] }))).toEqual(['other', 'warn', 'old-pass']);
      expect(ids(await store.query({ ...carts, results: ['fail'] }))).toEqual(['fail']);
      expect(ids(await store.query({ since: '2025-02-01T00:00:00.000Z' }))).toEqual([
        'run',
        'other',
        'warn',
        'fail',
      ]);
      expect(
        ids(await store.query({ ...carts, kind: 'evaluation', results: ['pass', 'warning'], limit: 1 })),
      ).toEqual(['warn']);
    });

    it('pins an evaluation as its service baseline, and a later pin replaces it', async () => {
      for (const id of ['a', 'b', 'c']) await store.append(sampleEvaluation(id));
      expect(await store.pinned({ ...carts })).toBeUndefined();
      expect(await store.pin('a', 'known good release')).toStrictEqual({
        ...sampleEvaluation('a'),
        pinned: true,
      });
      expect(await store.pinned({ ...carts })).toStrictEqual({ ...sampleEvaluation('a'), pinned: true });
      expect(await store.get('a')).toMatchObject({ pinned: true });
      expect(await store.get('b')).toStrictEqual(sampleEvaluation('b'));
      const listed = await store.query({ ...carts });
      expect(listed.map((r) => [r.id, r.pinned === true])).toEqual([
        ['c', false],
        ['b', false],
        ['a', true],
      ]);
      await store.pin('b');
      expect(await store.pinned({ ...carts })).toMatchObject({ id: 'b', pinned: true });
      expect(await store.get('a')).toStrictEqual(sampleEvaluation('a'));
      expect(await store.pinned({ ...carts, stage: 'production' })).toBeUndefined();
    });

    it('unpins, and an invalidated pin is no baseline', async () => {
      for (const id of ['a', 'b']) await store.append(sampleEvaluation(id));
      expect(await store.unpin({ ...carts })).toBeUndefined();
      await store.pin('a');
      expect(await store.unpin({ ...carts }, 'new hardware')).toStrictEqual(sampleEvaluation('a'));
      expect(await store.pinned({ ...carts })).toBeUndefined();
      expect(await store.unpin({ ...carts })).toBeUndefined();
      await store.pin('b');
      await store.invalidate('b', 'wrong cluster');
      expect(await store.pinned({ ...carts })).toBeUndefined();
      expect(await store.get('b')).toStrictEqual({ ...sampleEvaluation('b'), invalidated: true });
    });

    it('refuses to pin an unknown id, a record of another kind or an invalidated evaluation', async () => {
      await store.append(sampleEvaluation('a'));
      await store.append({ schemaVersion: 1, id: 'run', kind: 'sequence-run', ...carts });
      await store.invalidate('a');
      for (const id of ['missing', 'run', 'a'])
        await expect(store.pin(id)).rejects.toSatisfy(
          (error) => error instanceof CiConnectError && error.exitCode === 2 && error.message.includes(id),
        );
      expect(await store.pinned({ ...carts })).toBeUndefined();
    });

    it('gives every entry back in append order, bookkeeping included, for export', async () => {
      for (const id of ['a', 'b']) await store.append(sampleEvaluation(id));
      await store.invalidate('a', 'why');
      await store.pin('b');
      const entries = await collect(store.entries());
      expect(entries.map((r) => r.kind)).toEqual(['evaluation', 'evaluation', 'invalidation', 'pin']);
      expect(entries[0]).toStrictEqual(sampleEvaluation('a'));
      expect(entries[2]).toMatchObject({ target: 'a', reason: 'why', ...carts });
      expect(entries[3]).toMatchObject({ target: 'b', ...carts });
    });

    it('imports entries of another store with their bookkeeping, and importing twice adds nothing', async () => {
      for (const id of ['a', 'b', 'c']) await store.append(sampleEvaluation(id));
      await store.invalidate('a');
      await store.pin('b');
      const exported = await collect(store.entries());
      await harness.teardown();
      await harness.setup();
      const target = harness.open();
      try {
        await target.append(sampleEvaluation('c'));
        expect(await target.import(exported)).toEqual({ added: 4, present: 1 });
        expect(await target.import(exported)).toEqual({ added: 0, present: 5 });
        expect(await target.import(generate(exported))).toEqual({ added: 0, present: 5 });
        expect(ids(await target.query({ ...carts }))).toEqual(['b', 'c']);
        expect(await target.pinned({ ...carts })).toMatchObject({ id: 'b' });
        expect(await target.get('a')).toMatchObject({ invalidated: true });
        expect(await collect(target.entries())).toHaveLength(5);
      } finally {
        await target.close();
      }
    });

    it('imports a long history in one go and reads it back in order, a large record whole', async () => {
      // About 1.3 MB: more than one file's worth for stores that keep the history in parts.
      const many = Array.from({ length: 1500 }, (_, i) =>
        sampleEvaluation(`m${i}`, { service: `svc${i % 7}`, labels: { build: String(i) } }),
      );
      const large = sampleEvaluation('large', { message: `${'é ✓ "x"\n'.repeat(40_000)}end` });
      expect(await store.import([...many, large])).toEqual({ added: 1501, present: 0 });
      const reopened = harness.open();
      try {
        expect(ids(await reopened.query({ limit: 3 }))).toEqual(['large', 'm1499', 'm1498']);
        expect(ids(await reopened.query({ ...carts, service: 'svc0', limit: 2 }))).toEqual([
          'm1498',
          'm1491',
        ]);
        expect(await reopened.get('m0')).toStrictEqual(many[0]);
        expect(await reopened.get('large')).toStrictEqual(large);
        const all = await collect(reopened.entries());
        expect(ids(all)).toEqual([...ids(many), 'large']);
        expect(await reopened.query({ ...carts, service: 'svc3' })).toHaveLength(214);
      } finally {
        await reopened.close();
      }
    });

    it('rejects a record without schemaVersion, id or kind', async () => {
      const broken = { schemaVersion: 1, id: '', kind: 'evaluation' } as HistoryRecord;
      await expect(store.append(broken)).rejects.toThrow(/id/);
      expect(await store.query({ ...carts })).toEqual([]);
    });
  });
}

async function collect(records: AsyncIterable<HistoryRecord>): Promise<HistoryRecord[]> {
  const all: HistoryRecord[] = [];
  for await (const record of records) all.push(record);
  return all;
}

async function* generate(records: readonly HistoryRecord[]): AsyncIterable<HistoryRecord> {
  for (const record of records) yield await Promise.resolve(record);
}

function ids(records: readonly HistoryRecord[]): string[] {
  return records.map((record) => record.id);
}
