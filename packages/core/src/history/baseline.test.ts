import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../environment.js';
import type { Comparison, GateResult } from '../gate/types.js';
import { findBaseline, selectBaseline } from './baseline.js';
import { FileHistoryStore } from './file/file-history-store.js';
import type { HistoryRecord } from './history-store.js';
import { sampleEvaluation } from './test-support/history-store-contract.js';

/** Newest first: e6 (fail) e5 (warning, invalidated) e4 (pass) e3 (warning) e2 (fail) e1 (pass). */
const history: HistoryRecord[] = [
  sampleEvaluation('e6', { result: 'fail' }),
  sampleEvaluation('e5', { result: 'warning', invalidated: true }),
  { schemaVersion: 1, id: 'd1', kind: 'deployment', project: 'shop', stage: 'hardening', service: 'carts' },
  sampleEvaluation('e4', { result: 'pass' }),
  sampleEvaluation('e3', { result: 'warning' }),
  sampleEvaluation('e2', { result: 'fail' }),
  sampleEvaluation('e1', { result: 'pass' }),
];

function comparison(overrides: Partial<Comparison>): Comparison {
  return {
    compareWith: 'several_results',
    includeResultWithScore: 'all',
    numberOfComparisonResults: 3,
    aggregateFunction: 'avg',
    ...overrides,
  };
}

describe('selectBaseline', () => {
  it.each<[string, Partial<Comparison>, string[]]>([
    ['single_result, all', { compareWith: 'single_result' }, ['e6']],
    [
      'single_result ignores numberOfComparisonResults',
      { compareWith: 'single_result', numberOfComparisonResults: 5 },
      ['e6'],
    ],
    ['single_result, pass', { compareWith: 'single_result', includeResultWithScore: 'pass' }, ['e4']],
    [
      'single_result, pass_or_warn',
      { compareWith: 'single_result', includeResultWithScore: 'pass_or_warn' },
      ['e4'],
    ],
    ['several, all', {}, ['e6', 'e4', 'e3']],
    ['several, pass', { includeResultWithScore: 'pass' }, ['e4', 'e1']],
    ['several, pass_or_warn', { includeResultWithScore: 'pass_or_warn' }, ['e4', 'e3', 'e1']],
    ['several, more than there are', { numberOfComparisonResults: 10 }, ['e6', 'e4', 'e3', 'e2', 'e1']],
    [
      'several, pass_or_warn, 2',
      { includeResultWithScore: 'pass_or_warn', numberOfComparisonResults: 2 },
      ['e4', 'e3'],
    ],
    ['several, zero', { numberOfComparisonResults: 0 }, []],
  ])('%s', (_name, overrides, expected) => {
    expect(selectBaseline(history, comparison(overrides)).map((r) => r.id)).toEqual(expected);
  });

  it.each<[string, HistoryRecord[]]>([
    ['no history', []],
    ['only other kinds', history.filter((r) => r.kind !== 'evaluation')],
    ['only invalidated evaluations', history.filter((r) => r.invalidated === true)],
    [
      'only failures when passes are wanted',
      history.filter((r) => (r as { result?: GateResult }).result === 'fail'),
    ],
  ])('%s gives no baseline', (_name, records) => {
    expect(selectBaseline(records, comparison({ includeResultWithScore: 'pass' }))).toEqual([]);
  });

  it('passes over evaluations whose shape the scorer cannot use, whichever store returned them', () => {
    const objective = sampleEvaluation('x').objectives[0];
    const unusable = [
      { ...sampleEvaluation('string-value'), objectives: [{ ...objective, value: '100' }] },
      { ...sampleEvaluation('no-objectives'), objectives: undefined },
    ] as unknown as HistoryRecord[];
    const selected = selectBaseline([...unusable, ...history], comparison({ numberOfComparisonResults: 2 }));
    expect(selected.map((r) => r.id)).toEqual(['e6', 'e4']);
  });

  it('returns the records themselves, unchanged', () => {
    const [first] = selectBaseline(history, comparison({ compareWith: 'single_result' }));
    expect(first).toBe(history[0]);
  });
});

describe('findBaseline', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ci-connect-baseline-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function storeWithHistory(): Promise<FileHistoryStore> {
    const store = new FileHistoryStore({ path: join(dir, 'h.jsonl'), logger: createMemoryLogger() });
    // Appended oldest first, so the store holds the same history as the table above.
    for (const record of history.toReversed()) await store.append(record);
    await store.invalidate('e5');
    return store;
  }

  it('asks the store for what the comparison admits, newest first', async () => {
    const store = await storeWithHistory();
    const carts = { project: 'shop', stage: 'hardening', service: 'carts' };
    const found = await findBaseline(store, carts, comparison({ includeResultWithScore: 'pass_or_warn' }));
    expect(found.map((r) => r.id)).toEqual(['e4', 'e3', 'e1']);
  });

  it('uses the pinned evaluation alone, whatever the comparison asks, until it is unpinned', async () => {
    const store = await storeWithHistory();
    const carts = { project: 'shop', stage: 'hardening', service: 'carts' };
    await store.pin('e2');
    const several = comparison({ includeResultWithScore: 'pass', numberOfComparisonResults: 3 });
    expect((await findBaseline(store, carts, several)).map((r) => r.id)).toEqual(['e2']);
    await store.unpin(carts);
    expect((await findBaseline(store, carts, several)).map((r) => r.id)).toEqual(['e4', 'e1']);
  });
});
