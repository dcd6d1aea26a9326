// The CLI as a user gets it: `npm pack` of packages/cli, installed from the tarball into an empty
// prefix with an empty npm cache and the registry out of reach (--offline, and --registry at a
// closed local port), so an install that needs anything from a registry fails here.
//
// Packing and installing take a few seconds: done once per build of the package, shared by every
// test file and fork through a directory in the OS temp dir named by a digest of what is packed.
// Forks that race each build their own copy and rename it into place; the first rename wins.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findFreePort } from './free-port.js';
import { defineRealComponent, detectCommand, repoRoot, type RealComponent } from './real-components.js';

const run = promisify(execFile);

/** The CLI package's folder in this repository. */
export const cliPackageDir = path.join(repoRoot, 'packages/cli');

/** npm, which packs and installs the CLI; tests that need it skip visibly without it. */
export const npm: RealComponent = defineRealComponent({
  name: 'npm',
  installHint: 'apt-get install -y npm (or a Node.js install that includes npm)',
  detect: () => detectCommand('npm'),
});

/** The installed CLI. */
export interface PackedCli {
  /** Absolute path of the installed `ci-connect` (`<prefix>/node_modules/.bin/ci-connect`), executable. */
  bin: string;
  /** Absolute path of the tarball `npm pack` wrote. */
  tarball: string;
  /** The directory it was installed into (`npm install --prefix`). */
  prefix: string;
}

let installed: Promise<PackedCli> | undefined;

/**
 * Packs packages/cli (built by `npm run build`) and installs the tarball with the registry out of
 * reach; once per build, whatever the number of callers. Throws when npm fails, with its output.
 */
export function installPackedCli(): Promise<PackedCli> {
  installed ??= installOnce();
  return installed;
}

async function installOnce(): Promise<PackedCli> {
  const npmBin = npm.detection.available ? npm.detection.bin : 'npm';
  const key = packageDigest();
  const root = path.join(os.tmpdir(), `ci-connect-packed-cli-${process.getuid?.() ?? 'user'}`);
  const done = path.join(root, key);
  if (isComplete(done)) {
    // Marks it in use, so that runs of other builds (other worktrees) leave it alone.
    const now = new Date();
    await utimes(done, now, now);
  } else {
    await mkdir(root, { recursive: true });
    const work = await mkdtemp(path.join(root, `${key}.${process.pid}-`));
    try {
      await packAndInstall(npmBin, work);
      await rename(work, done).catch(async (error: NodeJS.ErrnoException) => {
        // Another fork got there first: its copy is as good as ours.
        if (!isComplete(done)) throw error;
        await rm(work, { recursive: true, force: true });
      });
    } catch (error) {
      await rm(work, { recursive: true, force: true });
      throw error;
    }
    await removeStale(root, key);
  }
  return layout(done);
}

/** Where things are in a (finished) install directory; renaming keeps npm's relative links valid. */
function layout(dir: string): PackedCli {
  return {
    bin: path.join(dir, 'prefix/node_modules/.bin/ci-connect'),
    tarball: path.join(dir, 'ci-connect-0.1.0.tgz'),
    prefix: path.join(dir, 'prefix'),
  };
}

function isComplete(dir: string): boolean {
  return existsSync(layout(dir).bin) && existsSync(layout(dir).tarball);
}

/** `npm pack` into `dir`, then `npm install` of the tarball into `dir/prefix`, offline. */
async function packAndInstall(npmBin: string, dir: string): Promise<void> {
  const env = await isolatedNpmEnv(dir);
  const pack = await npmRun(npmBin, ['pack', '--json', '--pack-destination', dir], cliPackageDir, env);
  const [{ filename }] = JSON.parse(pack) as [{ filename: string }];
  if (path.join(dir, filename) !== layout(dir).tarball) {
    throw new Error(`npm pack wrote ${filename}; expected ${path.basename(layout(dir).tarball)}`);
  }
  const prefix = layout(dir).prefix;
  await mkdir(prefix);
  await npmRun(
    npmBin,
    [
      'install',
      '--prefix',
      prefix,
      '--offline',
      '--no-audit',
      '--no-fund',
      '--no-update-notifier',
      layout(dir).tarball,
    ],
    prefix,
    env,
  );
}

/** What `npm publish --dry-run` would upload (registry out of reach), and what npm said on stderr. */
export async function publishDryRun(): Promise<{ files: string[]; stderr: string }> {
  const npmBin = npm.detection.available ? npm.detection.bin : 'npm';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ci-connect-publish-'));
  try {
    const args = ['publish', '--dry-run', '--json', '--offline'];
    const { stdout, stderr } = await run(npmBin, args, {
      cwd: cliPackageDir,
      env: await isolatedNpmEnv(dir),
    });
    const report = JSON.parse(stdout) as Record<string, { files: { path: string }[] }>;
    return { files: (report['ci-connect']?.files ?? []).map((file) => file.path).sort(), stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * npm with nothing of this machine's npm set-up: no npm_config_* from an enclosing `npm run`, a
 * user config that is empty, a cache that is empty, and a registry nobody listens on.
 */
async function isolatedNpmEnv(dir: string): Promise<NodeJS.ProcessEnv> {
  const userconfig = path.join(dir, 'npmrc');
  await writeFile(userconfig, '');
  const cache = path.join(dir, 'npm-cache');
  await mkdir(cache);
  const port = await findFreePort();
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && !name.startsWith('CI_CONNECT_')),
  );
  return {
    ...env,
    npm_config_userconfig: userconfig,
    npm_config_cache: cache,
    npm_config_registry: `http://127.0.0.1:${port}/`,
    npm_config_update_notifier: 'false',
  };
}

async function npmRun(npmBin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await run(npmBin, args, { cwd, env, timeout: 120_000, maxBuffer: 1 << 24 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${stdout}${stderr}`, { cause: error });
  }
}

/**
 * A digest of what `npm pack` would take: package.json and every file under its `files` entries.
 * A build that changes any of them gets a new install.
 */
function packageDigest(): string {
  const manifest = readFileSync(path.join(cliPackageDir, 'package.json'));
  const { files } = JSON.parse(manifest.toString('utf8')) as { files: string[] };
  // A build older than package.json's `files` (e.g. one from before a merge) lacks some of them.
  const missing = files.map((entry) => path.join(cliPackageDir, entry)).filter((entry) => !existsSync(entry));
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} missing: run \`npm run build\` before the tests (npm test does)`);
  }
  const hash = createHash('sha256').update(manifest);
  for (const file of files.flatMap((entry) => listFiles(path.join(cliPackageDir, entry))).sort()) {
    hash.update(`\0${path.relative(cliPackageDir, file)}\0`).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

function listFiles(entry: string): string[] {
  if (!existsSync(entry)) return [];
  if (!statSync(entry).isDirectory()) return [entry];
  return readdirSync(entry).flatMap((name) => listFiles(path.join(entry, name)));
}

/**
 * Installs no run has used for a day (earlier builds), and copies abandoned by killed runs after
 * an hour. Not sooner: a run of another worktree may be using an install of its own build.
 */
async function removeStale(root: string, key: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(root)) {
    if (name === key) continue;
    const dir = path.join(root, name);
    const maxAge = name.includes('.') ? 60 * 60 * 1000 : 24 * 60 * 60 * 1000;
    try {
      if (statSync(dir).mtimeMs < now - maxAge) await rm(dir, { recursive: true, force: true });
    } catch {
      // Removed by another fork meanwhile.
    }
  }
}
