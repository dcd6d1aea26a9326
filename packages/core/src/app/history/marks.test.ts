import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../errors.js';
import { findBaseline } from '../../history/baseline.js';
import { FileHistoryStore } from '../../history/file/file-history-store.js';
import { invalidateRecord, pinEvaluation, unpinEvaluation } from './marks.js';
import { evaluationAt, makeHistoryHost, type HistoryHost } from './test-support/history-host.js';

let host: HistoryHost;
beforeEach(async () => {
  host = await makeHistoryHost();
  await host.seed(evaluationAt('old', 0), evaluationAt('mid', 10), evaluationAt('new', 20));
});
afterEach(() => host.cleanUp());

const carts = { project: 'shop', stage: 'hardening', service: 'carts' };
const several = {
  compareWith: 'several_results',
  includeResultWithScore: 'all',
  numberOfComparisonResults: 3,
  aggregateFunction: 'avg',
} as const;

async function baselineIds(): Promise<string[]> {
  const store = new FileHistoryStore({ path: host.historyPath, logger: host.logger });
  return (await findBaseline(store, carts, several)).map((r) => r.id);
}

const at = (id: string, reason?: string) => ({ configDir: '.ci-connect', history: host.history, id, reason });

describe('history invalidate', () => {
  it('leaves the evaluation out of the next baseline and keeps the reason', async () => {
    const { result, exitCode } = await invalidateRecord(at('mid', 'load generator broken'), host);
    expect(exitCode).toBe(0);
    expect(result).toMatchObject({
      kind: 'history-invalidate',
      changed: true,
      reason: 'load generator broken',
    });
    expect(result.record).toMatchObject({ id: 'mid', invalidated: true });
    expect(await baselineIds()).toEqual(['new', 'old']);
    const lines = (await readFile(host.historyPath, 'utf8')).trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({
      kind: 'invalidation',
      target: 'mid',
      reason: 'load generator broken',
    });
  });

  it('warns without a reason, and changes nothing the second time', async () => {
    await invalidateRecord(at('mid'), host);
    expect(host.logger.lines.some((l) => l.level === 'warn' && l.message.includes('--reason'))).toBe(true);
    const again = await invalidateRecord(at('mid', 'twice'), host);
    expect(again.result).toMatchObject({ changed: false, reason: null });
  });

  it('refuses an unknown id with exit 2', async () => {
    await expect(invalidateRecord(at('nope'), host)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('history pin and unpin', () => {
  it('makes the pinned evaluation the whole baseline until it is unpinned', async () => {
    const pinned = await pinEvaluation(at('old', 'reference release'), host);
    expect(pinned.result).toMatchObject({
      kind: 'history-pin',
      changed: true,
      record: { id: 'old', pinned: true },
    });
    expect(await baselineIds()).toEqual(['old']);
    expect((await pinEvaluation(at('old'), host)).result.changed).toBe(false);

    const unpinned = await unpinEvaluation(
      { configDir: '.ci-connect', history: host.history, ...carts },
      host,
    );
    expect(unpinned.result).toMatchObject({
      kind: 'history-unpin',
      changed: true,
      target: carts,
      record: { id: 'old' },
    });
    expect(await baselineIds()).toEqual(['new', 'mid', 'old']);
    const nothing = await unpinEvaluation(
      { configDir: '.ci-connect', history: host.history, ...carts },
      host,
    );
    expect(nothing.result).toMatchObject({ changed: false, record: null });
  });

  it('refuses to pin an invalidated evaluation', async () => {
    await invalidateRecord(at('mid', 'x'), host);
    await expect(pinEvaluation(at('mid'), host)).rejects.toThrow(/was invalidated/);
  });

  it('unpins the service ci-connect.yaml and the config directory name', async () => {
    await host.writeConfigDir('project: shop\ndefaults:\n  stage: hardening\n', ['carts']);
    await pinEvaluation(at('new'), host);
    const { result } = await unpinEvaluation({ configDir: '.ci-connect', history: host.history }, host);
    expect(result).toMatchObject({ changed: true, target: carts });
  });

  it('asks which service when the config directory has several, and says when it has none', async () => {
    await host.writeConfigDir('project: shop\n', ['carts', 'orders']);
    await expect(unpinEvaluation({ configDir: '.ci-connect', history: host.history }, host)).rejects.toThrow(
      UsageError,
    );
    const empty = await makeHistoryHost();
    await empty.writeConfigDir('project: shop\n', []);
    await expect(
      unpinEvaluation({ configDir: '.ci-connect', history: empty.history }, empty),
    ).rejects.toThrow(ConfigError);
    await empty.cleanUp();
  });
});
