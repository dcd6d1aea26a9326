import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { asInputError } from './jtl-file.js';

/** An error shaped like the ones node:fs rejects with. */
function systemError(code: string, errno: number | undefined, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, errno, syscall: 'open', path: 'r.jtl' });
}

describe('asInputError', () => {
  // Any error with a string code comes from Node, about the path: the user can fix it, so it
  // must exit 2 with the path and the reason, never 70 as if ci-connect had a bug.
  it.each<[string, NodeJS.ErrnoException, string, RegExp]>([
    ['ENOENT', systemError('ENOENT', -2, 'ENOENT: no such file'), 'r.jtl does not exist', /-l option/],
    [
      'ENOTDIR',
      systemError('ENOTDIR', -20, 'ENOTDIR: not a directory'),
      'r.jtl cannot be opened: a part of the path before the file name is not a directory',
      /--jtl/,
    ],
    [
      'ELOOP',
      systemError('ELOOP', -40, 'ELOOP: too many symbolic links encountered'),
      'r.jtl cannot be opened: its symbolic links form a loop',
      /readlink -f/,
    ],
    [
      'EPERM',
      systemError('EPERM', -1, 'EPERM: operation not permitted'),
      'r.jtl cannot be read (permission denied)',
      /read the file/,
    ],
    [
      'an errno Node knows (EIO)',
      systemError('EIO', -5, 'EIO: i/o error, read'),
      'r.jtl cannot be read: i/o error (EIO)',
      /--jtl/,
    ],
    [
      'a code without an errno',
      systemError('ERR_INVALID_ARG_VALUE', undefined, 'path must not contain null bytes'),
      'r.jtl cannot be read: path must not contain null bytes (ERR_INVALID_ARG_VALUE)',
      /--jtl/,
    ],
  ])('maps %s to an InputError', (_name, error, message, hint) => {
    const mapped = asInputError('r.jtl', error);
    expect(mapped).toBeInstanceOf(InputError);
    expect((mapped as InputError).message).toBe(message);
    expect((mapped as InputError).hint).toMatch(hint);
    expect((mapped as InputError).cause).toBe(error);
  });

  it.each([
    ['an InputError', new InputError('r.jtl:3: bad')],
    ['an error without a code (a bug)', new TypeError('x is undefined')],
    ['an error with a numeric code', Object.assign(new Error('x'), { code: 5 })],
    ['a thrown string', 'boom'],
    ['undefined', undefined],
  ])('passes %s through unchanged', (_name, error) => {
    expect(asInputError('r.jtl', error)).toBe(error);
  });
});
