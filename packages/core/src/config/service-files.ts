/**
 * The config directory layout (DESIGN.md section 3): `base/<service>/` applies to every stage;
 * `stages/<stage>/<service>/` is an overlay whose files replace the base files of the same
 * relative path. This module finds the effective files; it does not read them.
 */

import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { isDirectory, isFile } from './guards.js';

export interface ServiceFilesRequest {
  configDir: string;
  service: string;
  /** Without a stage only the base files apply. */
  stage?: string;
}

/** The files that apply to one service in one stage, overlay over base. */
export interface ServiceFiles {
  service: string;
  stage?: string;
  /** The effective slo.yaml. */
  slo: string;
  /** The effective SLI file per provider name (`sli/prometheus.yaml` → `prometheus`). */
  sli: Readonly<Record<string, string>>;
}

/** What was found for a service, without judging it (validateConfigDir reports, resolve throws). */
export interface ServiceLayout {
  service: string;
  stage?: string;
  baseDir: string;
  overlayDir?: string;
  exists: boolean;
  slo?: string;
  sli: Record<string, string>;
  /** Every SLO and SLI file found, including base files an overlay replaces. */
  all: { slo: string[]; sli: [provider: string, path: string][] };
  /** Two files for one provider in one directory (`x.yaml` and `x.yml`). */
  ambiguous: { first: string; second: string }[];
}

export const CONFIG_DIR_HINT =
  'create it, or point --config-dir (env CI_CONNECT_CONFIG_DIR) at it; a gate alone needs no config directory: pass --slo and --sli';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const YAML_EXTENSIONS = ['.yaml', '.yml'];

/** The effective SLO and SLI files of a service in a stage; throws ConfigError saying what is missing. */
export async function resolveServiceFiles(request: ServiceFilesRequest): Promise<ServiceFiles> {
  const { configDir, service, stage } = request;
  checkName('service', service, '--service');
  if (stage !== undefined) checkName('stage', stage, '--stage');
  await requireConfigDir(configDir);
  const layout = await findServiceLayout(configDir, service, stage);
  if (!layout.exists) {
    const services = await listServices(configDir);
    const hint =
      services.length > 0
        ? `the services there are: ${services.join(', ')}`
        : `create ${join(layout.baseDir, 'slo.yaml')}`;
    const where = stage === undefined ? 'base/' : `base/ or stages/${stage}/`;
    throw new ConfigError(`no service "${service}" in ${configDir} (looked in ${where})`, { hint });
  }
  if (layout.ambiguous.length > 0) {
    const { first, second } = layout.ambiguous[0] ?? { first: '', second: '' };
    throw new ConfigError(`two SLI files for one provider: ${first} and ${second}`, {
      hint: 'keep one of them',
    });
  }
  if (layout.slo === undefined) {
    const looked = [layout.overlayDir, layout.baseDir]
      .filter((d) => d !== undefined)
      .map((d) => join(d, 'slo.yaml'));
    throw new ConfigError(`no slo.yaml for service "${service}"`, {
      hint: `looked for ${looked.join(' and ')}`,
    });
  }
  return { service, ...(stage === undefined ? {} : { stage }), slo: layout.slo, sli: layout.sli };
}

/** The services of a config directory: every directory under base/ and stages/<stage>/. */
export async function listServices(configDir: string): Promise<string[]> {
  await requireConfigDir(configDir);
  const names = new Set(await subdirectories(join(configDir, 'base')));
  for (const stage of await listStages(configDir)) {
    for (const name of await subdirectories(join(configDir, 'stages', stage))) names.add(name);
  }
  return [...names].sort();
}

/** The stages that have overlays: the directories under stages/. */
export async function listStages(configDir: string): Promise<string[]> {
  return (await subdirectories(join(configDir, 'stages'))).sort();
}

/** The effective path of any service file (e.g. `helm/values.yaml`): overlay, else base, else undefined. */
export async function resolveOverlayFile(
  request: ServiceFilesRequest & { file: string },
): Promise<string | undefined> {
  const { configDir, service, stage, file } = request;
  const candidates = [
    stage === undefined ? undefined : join(configDir, 'stages', stage, service, file),
    join(configDir, 'base', service, file),
  ];
  for (const candidate of candidates)
    if (candidate !== undefined && (await isFile(candidate))) return candidate;
  return undefined;
}

/** Finds base and overlay files of a service without throwing. */
export async function findServiceLayout(
  configDir: string,
  service: string,
  stage?: string,
): Promise<ServiceLayout> {
  const baseDir = join(configDir, 'base', service);
  const overlayDir = stage === undefined ? undefined : join(configDir, 'stages', stage, service);
  const dirs = overlayDir === undefined ? [baseDir] : [baseDir, overlayDir];
  const present = await Promise.all(dirs.map(isDirectory));
  const layout: ServiceLayout = {
    service,
    ...(stage === undefined ? {} : { stage }),
    baseDir,
    ...(overlayDir ? { overlayDir } : {}),
    exists: present.some(Boolean),
    sli: {},
    all: { slo: [], sli: [] },
    ambiguous: [],
  };
  // Base first, so that the overlay's files replace it.
  for (const [i, dir] of dirs.entries()) {
    if (present[i] !== true) continue;
    const slo = await firstFile(YAML_EXTENSIONS.map((ext) => join(dir, `slo${ext}`)));
    if (slo !== undefined) layout.slo = slo;
    if (slo !== undefined) layout.all.slo.push(slo);
    const { files, ambiguous } = await sliFiles(join(dir, 'sli'));
    Object.assign(layout.sli, files);
    layout.all.sli.push(...Object.entries(files));
    layout.ambiguous.push(...ambiguous);
  }
  return layout;
}

async function sliFiles(
  dir: string,
): Promise<{ files: Record<string, string>; ambiguous: ServiceLayout['ambiguous'] }> {
  const files: Record<string, string> = {};
  const ambiguous: ServiceLayout['ambiguous'] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const ext = extname(entry.name);
    if (!YAML_EXTENSIONS.includes(ext) || entry.name.startsWith('.') || entry.isDirectory()) continue;
    const provider = entry.name.slice(0, -ext.length);
    const path = join(dir, entry.name);
    const first = files[provider];
    if (first !== undefined) ambiguous.push({ first, second: path });
    files[provider] = path;
  }
  return { files, ambiguous };
}

function checkName(kind: string, name: string, flag: string): void {
  // A name becomes a directory name: no separators, no "..", nothing hidden.
  if (!NAME.test(name) || name.includes('..')) {
    throw new UsageError(`invalid ${kind} name ${JSON.stringify(name)} (${flag})`, {
      hint: `a ${kind} name is letters, digits, ".", "_" and "-", starting with a letter or digit`,
    });
  }
}

async function requireConfigDir(configDir: string): Promise<void> {
  const info = await stat(configDir).catch(() => undefined);
  if (info === undefined)
    throw new ConfigError(`config directory not found: ${configDir}`, { hint: CONFIG_DIR_HINT });
  if (!info.isDirectory())
    throw new ConfigError(`the config directory ${configDir} is a file, not a directory`, {
      hint: CONFIG_DIR_HINT,
    });
}

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    // Symbolic links to directories count too (shared service folders).
    if (e.isDirectory() || (e.isSymbolicLink() && (await isDirectory(join(dir, e.name))))) names.push(e.name);
  }
  return names;
}

async function firstFile(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) if (await isFile(path)) return path;
  return undefined;
}
