/**
 * The one guard every file ci-connect reads goes through (DESIGN.md section 9): only regular
 * files, of bounded size. The file is opened with O_NONBLOCK, so opening a FIFO cannot wait for a
 * writer, and checked with fstat on the open descriptor, so nothing can swap the path between
 * the check and the read. Reading /dev/zero would never end; a FIFO would block forever.
 */

import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { errorCode, InputError } from '../errors.js';

// Windows has neither flag: 0 leaves the open as it was there.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
// A terminal device must not become the process's controlling terminal just by being checked.
const O_NOCTTY = constants.O_NOCTTY ?? 0;

/** Why a path was refused; `fileType` and the sizes are there for callers that phrase it their way. */
export type FileProblem =
  | { kind: 'not-regular'; fileType: string }
  | { kind: 'symbolic-link' }
  | { kind: 'too-large'; size: number; limit: number }
  | { kind: 'system'; code: string; reason: string };

/** How the user named the file, for the message: `--values /dev/zero is a character device, ...`. */
export interface FileLabel {
  /** The flag or setting that named the file, e.g. "--values"; it starts the message. */
  label?: string;
  /** How to fix it. */
  hint?: string;
}

export interface RegularFileOptions extends FileLabel {
  /** Largest size accepted, in bytes; undefined for files read as a stream with bounded memory. */
  maxBytes?: number;
  /** Refuse a symbolic link instead of following it (O_NOFOLLOW): for files that are written. */
  noFollow?: boolean;
  /** Open for appending (created if missing) instead of for reading. */
  append?: boolean;
}

/** A file that cannot be read as asked: exit 2, since retrying with the same path cannot help. */
export class FileRefusedError extends InputError {
  constructor(
    readonly path: string,
    readonly problem: FileProblem,
    options: FileLabel & { cause?: unknown } = {},
  ) {
    const subject = options.label === undefined ? path : `${options.label} ${path}`;
    super(`${subject} ${describeProblem(problem)}`, { hint: options.hint, cause: options.cause });
  }
}

/**
 * Opens `path` and checks the open descriptor: a regular file, within `maxBytes`. Throws a
 * FileRefusedError for anything else; errors of open itself (ENOENT, EACCES...) pass unchanged.
 */
