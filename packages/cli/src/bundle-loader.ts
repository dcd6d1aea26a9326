/**
 * Loads the bundled CLI (dist/ci-connect.cjs) with a V8 code cache. Compiling the 1.5 MB bundle,
 * and lazily each function a command runs, is a large part of a short command's start-up; Node 20
 * has no module.enableCompileCache, and its ES module loader takes no cached data without flags.
 * So the bundle is CommonJS, compiled here through vm.Script with the cache of an earlier run
 * (https://nodejs.org/docs/latest-v20.x/api/vm.html#new-vmscriptcode-options).
 *
 * The cache is an optimisation only: any failure to read, check or write it falls back silently
 * to a plain compile.
 */

import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { createRequire, Module } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

/** What the bundle exports (src/main.ts). */
export interface CliBundle {
  COMMANDS: Readonly<Record<string, unknown>>;
  main(dir: string): Promise<void>;
}

/** Where the cache lives, and which command's run it holds the compiled functions of. */
export interface CompileCache {
  dir: string;
  /** The command's id as the arguments name it (`evaluate`, `history:list`), or `default`. */
  command: string;
}

/**
 * The CommonJS wrapper Node itself puts around a module, and __cliImport: the bundle's import()
 * expressions call it (scripts/bundle.js), since Node 20 loses a vm script's own import() callback
 * when the script comes from cached data.
 */
const WRAPPER = ['(function (exports, require, module, __filename, __dirname, __cliImport) { ', '\n});'];

/** import() from here, next to the bundle: the same resolution as the bundle's own. */
const importForBundle = (specifier: string): Promise<unknown> => import(specifier);

/**
 * The cache for a run with these arguments: in CI_CONNECT_CACHE_DIR, else in one directory per
 * user in the OS temp dir; none when NODE_DISABLE_COMPILE_CACHE is set (Node's own switch). One
 * cache per command, since each holds the functions its first run compiled; a topic's command
 * (`history list`) is named by its first two words.
 */
export function compileCacheFor(env: NodeJS.ProcessEnv, args: readonly string[]): CompileCache | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE !== undefined && env.NODE_DISABLE_COMPILE_CACHE !== '') return undefined;
  const dir =
    env.CI_CONNECT_CACHE_DIR !== undefined && env.CI_CONNECT_CACHE_DIR !== ''
      ? env.CI_CONNECT_CACHE_DIR
      : path.join(tmpdir(), `ci-connect-compile-cache-${process.getuid?.() ?? 'user'}`);
  const [first = '', second = ''] = args;
  const word = /^[a-z][a-z-]{0,39}$/;
  const command = !word.test(first) ? 'default' : word.test(second) ? `${first}:${second}` : first;
  return { dir, command };
}

/**
 * Runs the bundle as a CommonJS module and returns its exports. It is registered in require's
 * cache under its own path, so that oclif's require of the commands target finds it loaded.
 */
export function loadBundle(file: string, cache?: CompileCache): CliBundle {
  // Node maps stack traces of modules it loads itself, not of vm scripts: --enable-source-maps
  // (for debugging) gets Node's loader.
  if (process.sourceMapsEnabled) return createRequire(file)(file) as CliBundle;
  const bytes = readFileSync(file);
  // scripts/bundle.js writes ASCII: latin1 is the same text, decoded faster than UTF-8.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const cacheFile = cache === undefined ? undefined : cacheFileFor(cache, file, bytes);
  const cachedData = cacheFile === undefined ? undefined : readCache(cacheFile);
  const script = new vm.Script(WRAPPER[0] + source + WRAPPER[1], { filename: file, cachedData });
  const module = new Module(file);
  module.filename = file;
  const require = createRequire(file);
  require.cache[file] = module;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, require, module, file, path.dirname(file), importForBundle);
  module.loaded = true;
  const bundle = module.exports as CliBundle;
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    // Not for a mistyped command, which would leave a file behind per typo.
    const known = cache?.command === 'default' || Object.hasOwn(bundle.COMMANDS, cache?.command ?? '');
    // At exit, so that the functions this run compiled lazily are in the cache too.
    if (known) process.once('exit', () => writeCache(cacheFile, script));
  }
  return bundle;
}

/** A cache file's path, and the start of its name shared with other commands' and other builds'. */
interface CacheFile {
  path: string;
  /** Node's version, the architecture and V8's flags. */
  node: string;
  /** The bundle's build, size and time of change. */
  build: string;
}

/**
 * Named by the bundle's build (its first line, scripts/bundle.js), size and time of change, and by
 * Node's version and V8's flags: any change is a new file (V8 checks only the source's length).
 * A bundle without a build line gets no cache.
 */
function cacheFileFor(cache: CompileCache, file: string, bytes: Buffer): CacheFile | undefined {
  const id = /^\/\/ ci-connect build ([0-9a-f]{16})\n/.exec(bytes.subarray(0, 64).toString('latin1'))?.[1];
  if (id === undefined) return undefined;
  const flags = digest([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join('\0')).toString(
    'hex',
    0,
    4,
  );
  const node = `${path.basename(file)}-${process.version}-${process.arch}-${flags}-`;
  const build = `${id}-${bytes.length}-${Math.trunc(statSync(file).mtimeMs)}-`;
  // `:` is no file name character on Windows.
  const command = cache.command.replace(':', '.');
  return { path: path.join(cache.dir, `${node}${build}${command}.v8cache`), node, build };
}

/**
 * The cached data, if its directory is this user's alone (others could plant code in it) and the
 * file is whole (V8 checks no checksum in release builds); else undefined.
 */
function readCache(cacheFile: CacheFile): Buffer | undefined {
  try {
    if (!isPrivateDirectory(path.dirname(cacheFile.path))) return undefined;
    const stored = readFileSync(cacheFile.path);
    const data = stored.subarray(DIGEST_LENGTH);
    return data.length > 0 && digest(data).equals(stored.subarray(0, DIGEST_LENGTH)) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** SHA-256: node:crypto is loaded anyway (the bundle needs it); node:zlib's crc32 would add ~2 ms. */
function digest(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

const DIGEST_LENGTH = 32;

function isPrivateDirectory(dir: string): boolean {
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) return false;
  if (process.platform === 'win32') return true;
  return stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0;
}

/** Writes the cache atomically (runs in parallel), then removes those of other builds. */
function writeCache(cacheFile: CacheFile, script: vm.Script): void {
  const dir = path.dirname(cacheFile.path);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!isPrivateDirectory(dir)) return;
    const data = script.createCachedData();
    const temporary = `${cacheFile.path}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, digest(data));
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, cacheFile.path);
    removeOtherBuilds(dir, cacheFile);
  } catch {
    // A read-only or full disk: the next run compiles without a cache, as this one did.
  }
}

/**
 * Caches of other builds of the bundle, for this Node and flags, unchanged for a day: an upgrade
 * leaves its predecessor's behind. Not younger ones: two installs of different builds used in
 * turn would otherwise delete each other's cache on every run.
 */
function removeOtherBuilds(dir: string, cacheFile: CacheFile): void {
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(cacheFile.node) || name.startsWith(cacheFile.node + cacheFile.build)) continue;
    const other = path.join(dir, name);
    if (lstatSync(other).mtimeMs < dayAgo) rmSync(other, { force: true });
  }
}
