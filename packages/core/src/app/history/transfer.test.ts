import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../errors.js';
import { listHistory } from './list.js';
import { invalidateRecord, pinEvaluation } from './marks.js';
import { evaluationAt, makeHistoryHost, type HistoryHost } from './test-support/history-host.js';
import { exportHistory, importHistory } from './transfer.js';

const KEPTN = new URL('../../../../../fixtures/keptn-events/', import.meta.url);
const STAGING = 'datastore-by-type_evaluation-finished_sockshop-carts-staging_10-events.json';
const SEQUENCE = 'datastore-events_quality-gate-sequence_by-context_8-events.json';

let host: HistoryHost;
beforeEach(async () => {
  host = await makeHistoryHost();
});
afterEach(() => host.cleanUp());

async function exported(history = host.history): Promise<string> {
  let text = '';
  await exportHistory({ configDir: '.ci-connect', history }, host, (chunk) => {
    text += chunk;
    return Promise.resolve();
  });
  return text;
}

const importFile = (path: string, history = 'file:copy.jsonl') =>
  importHistory({ configDir: '.ci-connect', history, input: { path } }, host);

const listAll = async (history: string) =>
  (await listHistory({ configDir: '.ci-connect', history, limit: 100 }, host)).result.records;

describe('history export and import', () => {
  it('moves a history with its invalidations and pins: the same list, and a second import adds nothing', async () => {
    await host.seed(
      evaluationAt('a', 0),
      evaluationAt('b', 10),
      evaluationAt('c', 20, { service: 'orders' }),
    );
    await invalidateRecord(
      { configDir: '.ci-connect', history: host.history, id: 'b', reason: 'broken' },
      host,
    );
    await pinEvaluation({ configDir: '.ci-connect', history: host.history, id: 'a' }, host);
    const text = await exported();
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { kind: string }).kind),
    ).toEqual(['evaluation', 'evaluation', 'evaluation', 'invalidation', 'pin']);
    await writeFile(join(host.cwd, 'export.jsonl'), text);

    const first = await importFile('export.jsonl');
    expect(first.result).toMatchObject({
      kind: 'history-import',
      added: 5,
      present: 0,
      read: { records: 5, keptnEvaluations: 0 },
    });
    expect(await listAll('file:copy.jsonl')).toEqual(await listAll(host.history));
    expect((await listAll('file:copy.jsonl')).map((r) => [r.id, r.invalidated, r.pinned])).toEqual([
      ['c', false, undefined],
      ['b', true, undefined],
      ['a', false, true],
    ]);
    const second = await importFile('export.jsonl');
    expect(second.result).toMatchObject({ added: 0, present: 5 });
    expect(await readFile(join(host.cwd, 'copy.jsonl'), 'utf8')).toBe(text);
  });

  it('writes --out whole, and refuses to export a history onto itself', async () => {
    await host.seed(evaluationAt('a', 0));
    const { result } = await exportHistory(
      { configDir: '.ci-connect', history: host.history, out: 'out/../x.jsonl' },
      host,
      () => Promise.reject(new Error('not stdout')),
    );
    expect(result).toEqual({
      schemaVersion: 1,
      kind: 'history-export',
      history: host.historyPath,
      out: join(host.cwd, 'x.jsonl'),
      records: 1,
    });
    expect(await readFile(join(host.cwd, 'x.jsonl'), 'utf8')).toBe(await readFile(host.historyPath, 'utf8'));
    await expect(
      exportHistory({ configDir: '.ci-connect', history: host.history, out: 'history.jsonl' }, host, () =>
        Promise.resolve(),
      ),
    ).rejects.toBeInstanceOf(UsageError);
  });

  it('checks everything first: a bad line names file:line and nothing is imported', async () => {
    const good = JSON.stringify(evaluationAt('a', 0));
    const newer = JSON.stringify({ ...evaluationAt('b', 1), schemaVersion: 2 });
    const broken = JSON.stringify({ ...evaluationAt('c', 2), objectives: 'none' });
    await writeFile(
      join(host.cwd, 'bad.jsonl'),
      [good, newer, '{"id": "x"', broken, '{"hello": 1}', ''].join('\n'),
    );
    const importing = importFile('bad.jsonl');
    await expect(importing).rejects.toBeInstanceOf(ConfigError);
    const error = (await importing.catch((e: unknown) => e)) as ConfigError;
    expect(error.message.split('\n')).toEqual([
      'bad.jsonl: 4 problems; nothing was imported:',
      'bad.jsonl:2:1: schemaVersion 2 was written by a newer ci-connect (upgrade ci-connect to import it)',
      expect.stringMatching(/^bad\.jsonl:3:1: not a line of JSON \(/),
      'bad.jsonl:4:1: objectives is the string "none"; it must be an array',
      expect.stringMatching(/^bad\.jsonl:5:1: neither a ci-connect history record/),
    ]);
    expect(error.diagnostics.map((d) => d.line)).toEqual([2, 3, 4, 5]);
    expect(existsSync(join(host.cwd, 'copy.jsonl'))).toBe(false);
  });

  it('takes text the front end read from stdin', async () => {
    const { result } = await importHistory(
      {
        configDir: '.ci-connect',
        history: host.history,
        input: { name: '-', text: `${JSON.stringify(evaluationAt('a', 0))}\n` },
      },
      host,
    );
    expect(result).toMatchObject({ file: '-', added: 1 });
  });
});

