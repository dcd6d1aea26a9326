/**
 * Reads a configuration file as text, refusing what is not one: missing files, directories,
 * devices and pipes, files over the size limit (the shared guard of files/regular-file.ts,
 * DESIGN.md section 9) and binary data. Every refusal is a Diagnostic, never an exception.
 */

import { FileRefusedError, formatBytes, readRegularFile, type FileProblem } from '../files/regular-file.js';
import type { Diagnostic } from './diagnostics.js';

/** Configuration files larger than this are refused (DESIGN.md section 9: file size is bounded). */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

export interface ReadOptions {
  /** Largest file accepted, in bytes (default 10 MiB). */
  maxFileBytes?: number;
  /** Said when the file does not exist: which flag, env var or directory changes the path. */
  notFoundHint?: string;
  /** The flag that named the file (e.g. "--slo"), for the hint when it is a pipe or device. */
  flag?: string;
}

export type ReadResult = { text: string; diagnostics: [] } | { text?: undefined; diagnostics: Diagnostic[] };

/** Reads `file` as UTF-8 text, or explains why it cannot be used as a configuration file. */
export async function readConfigText(file: string, options: ReadOptions = {}): Promise<ReadResult> {
  let buffer: Buffer;
  try {
    buffer = await readRegularFile(file, { maxBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES });
  } catch (error) {
    if (!(error instanceof FileRefusedError)) throw error;
    return refuse(describeRefusal(error.problem, error.cause, file, options));
  }
  return decodeText(file, buffer);
}

function describeRefusal(
  refused: FileProblem,
  cause: unknown,
  file: string,
  options: ReadOptions,
): Diagnostic {
  switch (refused.kind) {
    case 'system':
      return describeFsError(cause, file, options.notFoundHint);
    case 'too-large':
      return tooLarge(file, refused.size, refused.limit);
    case 'symbolic-link':
      return problem(file, 'is a symbolic link', 'name the configuration file itself');
    case 'not-regular':
      if (refused.fileType === 'a directory') {
        return problem(file, 'is a directory, not a file', 'name a file inside it');
      }
      // A FIFO or device never ends, or blocks: it cannot hold a configuration.
      return problem(
        file,
        `is ${refused.fileType}, not a regular file`,
        `name the configuration file itself${options.flag === undefined ? '' : ` with ${options.flag}`}`,
      );
  }
}

/** Turns a failed stat/open into a message that names the path and what to do. */
export function describeFsError(error: unknown, file: string, notFoundHint?: string): Diagnostic {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (code === 'ENOENT' || code === 'ENOTDIR') return problem(file, 'file not found', notFoundHint);
  if (code === 'EACCES' || code === 'EPERM') {
    return problem(
      file,
      'cannot read the file: permission denied',
      'make it readable by the user the CI job runs as',
    );
  }
  if (code === 'EISDIR') return problem(file, 'is a directory, not a file', notFoundHint);
  if (code === 'ELOOP')
    return problem(file, 'cannot read the file: too many symbolic links', 'check where the link points');
  const reason = error instanceof Error ? error.message : JSON.stringify(error);
  return problem(file, `cannot read the file: ${reason}`);
}

/** Decodes bytes as UTF-8, refusing NUL bytes, UTF-16 and invalid UTF-8 ("not a text file"). */
export function decodeText(file: string, buffer: Buffer): ReadResult {
  const saveAsUtf8 = 'save it as UTF-8 text';
  if (startsWith(buffer, [0xff, 0xfe]) || startsWith(buffer, [0xfe, 0xff])) {
    return refuse(problem(file, 'not a UTF-8 text file (it is UTF-16 encoded)', saveAsUtf8));
  }
  const nul = buffer.indexOf(0);
  if (nul >= 0) {
    return refuse({ ...problem(file, 'not a text file (it contains NUL bytes)'), ...lineOf(buffer, nul) });
  }
  const bad = findInvalidUtf8(buffer);
  if (bad >= 0) {
    const byte = `0x${(buffer[bad] ?? 0).toString(16).padStart(2, '0')}`;
    const message = `not a text file (byte ${byte} is not valid UTF-8)`;
    return refuse({ ...problem(file, message, saveAsUtf8), ...lineOf(buffer, bad) });
  }
  const text = buffer.toString('utf8');
  return { text: text.startsWith('\uFEFF') ? text.slice(1) : text, diagnostics: [] };
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or -1. */
export function findInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const length =
      b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    const second = bytes[i + 1] ?? 0;
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF.
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f)) return i;
    if ((b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += length;
  }
  return -1;
}

function tooLarge(file: string, size: number, limit: number): Diagnostic {
  return problem(
    file,
    `the file is ${formatBytes(size)}, more than the ${formatBytes(limit)} a configuration file may have`,
    'is this the right file? SLO, SLI and ci-connect.yaml files are a few kilobytes',
  );
}

function lineOf(buffer: Buffer, offset: number): { line: number; column: number } {
  const before = buffer.subarray(0, offset);
  let line = 1;
  let lineStart = 0;
  for (let i = before.indexOf(10); i >= 0; i = before.indexOf(10, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function startsWith(buffer: Buffer, bytes: readonly number[]): boolean {
  return bytes.every((b, i) => buffer[i] === b);
}

function problem(file: string, message: string, hint?: string): Diagnostic {
  return { severity: 'error', file, path: '', message, ...(hint === undefined ? {} : { hint }) };
}

function refuse(diagnostic: Diagnostic): ReadResult {
  return { diagnostics: [diagnostic] };
}