export async function openRegularFile(path: string, options: RegularFileOptions = {}): Promise<FileHandle> {
  // Opening a device read-write can act on it (a tape rewinds): refuse what is visibly no file
  // before opening for append. The descriptor is checked again below, which closes the race.
  if (options.append === true) {
    const seen = await lstat(path).catch(() => undefined);
    if (seen !== undefined && !seen.isFile() && !seen.isSymbolicLink()) refuseIrregular(path, seen, options);
  }
  const handle = await open(path, openFlags(options), 0o666).catch(async (error: unknown) => {
    throw await refuseLink(path, error, options);
  });
  try {
    refuseIrregular(path, await handle.stat(), options);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Reads a whole regular file of at most `maxBytes`; every problem is a FileRefusedError. */
export async function readRegularFile(
  path: string,
  options: RegularFileOptions & { maxBytes: number },
): Promise<Buffer> {
  try {
    const handle = await openRegularFile(path, options);
    try {
      const buffer = await readAtMost(handle, options.maxBytes + 1);
      // The file may have grown since fstat: the bounded read notices.
      if (buffer.length > options.maxBytes) throw tooLarge(path, buffer.length, options);
      return buffer;
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw asFileRefusedError(path, error, options);
  }
}

/**
 * readRegularFile for callers that cannot wait (the HTTP client reads --ca-file as it is built);
 * it always follows links and only reads.
 */
export function readRegularFileSync(path: string, options: FileLabel & { maxBytes: number }): Buffer {
  try {
    const fd = openSync(path, openFlags({}));
    try {
      refuseIrregular(path, fstatSync(fd), options);
      const buffer = readAtMostSync(fd, options.maxBytes + 1);
      if (buffer.length > options.maxBytes) throw tooLarge(path, buffer.length, options);
      return buffer;
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw asFileRefusedError(path, error, options);
  }
}

/** Words for what a path is, e.g. "a character device", for messages. */
export function describeFileType(stats: Stats): string {
  if (stats.isFile()) return 'a regular file';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  return 'of an unknown type';
}

/** Sizes as people read them: 512 bytes, 3.4 KiB, 1.7 GiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GiB`;
}

/** The sentence after the path in a FileRefusedError's message. */
export function describeProblem(problem: FileProblem): string {
  switch (problem.kind) {
    case 'not-regular':
      return `is ${problem.fileType}, not a regular file`;
    case 'symbolic-link':
      return 'is a symbolic link; name the file itself';
    case 'too-large':
      return `is ${formatBytes(problem.size)}, more than the ${formatBytes(problem.limit)} allowed for it`;
    case 'system':
      return problem.reason;
  }
}

function openFlags(options: RegularFileOptions): number {
  const access =
    options.append === true ? constants.O_RDWR | constants.O_APPEND | constants.O_CREAT : constants.O_RDONLY;
  return access | O_NONBLOCK | O_NOCTTY | (options.noFollow === true ? O_NOFOLLOW : 0);
}

function refuseIrregular(path: string, stats: Stats, options: RegularFileOptions): void {
  if (!stats.isFile()) {
    throw new FileRefusedError(path, { kind: 'not-regular', fileType: describeFileType(stats) }, options);
  }
  const { maxBytes } = options;
  if (maxBytes !== undefined && stats.size > maxBytes)
    throw tooLarge(path, stats.size, { ...options, maxBytes });
}

/**
 * O_NOFOLLOW makes open fail on a link (ELOOP; EMLINK on FreeBSD): say so, not "too many
 * symbolic links". lstat tells it from a real loop further up the path.
 */
async function refuseLink(path: string, error: unknown, options: RegularFileOptions): Promise<unknown> {
  const code = errorCode(error);
  if (options.noFollow !== true || (code !== 'ELOOP' && code !== 'EMLINK')) return error;
  const isLink = await lstat(path).then(
    (stats) => stats.isSymbolicLink(),
    () => false,
  );
  return isLink ? new FileRefusedError(path, { kind: 'symbolic-link' }, { ...options, cause: error }) : error;
}

function tooLarge(path: string, size: number, options: FileLabel & { maxBytes: number }): Error {
  return new FileRefusedError(path, { kind: 'too-large', size, limit: options.maxBytes }, options);
}

/** Keeps a FileRefusedError; turns a system error into one that names the path in words. */
function asFileRefusedError(path: string, error: unknown, options: FileLabel): unknown {
  if (error instanceof FileRefusedError) return error;
  const code = errorCode(error);
  if (code === undefined) return error;
  return new FileRefusedError(
    path,
    { kind: 'system', code, reason: describeSystemError(code, error) },
    {
      ...options,
      cause: error,
    },
  );
}

const SYSTEM_REASONS: Readonly<Partial<Record<string, string>>> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'does not exist (a part of the path before the file name is not a directory)',
  EACCES: 'cannot be read: permission denied',
  EPERM: 'cannot be read: permission denied',
  EISDIR: 'is a directory, not a regular file',
  ELOOP: 'cannot be opened: its symbolic links form a loop',
  ENAMETOOLONG: 'cannot be opened: the path is too long',
};

function describeSystemError(code: string, error: unknown): string {
  return SYSTEM_REASONS[code] ?? `cannot be read: ${(error as Error).message}`;
}

async function readAtMost(handle: FileHandle, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < maxBytes) {
    const chunk = Buffer.alloc(Math.min(1024 * 1024, maxBytes - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks);
}

function readAtMostSync(fd: number, maxBytes: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < maxBytes) {
    const chunk = Buffer.alloc(Math.min(1024 * 1024, maxBytes - total));
    const bytesRead = readSync(fd, chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks);
}