describe('the order of what is imported', () => {
  const importText = (text: string, history = 'file:copy.jsonl') =>
    importHistory({ configDir: '.ci-connect', history, input: { name: '-', text } }, host);

  it('appends records before the invalidations and pins naming them, whatever the input order', async () => {
    await host.seed(evaluationAt('a', 0), evaluationAt('good', 10), evaluationAt('bad', 20));
    await invalidateRecord({ configDir: '.ci-connect', history: host.history, id: 'bad', reason: 'x' }, host);
    await pinEvaluation({ configDir: '.ci-connect', history: host.history, id: 'a' }, host);
    const lines = (await exported()).trim().split('\n');
    // Bookkeeping first, as a hand-sorted or reversed file would have it.
    await importText(`${[...lines.slice(3), ...lines.slice(0, 3)].join('\n')}\n`);
    const copy = await listAll('file:copy.jsonl');
    expect(copy.map((r) => [r.id, r.invalidated === true, r.pinned === true])).toEqual([
      ['bad', true, false],
      ['good', false, false],
      ['a', false, true],
    ]);
    const limited = await listHistory(
      { configDir: '.ci-connect', history: 'file:copy.jsonl', limit: 1 },
      host,
    );
    // Read newest first (a limit), the invalidation is met before its record.
    expect(limited.result.records.map((r) => [r.id, r.invalidated === true])).toEqual([['bad', true]]);
  });

  it('refuses invalidations and pins of records neither the input nor the history holds, importing nothing', async () => {
    await host.seed(evaluationAt('a', 0), evaluationAt('bad', 20));
    await invalidateRecord({ configDir: '.ci-connect', history: host.history, id: 'bad', reason: 'x' }, host);
    const lines = (await exported()).trim().split('\n');
    const bookkeepingOnly = `${lines.slice(2).join('\n')}\n`;
    await expect(importText(bookkeepingOnly)).rejects.toSatisfy(
      (error) =>
        error instanceof ConfigError &&
        error.message.includes('names a record that neither this input nor the history') &&
        error.message.includes('bad'),
    );
    expect(existsSync(join(host.cwd, 'copy.jsonl'))).toBe(false);
  });

  it('warns when the history already holds evaluations newer than the imported ones', async () => {
    await host.seed(evaluationAt('today', 100));
    await importText(`${JSON.stringify(evaluationAt('last-year', 0))}\n`, host.history);
    expect(host.logger.lines.find((l) => l.level === 'warn')?.message).toMatch(
      /the history already holds evaluations newer than the imported ones/,
    );
  });
});

