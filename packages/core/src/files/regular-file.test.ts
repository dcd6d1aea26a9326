import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { devZero, itWithReal, mkfifo } from '../test-support/real-components.js';
import { FileRefusedError, openRegularFile, readRegularFile, readRegularFileSync } from './regular-file.js';

let dir = '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ci-connect-files-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function fifo(): string {
  const path = join(dir, 'fifo');
  execFileSync('mkfifo', [path]);
  return path;
}

const read = (path: string) => readRegularFile(path, { label: '--values', maxBytes: 16, hint: 'fix it' });
const readSync = (path: string) => readRegularFileSync(path, { label: '--ca-file', maxBytes: 16 });

describe('readRegularFile and readRegularFileSync', () => {
  it('read a regular file within the bound', async () => {
    const path = join(dir, 'ok.json');
    await writeFile(path, '{"a": 1}');
    expect((await read(path)).toString()).toBe('{"a": 1}');
    expect(readSync(path).toString()).toBe('{"a": 1}');
  });

  // Before the guard, /dev/zero grew until memory ran out and a FIFO blocked forever.
  itWithReal(devZero, 'refuse /dev/zero without reading it', async () => {
    const error = await read('/dev/zero').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(
      '--values /dev/zero is a character device, not a regular file',
    );
    expect((error as InputError).hint).toBe('fix it');
    expect(() => readSync('/dev/zero')).toThrow(
      '--ca-file /dev/zero is a character device, not a regular file',
    );
  });

  itWithReal(
    mkfifo,
    'refuse a FIFO at once, with no writer',
    async () => {
      const path = fifo();
      await expect(read(path)).rejects.toThrow(`--values ${path} is a named pipe (FIFO), not a regular file`);
      expect(() => readSync(path)).toThrow(`--ca-file ${path} is a named pipe (FIFO), not a regular file`);
    },
    2000,
  );

  it('refuse a file over the bound, and a directory, naming the path', async () => {
    const big = join(dir, 'big.json');
    await writeFile(big, 'x'.repeat(17));
    await expect(read(big)).rejects.toThrow(
      `--values ${big} is 17 bytes, more than the 16 bytes allowed for it`,
    );
    expect(() => readSync(dir)).toThrow(`--ca-file ${dir} is a directory, not a regular file`);
  });

  it('say in words that a file is missing', async () => {
    const missing = join(dir, 'missing.json');
    const error = await read(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileRefusedError);
    expect((error as FileRefusedError).message).toBe(`--values ${missing} does not exist`);
    expect((error as FileRefusedError).problem).toMatchObject({ kind: 'system', code: 'ENOENT' });
  });
});

describe('openRegularFile', () => {
  it('follows a link to a regular file unless told not to', async () => {
    const target = join(dir, 'target');
    const link = join(dir, 'link');
    await writeFile(target, 'x');
    await symlink(target, link);
    await (await openRegularFile(link)).close();
    const error = await openRegularFile(link, { noFollow: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileRefusedError);
    expect((error as FileRefusedError).problem).toEqual({ kind: 'symbolic-link' });
  });

  it('refuses a dangling link when appending, instead of creating its target', async () => {
    const link = join(dir, 'dangling');
    await symlink(join(dir, 'nowhere'), link);
    const error = await openRegularFile(link, { append: true, noFollow: true }).catch((e: unknown) => e);
    expect((error as FileRefusedError).problem).toEqual({ kind: 'symbolic-link' });
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('creates a missing file when appending', async () => {
    const path = join(dir, 'new.jsonl');
    const handle = await openRegularFile(path, { append: true, noFollow: true });
    await handle.write('a\n');
    await handle.close();
    expect(await readFile(path, 'utf8')).toBe('a\n');
  });
});
