/**
 * Checks a results file before scanning it, so that the common mistakes (wrong path, empty
 * file, XML results, a compressed or binary file) get a message that says how to fix them
 * instead of a parse error on line 1.
 */
import { open, stat } from 'node:fs/promises';
import { InputError } from '../../errors.js';

const PROBE_BYTES = 4096;
const XML_HINT =
  'run JMeter with -Jjmeter.save.saveservice.output_format=csv (or set it in user.properties) ' +
  'and pass the new results file';

/** Throws an InputError when `path` is not a readable, non-empty CSV results file. */
export async function checkJtlFile(path: string): Promise<void> {
  const size = await sizeOf(path);
  if (size === 0) {
    throw new InputError(`${path} is empty: JMeter wrote nothing; did the test run?`, {
      hint: 'check the JMeter log (jmeter.log) and that -l names this file',
    });
  }
  const head = await readHead(path);
  const text = head
    .toString('latin1')
    .replace(/^\xef\xbb\xbf/, '')
    .trimStart();
  if (text.startsWith('<?xml') || text.startsWith('<testResults')) {
    throw new InputError(`${path} holds XML results; ci-connect reads JMeter's CSV results`, {
      hint: XML_HINT,
    });
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    throw new InputError(`${path} is gzip-compressed`, { hint: `decompress it first (gunzip ${path})` });
  }
  const nul = head.indexOf(0);
  if (nul >= 0) {
    throw new InputError(`${path} is not a text file (byte ${nul} is NUL); expected JMeter CSV results`, {
      hint: 'pass the .jtl/.csv file JMeter wrote with -l',
    });
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new InputError(`${path} is a directory, not a JMeter results file`, {
        hint: 'pass the results file JMeter wrote with -l, e.g. --jtl results/result.jtl',
      });
    }
    return info.size;
  } catch (error) {
    throw asInputError(path, error);
  }
}

async function readHead(path: string): Promise<Buffer> {
  try {
    const handle = await open(path, 'r');
    try {
      const buf = Buffer.alloc(PROBE_BYTES);
      const { bytesRead } = await handle.read(buf, 0, PROBE_BYTES, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw asInputError(path, error);
  }
}

/** Turns a file-system error into a message for the user; keeps our own errors as they are. */
export function asInputError(path: string, error: unknown): unknown {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new InputError(`${path} does not exist`, {
      hint: 'check the --jtl path; JMeter writes the results file named by its -l option',
      cause: error,
    });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new InputError(`${path} cannot be read (permission denied)`, { cause: error });
  }
  if (code === 'EISDIR') {
    return new InputError(`${path} is a directory, not a JMeter results file`, { cause: error });
  }
  return error;
}
