/**
 * Checks a results file before scanning it, so that the common mistakes (wrong path, a pipe or
 * device, empty file, a compressed or binary file) get a message that says how to
 * fix them instead of a parse error on line 1 or an internal error.
 */
import type { FileHandle } from 'node:fs/promises';
import { getSystemErrorMap } from 'node:util';
import { InputError } from '../../errors.js';
import { FileRefusedError, openRegularFile } from '../../files/regular-file.js';

const PROBE_BYTES = 4096;
const PATH_HINT = 'check the --jtl path; JMeter writes the results file named by its -l option';
const DIRECTORY_HINT = 'pass the results file JMeter wrote with -l, e.g. --jtl results/result.jtl';

/**
 * Throws an InputError when `path` is not a readable, non-empty results file; otherwise says
 * which format its content is in (the name says nothing: JMeter writes both as `.jtl`).
 */
export async function checkJtlFile(path: string): Promise<'csv' | 'xml'> {
  let handle: FileHandle;
  try {
    // No size bound: results files are streamed (csv-scanner.ts bounds the row length instead).
    handle = await openRegularFile(path);
  } catch (error) {
    throw asInputError(path, error);
  }
  try {
    return await checkContent(path, handle);
  } catch (error) {
    throw asInputError(path, error);
  } finally {
    await handle.close();
  }
}

async function checkContent(path: string, handle: FileHandle): Promise<'csv' | 'xml'> {
  if ((await handle.stat()).size === 0) {
    throw new InputError(`${path} is empty: JMeter wrote nothing; did the test run?`, {
      hint: 'check the JMeter log (jmeter.log) and that -l names this file',
    });
  }
  const head = await readHead(handle);
  const text = head
    .toString('latin1')
    .replace(/^\xef\xbb\xbf/, '')
    .trimStart();
  if (head[0] === 0x1f && head[1] === 0x8b) {
    throw new InputError(`${path} is gzip-compressed`, { hint: `decompress it first (gunzip ${path})` });
  }
  const nul = head.indexOf(0);
  if (nul >= 0) {
    throw new InputError(
      `${path} is not a text file (byte ${nul} is NUL); expected JMeter results (CSV or XML)`,
      {
        hint: 'pass the .jtl/.csv file JMeter wrote with -l',
      },
    );
  }
  // No CSV field starts with "<": JMeter's first column is the timeStamp (or its header name).
  return text.startsWith('<') ? 'xml' : 'csv';
}

/** A pipe or a device never ends (or blocks in open), so reading one would hang the gate. */
function refusedAsJtl(path: string, refused: FileRefusedError): InputError {
  if (refused.problem.kind !== 'not-regular') return refused;
  const { fileType } = refused.problem;
  return new InputError(`${path} is ${fileType}, not a JMeter results file`, {
    hint:
      fileType === 'a directory'
        ? DIRECTORY_HINT
        : 'pass the results file JMeter wrote with -l; save the results to a file first',
    cause: refused,
  });
}

async function readHead(handle: FileHandle): Promise<Buffer> {
  const buf = Buffer.alloc(PROBE_BYTES);
  const { bytesRead } = await handle.read(buf, 0, PROBE_BYTES, 0);
  return buf.subarray(0, bytesRead);
}

const PERMISSION_DENIED = {
  reason: 'cannot be read (permission denied)',
  hint: 'let the user running ci-connect read the file and enter its directories',
};

/** What a system error means for the path, in words, and how to fix it; by Node's error code. */
const SYSTEM_ERRORS: Readonly<Partial<Record<string, { reason: string; hint: string }>>> = {
  ENOENT: { reason: 'does not exist', hint: PATH_HINT },
  ENOTDIR: {
    reason: 'cannot be opened: a part of the path before the file name is not a directory',
    hint: PATH_HINT,
  },
  ELOOP: {
    reason: 'cannot be opened: its symbolic links form a loop',
    hint: 'check where the links point (readlink -f) and pass the results file itself',
  },
  ENAMETOOLONG: { reason: 'cannot be opened: the path is too long', hint: PATH_HINT },
  EACCES: PERMISSION_DENIED,
  EPERM: PERMISSION_DENIED,
  EISDIR: { reason: 'is a directory, not a JMeter results file', hint: DIRECTORY_HINT },
};

/**
 * Turns a Node system error (anything with a string `code`) into an InputError that names the
 * path and says why in words; keeps our own errors, and anything else, as they are.
 */
export function asInputError(path: string, error: unknown): unknown {
  if (error instanceof FileRefusedError) return refusedAsJtl(path, error);
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return error;
  const known = SYSTEM_ERRORS[code];
  if (known !== undefined) {
    return new InputError(`${path} ${known.reason}`, { hint: known.hint, cause: error });
  }
  return new InputError(`${path} cannot be read: ${describeSystemError(error as NodeJS.ErrnoException)}`, {
    hint: 'check the --jtl path and that the file can be read, then run again',
    cause: error,
  });
}

/** Node's words for an errno ("i/o error"), with its code; the message for other codes. */
function describeSystemError(error: NodeJS.ErrnoException): string {
  const words = typeof error.errno === 'number' ? getSystemErrorMap().get(error.errno)?.[1] : undefined;
  return words === undefined ? `${error.message} (${error.code})` : `${words} (${error.code})`;
}
