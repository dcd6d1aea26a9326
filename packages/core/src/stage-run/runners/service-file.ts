/**
 * A file of a service as a stage sees it (DESIGN.md section 3): `stages/<stage>/<service>/<path>`
 * replaces `base/<service>/<path>` when it exists.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface ServiceFileLocation {
  configDir: string;
  stage: string;
  service: string;
}

/** The overlay's file if it exists, else the base file (which may not exist either). */
export function serviceFile(where: ServiceFileLocation, relativePath: string): string {
  const overlay = join(where.configDir, 'stages', where.stage, where.service, relativePath);
  return existsSync(overlay) ? overlay : join(where.configDir, 'base', where.service, relativePath);
}

/** Every existing layer of a file, base first (values files are layered, not replaced). */
export function serviceFileLayers(where: ServiceFileLocation, relativePath: string): string[] {
  return [
    join(where.configDir, 'base', where.service, relativePath),
    join(where.configDir, 'stages', where.stage, where.service, relativePath),
  ].filter((file) => existsSync(file));
}
