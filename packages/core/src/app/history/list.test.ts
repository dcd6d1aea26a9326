import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import { listHistory, showHistoryRecord } from './list.js';
import { evaluationAt, makeHistoryHost, type HistoryHost } from './test-support/history-host.js';

const NOW_ISO = '2026-11-22T11:00:00.000Z';

let host: HistoryHost;
beforeEach(async () => {
  host = await makeHistoryHost();
  await host.seed(
    evaluationAt('a', 0, { result: 'pass' }),
    evaluationAt('b', 10, { result: 'fail', score: 0 }),
    evaluationAt('c', 20, { result: 'warning', score: 75, service: 'orders' }),
    evaluationAt('d', 30, { result: 'pass', stage: 'production' }),
    {
      schemaVersion: 1,
      id: 'run-1',
      kind: 'sequence-run',
      project: 'shop',
      stage: 'hardening',
      service: 'carts',
      result: 'pass',
      finishedAt: '2026-11-22T10:40:00.000Z',
    } as never,
  );
});
afterEach(() => host.cleanUp());

const ids = async (filters: Partial<Parameters<typeof listHistory>[0]> = {}) =>
  (
    await listHistory({ configDir: '.ci-connect', history: host.history, limit: 20, ...filters }, host)
  ).result.records.map((r) => r.id);

describe('history list', () => {
  it('lists every record newest first, in the envelope --json prints', async () => {
    const { result, exitCode } = await listHistory(
      { configDir: '.ci-connect', history: host.history, limit: 20 },
      host,
    );
    expect(exitCode).toBe(0);
    expect(result).toMatchObject({ schemaVersion: 1, kind: 'history-list', history: host.historyPath });
    expect(result.records.map((r) => r.id)).toEqual(['run-1', 'd', 'c', 'b', 'a']);
  });

  it.each([
    [{ kind: 'evaluation' }, ['d', 'c', 'b', 'a']],
    [{ service: 'carts', kind: 'evaluation' }, ['d', 'b', 'a']],
    [{ stage: 'production' }, ['d']],
    [{ project: 'other' }, []],
    [{ results: ['fail', 'warning'] }, ['c', 'b']],
    [{ since: '2026-11-22T10:15:00Z' }, ['run-1', 'd', 'c']],
    // NOW is 12:00: 100 minutes back is 10:20.
    [{ since: '100m' }, ['run-1', 'd', 'c']],
    [{ limit: 2 }, ['run-1', 'd']],
  ])('filters by %o', async (filters, expected) => {
    expect(await ids(filters)).toEqual(expected);
  });

  it('lists invalidated records too, marked', async () => {
    await host.seed({
      schemaVersion: 1,
      kind: 'invalidation',
      id: 'inv',
      target: 'b',
      at: NOW_ISO,
      reason: 'bad',
    } as never);
    const { result } = await listHistory(
      { configDir: '.ci-connect', history: host.history, limit: 20, kind: 'evaluation' },
      host,
    );
    expect(result.records.find((r) => r.id === 'b')?.invalidated).toBe(true);
  });

  it('refuses a --since that is neither a time nor a duration', async () => {
    await expect(ids({ since: 'last week' })).rejects.toThrow(/--since "last week" is not a time/);
  });

  it('reads the history named in ci-connect.yaml when there is no --history', async () => {
    await host.writeConfigDir('history: file:history.jsonl\n', ['carts']);
    const { result } = await listHistory({ configDir: '.ci-connect', limit: 1 }, host);
    expect(result.records.map((r) => r.id)).toEqual(['run-1']);
  });
});

describe('history show', () => {
  it('returns the record, marked', async () => {
    const { record, exitCode } = await showHistoryRecord(
      { configDir: '.ci-connect', history: host.history, id: 'b' },
      host,
    );
    expect(exitCode).toBe(0);
    expect(record).toMatchObject({ id: 'b', kind: 'evaluation', result: 'fail' });
  });

  it('refuses an unknown id with exit 2, naming the history', async () => {
    const showing = showHistoryRecord({ configDir: '.ci-connect', history: host.history, id: 'nope' }, host);
    await expect(showing).rejects.toBeInstanceOf(UsageError);
    await expect(showing).rejects.toThrow(`no record with id nope in the history ${host.historyPath}`);
  });
});
