import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../environment.js';
import { ConfigError } from '../../errors.js';
import { devZero, itWithReal, mkfifo } from '../../test-support/real-components.js';
import { describeHistoryStoreContract, sampleEvaluation } from '../test-support/history-store-contract.js';
import { FileHistoryStore } from './file-history-store.js';

let dir = '';
const logger = createMemoryLogger();
const carts = { project: 'shop', stage: 'hardening', service: 'carts' };

async function makeDir(): Promise<void> {
  dir = await mkdtemp(join(tmpdir(), 'ci-connect-history-'));
  logger.lines.length = 0;
}

function openAt(path: string): FileHistoryStore {
  return new FileHistoryStore({ path, logger });
}

async function linkTo(target: string): Promise<string> {
  const link = join(dir, 'linked.jsonl');
  await symlink(target, link);
  return link;
}

function makeFifo(): string {
  const fifo = join(dir, 'fifo.jsonl');
  execFileSync('mkfifo', [fifo]);
  return fifo;
}

function warnings(): string[] {
  return logger.lines.filter((line) => line.level === 'warn').map((line) => line.message);
}

describeHistoryStoreContract('FileHistoryStore', {
  setup: makeDir,
  open: () => openAt(join(dir, 'history.jsonl')),
  teardown: () => rm(dir, { recursive: true, force: true }),
});

