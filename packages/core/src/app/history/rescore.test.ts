import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeObjectiveResult } from '../../test-support/records.js';
import { invalidateRecord } from './marks.js';
import { rescoreHistory } from './rescore.js';
import { evaluationAt, makeHistoryHost, type HistoryHost } from './test-support/history-host.js';

const TIGHT = 'objectives:\n  - sli: rt\n    pass: [{criteria: ["<=500"]}]\ntotal_score: {pass: "90%"}\n';
const RELATIVE =
  'objectives:\n  - sli: rt\n    pass: [{criteria: ["<=+10%"]}]\n  - sli: cpu\n    pass: [{criteria: ["<80"]}]\ntotal_score: {pass: "50%"}\n';

const rt = (value: number) => [makeObjectiveResult({ sli: 'rt', value, status: 'pass', score: 1 })];
const carts = { project: 'shop', stage: 'hardening', service: 'carts' };

let host: HistoryHost;
beforeEach(async () => {
  host = await makeHistoryHost();
  await host.seed(
    evaluationAt('e1', 0, { objectives: rt(400) }),
    evaluationAt('e2', 10, { objectives: rt(550), comparedEvaluations: ['e1'] }),
    evaluationAt('e3', 20, { objectives: rt(450), comparedEvaluations: ['e2'] }),
    evaluationAt('other', 30, { objectives: rt(900), service: 'orders' }),
  );
  await writeFile(join(host.cwd, 'tight.yaml'), TIGHT);
  await writeFile(join(host.cwd, 'relative.yaml'), RELATIVE);
});
afterEach(() => host.cleanUp());

const rescore = (sloFile: string, extra: Partial<Parameters<typeof rescoreHistory>[0]> = {}) =>
  rescoreHistory(
    { configDir: '.ci-connect', history: host.history, ...carts, sloFile, last: 10, ...extra },
    host,
  );

describe('history rescore', () => {
  it("re-scores the service's newest evaluations with the new SLO, records nothing, and exits 0", async () => {
    const before = await readFile(host.historyPath);
    const { result, exitCode } = await rescore('tight.yaml');
    expect(exitCode).toBe(0);
    expect(result).toMatchObject({
      schemaVersion: 1,
      kind: 'history-rescore',
      ...carts,
      slo: 'tight.yaml',
      flips: 1,
      notRecorded: [],
    });
    expect(result.evaluations.map((e) => [e.id, e.before.result, e.after.result, e.flipped])).toEqual([
      ['e3', 'pass', 'pass', false],
      ['e2', 'pass', 'fail', true],
      ['e1', 'pass', 'pass', false],
    ]);
    expect(await readFile(host.historyPath)).toEqual(before);
  });

  it('exits 1 with failOnFlip when a verdict flips, and takes only the last N', async () => {
    expect((await rescore('tight.yaml', { failOnFlip: true })).exitCode).toBe(1);
    // Every verdict flips to fail, but only because cpu was never recorded: not a reason to fail.
    await writeFile(join(host.cwd, 'added.yaml'), RELATIVE.replace('<=+10%', '<=1000'));
    const unrecorded = await rescore('added.yaml', { failOnFlip: true });
    expect(unrecorded.result).toMatchObject({ flips: 3, flipsByNotRecordedOnly: 3 });
    expect(unrecorded.exitCode).toBe(0);
    const last = await rescore('tight.yaml', { failOnFlip: true, last: 1 });
    expect(last.result.evaluations.map((e) => e.id)).toEqual(['e3']);
    expect(last.exitCode).toBe(0);
  });

  it('compares each with the baseline it had, even one invalidated since, and says which it no longer finds', async () => {
    await invalidateRecord({ configDir: '.ci-connect', history: host.history, id: 'e2', reason: 'x' }, host);
    await host.seed(evaluationAt('e4', 40, { objectives: rt(450), comparedEvaluations: ['e2', 'gone'] }));
    const { result } = await rescore('relative.yaml', { last: 1 });
    const [e4] = result.evaluations;
    // rt passes (50%, the pass target), but cpu had no value: a gate with missing data never passes.
    expect(e4).toMatchObject({ id: 'e4', missingBaseline: ['gone'], after: { result: 'fail', score: 50 } });
    expect(e4?.after.message).toContain('cpu had no value');
    expect(e4?.objectives.find((o) => o.sli === 'rt')?.after).toMatchObject({
      comparedValue: 550,
      status: 'pass',
    });
    expect(e4?.objectives.find((o) => o.sli === 'cpu')).toMatchObject({
      notRecorded: true,
      after: { status: 'fail' },
    });
    expect(result.notRecorded).toEqual(['cpu']);
  });

  it("takes the service's slo.yaml from the config directory without --slo", async () => {
    const dir = await host.writeConfigDir('project: shop\ndefaults:\n  stage: hardening\n', ['carts']);
    await writeFile(join(dir, 'base', 'carts', 'slo.yaml'), TIGHT);
    const { result } = await rescoreHistory(
      { configDir: '.ci-connect', history: host.history, last: 10 },
      host,
    );
    expect(result).toMatchObject({
      ...carts,
      slo: join('.ci-connect', 'base', 'carts', 'slo.yaml'),
      flips: 1,
    });
  });

  it('refuses an SLO with errors (exit 2) and reports an empty history as nothing to re-score', async () => {
    await writeFile(
      join(host.cwd, 'bad.yaml'),
      'objectives:\n  - sli: rt\n    pass: [{criteria: ["less than 5"]}]\ntotal_score: {pass: "90%"}\n',
    );
    await expect(rescore('bad.yaml')).rejects.toThrow(/bad\.yaml:3/);
    const { result } = await rescore('tight.yaml', { service: 'nothing-here' });
    expect(result).toMatchObject({ evaluations: [], flips: 0 });
  });
});
