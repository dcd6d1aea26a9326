/**
 * Where a command would be found when it is run: a path as given (relative to `cwd`), a bare
 * name on PATH. Used to say "not found" before anything runs (doctor, a stage run's checks).
 */

import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/**
 * The command an env variable (HELM_BIN, JMETER_BIN) names, trimmed; unset or blank (a CI
 * variable left empty) is `fallback`, found on PATH. Doctor and a stage run take it alike.
 */
export function commandFromEnv(value: string | undefined, fallback: string): string {
  const command = value?.trim() ?? '';
  return command === '' ? fallback : command;
}

/** The executable file the command names, or undefined when there is none. */
export async function findExecutable(
  command: string,
  where: { env: Readonly<Record<string, string | undefined>>; cwd: string },
): Promise<string | undefined> {
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(where.cwd, command);
    return (await isExecutableFile(path)) ? path : undefined;
  }
  for (const dir of (where.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
