import { chmod, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeText, describeFsError, findInvalidUtf8, readConfigText } from './read-config-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ci-connect-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readConfigText', () => {
  it('names the missing path and what changes it, keeping a relative path relative', async () => {
    const result = await readConfigText('no/such/slo.yaml', { notFoundHint: 'pass --slo <file>' });
    expect(result.text).toBeUndefined();
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        file: 'no/such/slo.yaml',
        path: '',
        message: 'file not found',
        hint: 'pass --slo <file>',
      },
    ]);
  });

  it('refuses a directory', async () => {
    const result = await readConfigText(dir);
    expect(result.diagnostics[0]?.message).toBe('is a directory, not a file');
  });

  it('refuses a 50 MB file after stat, without reading it', async () => {
    const big = join(dir, 'big.yaml');
    await writeFile(big, '');
    await truncate(big, 50 * 1024 * 1024); // sparse: nothing to read if we tried
    const started = performance.now();
    const result = await readConfigText(big);
    expect(performance.now() - started).toBeLessThan(200);
    expect(result.diagnostics[0]?.message).toBe(
      'the file is 50.0 MiB, more than the 10.0 MiB a configuration file may have',
    );
  });

  it('applies a custom size limit', async () => {
    const file = join(dir, 'small.yaml');
    await writeFile(file, 'a: 1\n'.repeat(100));
    expect((await readConfigText(file, { maxFileBytes: 100 })).diagnostics[0]?.message).toBe(
      'the file is 500 bytes, more than the 100 bytes a configuration file may have',
    );
    expect((await readConfigText(file, { maxFileBytes: 500 })).text).toHaveLength(500);
  });

  it.skipIf(process.getuid?.() === 0)('says when a file cannot be read (not as root)', async () => {
    const file = join(dir, 'secret.yaml');
    await writeFile(file, 'a: 1\n');
    await chmod(file, 0o000);
    expect((await readConfigText(file)).diagnostics[0]?.message).toBe(
      'cannot read the file: permission denied',
    );
  });

  it('maps fs errors to messages (also as root, where chmod cannot make a file unreadable)', () => {
    const error = (code: string) => Object.assign(new Error(code), { code });
    expect(describeFsError(error('EACCES'), 'x.yaml').message).toBe(
      'cannot read the file: permission denied',
    );
    expect(describeFsError(error('ENOTDIR'), 'x.yaml').message).toBe('file not found');
    expect(describeFsError(error('ELOOP'), 'x.yaml').message).toContain('symbolic links');
    expect(describeFsError(error('EIO'), 'x.yaml').message).toBe('cannot read the file: EIO');
  });

  it('reads a sub-directory path that runs through a file as not found', async () => {
    const file = join(dir, 'plain.yaml');
    await writeFile(file, 'a: 1\n');
    expect((await readConfigText(join(file, 'slo.yaml'))).diagnostics[0]?.message).toBe('file not found');
  });

  it('refuses what is not a regular file', async () => {
    expect((await readConfigText('/dev/null')).diagnostics[0]?.message).toBe(
      'is a character device, not a regular file',
    );
  });
});

describe('decodeText', () => {
  const decode = (bytes: number[] | string) =>
    decodeText('f.yaml', typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes));

  it.each([
    ['NUL bytes', [0x61, 0x3a, 0x20, 0x00, 0x01], 'not a text file (it contains NUL bytes)', '1:4'],
    ['UTF-16', [0xff, 0xfe, 0x61, 0x00], 'not a UTF-8 text file (it is UTF-16 encoded)', ''],
    [
      'Latin-1',
      [...Buffer.from('a: 1\nname: caf'), 0xe9, 0x0a],
      'not a text file (byte 0xe9 is not valid UTF-8)',
      '2:10',
    ],
    ['random bytes', [0x80, 0x81, 0xfe], 'not a text file (byte 0x80 is not valid UTF-8)', '1:1'],
  ])('refuses %s', (_, bytes, message, at) => {
    const [d] = decode(bytes).diagnostics;
    expect(d?.message).toBe(message);
    expect(d?.line === undefined ? '' : `${d.line}:${d.column}`).toBe(at);
  });

  it('accepts UTF-8 and drops a byte order mark', () => {
    expect(decode([0xef, 0xbb, 0xbf, ...Buffer.from('name: café\n')]).text).toBe('name: café\n');
  });

  it.each([
    ['ascii', [0x61], -1],
    ['2-byte', [0xc3, 0xa9], -1],
    ['4-byte emoji', [0xf0, 0x9f, 0x98, 0x80], -1],
    ['truncated', [0x61, 0xe2, 0x82], 1],
    ['overlong', [0xc0, 0xaf], 0],
    ['surrogate', [0xed, 0xa0, 0x80], 0],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
  ])('findInvalidUtf8: %s', (_, bytes, offset) => {
    expect(findInvalidUtf8(Uint8Array.from(bytes))).toBe(offset);
  });
});