describe('FileHistoryStore on disk', () => {
  let path = '';
  beforeEach(async () => {
    await makeDir();
    path = join(dir, 'nested', 'deeper', 'history.jsonl');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes one JSON object per line, creating the directories, and leaves no lock behind', async () => {
    const store = openAt(path);
    await store.append(sampleEvaluation('a'));
    await store.append(sampleEvaluation('b'));
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0] ?? '')).toStrictEqual(sampleEvaluation('a'));
    await expect(readFile(`${path}.lock/owner.json`)).rejects.toThrow(/ENOENT/);
  });

  it('reads a missing file as an empty history and does not create it', async () => {
    expect(await openAt(path).query(carts)).toEqual([]);
    await expect(readFile(path)).rejects.toThrow(/ENOENT/);
  });

  it('keeps a torn line on its own line, reads every complete record and warns once', async () => {
    const store = openAt(path);
    for (const id of ['a', 'b', 'c']) await store.append(sampleEvaluation(id));
    await appendFile(path, JSON.stringify(sampleEvaluation('torn')).slice(0, 57));
    expect((await store.query(carts)).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(warnings()).toEqual([]);

    await store.append(sampleEvaluation('d'));
    expect((await store.query(carts)).map((r) => r.id)).toEqual(['d', 'c', 'b', 'a']);
    expect(await store.get('d')).toStrictEqual(sampleEvaluation('d'));
    expect(warnings()).toEqual([
      `${path}:4: skipped a line that is not a complete history record (a writer was probably interrupted)`,
    ]);
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines[4] ?? '')).toMatchObject({ id: 'd' });
  });

  it.each([
    [
      'a record written by a newer ci-connect',
      '{"schemaVersion":2,"id":"x","kind":"evaluation"}',
      'schemaVersion 2',
    ],
    ['a line without id', '{"schemaVersion":1,"kind":"evaluation"}', 'not a complete history record'],
    ['a line without kind', '{"schemaVersion":1,"id":"x"}', 'not a complete history record'],
    ['a JSON array', '[1,2]', 'not a complete history record'],
    ['text', 'hello', 'not a complete history record'],
  ])('skips %s with a warning naming file and line', async (_name, line, reason) => {
    await mkdir(join(dir, 'nested', 'deeper'), { recursive: true });
    await writeFile(path, `${JSON.stringify(sampleEvaluation('a'))}\n${line}\n\n`);
    expect((await openAt(path).query(carts)).map((r) => r.id)).toEqual(['a']);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain(`${path}:2: `);
    expect(warnings()[0]).toContain(reason);
  });

  it.each([
    ['without objectives', { objectives: undefined }, 'objectives is missing; it must be an array'],
    ['with objectives: [null]', { objectives: [null] }, 'objectives[0] is null; it must be an object'],
    ['with objectives: {}', { objectives: {} }, 'objectives is an object; it must be an array'],
    [
      'with a value given as a string',
      { objectives: [{ ...sampleEvaluation('x').objectives[0], value: '100' }] },
      'objectives[0].value is the string "100"; it must be a number or null',
    ],
    [
      'with an unknown result',
      { result: 'ok' },
      'result is the string "ok"; it must be "pass", "warning" or "fail"',
    ],
    ['without project', { project: undefined }, 'project is missing; it must be a string'],
  ])('skips an evaluation %s, warning what is wrong with it', async (_name, fields, problem) => {
    await mkdir(join(dir, 'nested', 'deeper'), { recursive: true });
    const broken = JSON.stringify({ ...sampleEvaluation('x'), ...fields });
    await writeFile(path, `${JSON.stringify(sampleEvaluation('a'))}\n${broken}\n`);
    const store = openAt(path);
    expect((await store.query(carts)).map((r) => r.id)).toEqual(['a']);
    expect(await store.get('x')).toBeUndefined();
    expect(warnings()).toEqual([`${path}:2: skipped the evaluation record "x": ${problem}`]);
  });

  it('keeps records of other kinds with fields an evaluation could not have', async () => {
    await mkdir(join(dir, 'nested', 'deeper'), { recursive: true });
    const run = { schemaVersion: 1, id: 'r', kind: 'sequence-run', ...carts, objectives: 'none', score: '1' };
    await writeFile(path, `${JSON.stringify(run)}\n`);
    expect(await openAt(path).query(carts)).toStrictEqual([run]);
    expect(warnings()).toEqual([]);
  });

  it('applies invalidations written as their own lines, copying the target for grep', async () => {
    const store = new FileHistoryStore({
      path,
      logger,
      clock: { now: () => new Date('2025-02-03T04:05:06Z') },
    });
    await store.append(sampleEvaluation('a'));
    await store.invalidate('a', 'wrong cluster');
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe(JSON.stringify(sampleEvaluation('a')));
    expect(JSON.parse(lines[1] ?? '')).toEqual({
      schemaVersion: 1,
      kind: 'invalidation',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      target: 'a',
      ...carts,
      at: '2025-02-03T04:05:06.000Z',
      reason: 'wrong cluster',
    });
  });

  it('fails with a ConfigError naming the path when the history path is a directory', async () => {
    await mkdir(path, { recursive: true });
    const store = openAt(path);
    const error = await store.append(sampleEvaluation('a')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `cannot write the history file ${path}: the path is a directory, not a regular file`,
    );
    expect((error as ConfigError).hint).toContain('--history file:path/to/history.jsonl');
    await expect(store.query(carts)).rejects.toBeInstanceOf(ConfigError);
  });

  // Reading either never ends (/dev/zero has no "\n", memory grows) or never starts (opening a
  // FIFO waits for a writer); appending sends the record nowhere.
  describe.each([
    ['/dev/zero', () => '/dev/zero', 'a character device', devZero],
    ['a FIFO', makeFifo, 'a named pipe (FIFO)', mkfifo],
  ])('when the history path is %s', (_name, makePath, kind, needs) => {
    itWithReal(
      needs,
      'refuses to read or append, with a ConfigError naming the path',
      async () => {
        const special = makePath();
        const store = openAt(special);
        for (const [operation, run] of [
          ['read', () => store.query(carts)],
          ['read', () => store.get('a')],
          ['write', () => store.append(sampleEvaluation('a'))],
          // invalidate looks the record up first.
          ['read', () => store.invalidate('a')],
        ] as const) {
          const error = await run().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as ConfigError).message).toBe(
            `cannot ${operation} the history file ${special}: the path is ${kind}, not a regular file`,
          );
          expect((error as ConfigError).hint).toContain('--history file:path/to/history.jsonl');
        }
        expect(existsSync(`${special}.lock`)).toBe(false);
      },
      2000,
    );
  });

  // A planted link used to send the record into its target (an /etc/passwd copy got a line).
  it.each([
    ['a non-history file', 'root:x:0:0:root:/root:/bin/bash\n'],
    ['a history file', `${JSON.stringify(sampleEvaluation('a'))}\n`],
  ])('refuses a history path that is a symbolic link to %s, changing nothing', async (_name, content) => {
    const target = join(dir, 'target');
    await writeFile(target, content);
    const link = await linkTo(target);
    const store = openAt(link);
    for (const [operation, run] of [
      ['write', () => store.append(sampleEvaluation('b'))],
      ['read', () => store.query(carts)],
    ] as const) {
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe(
        `cannot ${operation} the history file ${link}: the path is a symbolic link, and ci-connect does not follow links for its history`,
      );
    }
    expect(await readFile(target, 'utf8')).toBe(content);
  });

  it('refuses a dangling link instead of creating its target (exit 2, not 3)', async () => {
    const link = await linkTo(join(dir, 'nowhere.jsonl'));
    await expect(openAt(link).append(sampleEvaluation('a'))).rejects.toBeInstanceOf(ConfigError);
    expect(existsSync(join(dir, 'nowhere.jsonl'))).toBe(false);
    const under = join(dir, 'gone', 'history.jsonl');
    await symlink(join(dir, 'no-such-dir'), join(dir, 'gone'));
    const error = await openAt(under)
      .append(sampleEvaluation('a'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/symbolic link that points nowhere/);
  });

  it.each([
    ['a passwd file', 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/usr/sbin/nologin\n'],
    // Whole JSON on one line without "\n" is no write in progress: it parses, and is no record.
    ['a one-line JSON file without a final newline', '{"compilerOptions":{"strict":true}}'],
  ])('refuses to read or append to %s: no line is a history record', async (_name, content) => {
    await mkdir(join(dir, 'nested', 'deeper'), { recursive: true });
    await writeFile(path, content);
    const store = openAt(path);
    for (const [operation, run] of [
      ['write', () => store.append(sampleEvaluation('a'))],
      ['read', () => store.query(carts)],
    ] as const) {
      await expect(run()).rejects.toThrow(
        `cannot ${operation} the history file ${path}: it is not a ci-connect history (line 1 is not a history record, and no line is)`,
      );
    }
    expect(await readFile(path, 'utf8')).toBe(content);
  });

  it.each([
    ['empty', ''],
    ['blank lines only', '\n\n'],
    ['the fragment of a first write cut short', JSON.stringify(sampleEvaluation('torn')).slice(0, 40)],
    ['records of a newer ci-connect only', '{"schemaVersion":2,"id":"x","kind":"evaluation"}\n'],
    ['damage before the first record', `garbage\n${JSON.stringify(sampleEvaluation('a'))}\n`],
  ])('appends to a file holding %s', async (_name, content) => {
    await mkdir(join(dir, 'nested', 'deeper'), { recursive: true });
    await writeFile(path, content);
    await openAt(path).append(sampleEvaluation('b'));
    expect(await readFile(path, 'utf8')).toMatch(/"id":"b".*\n$/);
  });

  // Each skipped line used to get its own warning: 100,000 lines of stderr.
  it('warns once, with the count and the first line, for many lines it cannot read', async () => {
    await mkdir(join(dir, 'nested', 'deeper'), { recursive: true });
    const newer = '{"schemaVersion":2,"id":"x","kind":"evaluation"}\n'.repeat(1000);
    await writeFile(path, `${JSON.stringify(sampleEvaluation('a'))}\n\n${newer}`);
    const store = openAt(path);
    expect((await store.query(carts)).map((r) => r.id)).toEqual(['a']);
    await store.get('a');
    expect(warnings()).toEqual([
      `${path}: skipped 1000 lines that are not ci-connect records this version can read (first at line 3: ` +
        'skipped a record with schemaVersion 2, written by a newer ci-connect (upgrade ci-connect to read it)); ' +
        'the other records were read',
    ]);
  });

  it('skips a 20 MB line with one warning and reads the records after it', async () => {
    await mkdir(join(dir, 'nested', 'deeper'), { recursive: true });
    const huge = `{"schemaVersion":1,"id":"big","kind":"note","text":"${'x'.repeat(20 * 1024 * 1024)}"}`;
    const records = ['a', 'b'].map((id) => JSON.stringify(sampleEvaluation(id))).join('\n');
    await writeFile(path, `${huge}\n${records}\n`);
    expect((await openAt(path).query(carts)).map((r) => r.id)).toEqual(['b', 'a']);
    expect(warnings()).toEqual([`${path}:1: skipped a line of 20.0 MiB, far longer than any history record`]);
  });

  it('reads only the tail for the newest few records, so an old damaged line is never reached', async () => {
    await mkdir(join(dir, 'nested', 'deeper'), { recursive: true });
    const newer = '{"schemaVersion":2,"id":"x","kind":"evaluation"}';
    const records = Array.from({ length: 50 }, (_, i) => JSON.stringify(sampleEvaluation(`e${i}`)));
    const invalidation = {
      schemaVersion: 1,
      kind: 'invalidation',
      id: 'i',
      target: 'e48',
      at: '2025-01-02T00:00:00Z',
    };
    await writeFile(path, `${newer}\n${records.join('\n')}\n${JSON.stringify(invalidation)}\n`);
    const store = openAt(path);
    expect((await store.query({ ...carts, limit: 3 })).map((r) => r.id)).toEqual(['e49', 'e47', 'e46']);
    expect((await store.get('e48'))?.invalidated).toBe(true);
    expect(await store.pinned(carts)).toBeUndefined(); // the pin cache reads forward, once
    expect(warnings()).toEqual([]);
    await store.query(carts); // no limit: the whole file, and the damaged line is reported
    expect(warnings()).toEqual([
      `${path}:1: skipped a record with schemaVersion 2, written by a newer ci-connect (upgrade ci-connect to read it)`,
    ]);
  });

  describe('the pin cache beside the history', () => {
    const cacheOf = (): string => `${path}.pins.json`;

    it('is written on the first look, then reads only what was appended since', async () => {
      const store = openAt(path);
      for (const id of ['a', 'b']) await store.append(sampleEvaluation(id));
      await store.pin('a');
      expect(await store.pinned(carts)).toMatchObject({ id: 'a', pinned: true });
      const cached = JSON.parse(await readFile(cacheOf(), 'utf8')) as { readBytes: number; records: object };
      expect(cached.readBytes).toBe((await readFile(path)).length);
      expect(Object.keys(cached.records)).toEqual(['a']);
      // A pin appended by another process is seen; the cache moves on.
      await openAt(path).pin('b');
      expect(await store.pinned(carts)).toMatchObject({ id: 'b' });
      await openAt(path).invalidate('b');
      expect(await store.pinned(carts)).toBeUndefined();
    });

    it('is rebuilt when the history is not the file it read (replaced, or rewritten in place)', async () => {
      const store = openAt(path);
      for (const id of ['a', 'b']) await store.append(sampleEvaluation(id));
      await store.pin('a');
      expect(await store.pinned(carts)).toMatchObject({ id: 'a' });
      // Rewritten in place (same inode), shorter and without the pin.
      await writeFile(path, `${JSON.stringify(sampleEvaluation('a'))}\n`);
      expect(await store.pinned(carts)).toBeUndefined();
      // Replaced (another inode) by a longer history pinning another evaluation.
      const other = join(dir, 'other.jsonl');
      const replacement = openAt(other);
      for (const id of ['c', 'd', 'e']) await replacement.append(sampleEvaluation(id));
      await replacement.pin('d');
      await rename(other, path);
      expect(await store.pinned(carts)).toMatchObject({ id: 'd' });
    });

    it('is ignored when damaged, and the history answers as before', async () => {
      const store = openAt(path);
      await store.append(sampleEvaluation('a'));
      await store.pin('a');
      await writeFile(cacheOf(), '{"version":1,"readBytes":');
      expect(await store.pinned(carts)).toMatchObject({ id: 'a' });
    });
  });

  it('writes pins as their own lines and never stores the readers-only "pinned" mark', async () => {
    const store = openAt(path);
    await store.append({ ...sampleEvaluation('a'), pinned: true });
    await store.pin('a', 'baseline of 1.4');
    const lines = (await readFile(path, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line): unknown => JSON.parse(line));
    expect(lines[0]).toStrictEqual(sampleEvaluation('a'));
    expect(lines[1]).toMatchObject({ kind: 'pin', target: 'a', reason: 'baseline of 1.4', ...carts });
  });

  it('fails with a ConfigError when a parent of the path is a file', async () => {
    await writeFile(join(dir, 'nested'), 'not a directory');
    await expect(openAt(path).append(sampleEvaluation('a'))).rejects.toThrow(
      /cannot write the history file .*: a parent of the path is not a directory/,
    );
  });

  it.skipIf(process.getuid?.() === 0)(
    'fails with a ConfigError when the directory is read-only (not as root)',
    async () => {
      const readOnly = join(dir, 'ro');
      await mkdir(readOnly, { mode: 0o555 });
      await expect(openAt(join(readOnly, 'h.jsonl')).append(sampleEvaluation('a'))).rejects.toThrow(
        /permission denied/,
      );
    },
  );
});
