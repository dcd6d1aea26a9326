/** Small checks shared by the config loaders: plain YAML mappings and paths on disk. */

import { stat } from 'node:fs/promises';

/** True for a YAML mapping as parsed: an object that is not an array (and not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `path` is a file (following symbolic links); false when it is missing or unreadable. */
export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** True when `path` is a directory (following symbolic links); false for undefined or missing paths. */
export async function isDirectory(path: string | undefined): Promise<boolean> {
  if (path === undefined) return false;
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