describe('importing Keptn evaluation events', () => {
  it("imports the datastore's answer oldest first, with ids, baselines and results as Keptn had them", async () => {
    const { result } = await importFile(new URL(STAGING, KEPTN).pathname);
    expect(result).toMatchObject({
      added: 10,
      present: 0,
      read: { records: 0, keptnEvaluations: 10, keptnInvalidations: 0 },
    });
    const records = await listAll('file:copy.jsonl');
    // Keptn listed them newest first; the store's newest is its last appended.
    expect(records[0]).toMatchObject({
      id: '1500b971-bfc3-4e20-8dc1-a624e0faf963',
      result: 'fail',
      comparedEvaluations: ['182d10b8-b68d-49d4-86cd-5521352d7a42'],
    });
    expect(records.at(-1)?.id).toBe('25ab0f26-e6d8-48d5-a08f-08c8a136a688');
    expect((await importFile(new URL(STAGING, KEPTN).pathname)).result).toMatchObject({
      added: 0,
      present: 10,
    });
  });

  it('applies an invalidation to the evaluation that answered its triggered id, now or in a later import', async () => {
    await importFile(new URL(STAGING, KEPTN).pathname);
    const invalidated = {
      type: 'sh.keptn.event.evaluation.invalidated',
      id: 'c4d3a334-6cb9-4e8c-a372-7e0b45942f53',
      time: '2022-02-10T08:00:00.000Z',
      triggeredid: '09f53f15-c89d-4a4a-82cc-138985696172',
      data: { project: 'sockshop', stage: 'staging', service: 'carts', evaluation: { reason: 'wrong load' } },
    };
    const unknown = { ...invalidated, id: 'other', triggeredid: 'nobody' };
    await writeFile(join(host.cwd, 'inv.json'), JSON.stringify([invalidated, unknown]));
    const { result } = await importFile('inv.json');
    expect(result).toMatchObject({
      added: 1,
      read: { keptnInvalidations: 2 },
      unmatchedInvalidations: ['nobody'],
    });
    expect(
      host.logger.lines.some((l) => l.level === 'warn' && l.message.includes('triggeredid nobody')),
    ).toBe(true);
    const records = await listAll('file:copy.jsonl');
    expect(records.find((r) => r.id === '1500b971-bfc3-4e20-8dc1-a624e0faf963')?.invalidated).toBe(true);
    expect((await importFile('inv.json')).result).toMatchObject({ added: 0, present: 1 });
  });

  it("reads a whole sequence: the evaluation imported, the other events counted, a deployment's image its version", async () => {
    const page = JSON.parse(await readFile(new URL(SEQUENCE, KEPTN), 'utf8')) as {
      events: Record<string, unknown>[];
    };
    page.events.push({
      type: 'sh.keptn.event.deployment.triggered',
      shkeptncontext: page.events[0]!.shkeptncontext,
      data: { configurationChange: { values: { image: 'docker.io/keptnexamples/carts:0.13.1' } } },
    });
    await writeFile(join(host.cwd, 'sequence.json'), JSON.stringify(page, null, 2));
    const { result } = await importFile('sequence.json');
    expect(result).toMatchObject({ added: 1, read: { keptnEvaluations: 1 } });
    expect(result.read.otherKeptnEvents).toMatchObject({
      'sh.keptn.event.get-sli.finished': 1,
      'sh.keptn.event.deployment.triggered': 1,
    });
    expect((await listAll('file:copy.jsonl'))[0]).toMatchObject({
      id: 'fc511923-2ef4-4a6a-824f-33b6e770b765',
      version: '0.13.1',
    });
  });

  it('names the line of a Keptn event it cannot read, in a pretty-printed document', async () => {
    const page = JSON.parse(await readFile(new URL(STAGING, KEPTN), 'utf8')) as {
      events: { data: { project?: string } }[];
    };
    delete page.events[1]!.data.project;
    const text = JSON.stringify(page, null, 2);
    await writeFile(join(host.cwd, 'bad.json'), text);
    const lines = text.split('\n');
    const starts = lines.flatMap((l, index) => (l === '    {' ? [index + 1] : []));
    const error = (await importFile('bad.json').catch((e: unknown) => e)) as ConfigError;
    expect(error.diagnostics).toEqual([
      {
        severity: 'error',
        file: 'bad.json',
        line: starts[1],
        column: 1,
        path: 'events[1].data.project',
        message: 'sh.keptn.event.evaluation.finished: data.project is missing',
      },
    ]);
    expect(lines[starts[1]!]).toContain('"data": {');
  });

  it('warns when the history already holds newer evaluations of the service', async () => {
    await host.seed(
      evaluationAt('ci-connect-1', 0, { project: 'sockshop', stage: 'staging', service: 'carts' }),
    );
    await importFile(new URL(STAGING, KEPTN).pathname, host.history);
    expect(host.logger.lines.find((l) => l.level === 'warn')?.message).toMatch(
      /^sockshop\/staging\/carts: the history already holds evaluations newer/,
    );
  });
});
