// Adds lock entries for the platform-specific optional packages the package registry of our
// build machines does not serve (e.g. @rollup/rollup-darwin-arm64), so that `npm ci` accepts
// package-lock.json. npm leaves such packages out of the lock when their metadata cannot be
// fetched, and `npm ci` then reports "Missing: ... from lock file". An entry with `optional`,
// `os` and `cpu` (and `libc`) lets npm skip them on every other platform, as it would anyway.
//
//   npm install && node scripts/complete-lockfile.js
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const lockPath = fileURLToPath(new URL('../package-lock.json', import.meta.url));
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

const OS = [
  'android',
  'darwin',
  'freebsd',
  'linux',
  'win32',
  'windows',
  'openbsd',
  'netbsd',
  'sunos',
  'aix',
  'openharmony',
];
const CPU = {
  x64: 'x64',
  64: 'x64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: 'ia32',
  riscv64: 'riscv64',
  ppc64: 'ppc64',
  s390x: 's390x',
  loong64: 'loong64',
  wasm32: 'wasm32',
};

/** os, cpu and libc from a platform package's name, e.g. rollup-linux-arm-musleabihf. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const osIndex = parts.findIndex((p) => OS.includes(p));
  if (osIndex < 0) return undefined;
  const os = parts[osIndex] === 'windows' ? 'win32' : parts[osIndex];
  const cpu = CPU[parts[osIndex + 1]];
  if (cpu === undefined) return undefined;
  const rest = parts.slice(osIndex + 2).join('-');
  const libc = rest.startsWith('musl') ? 'musl' : rest.startsWith('gnu') ? 'glibc' : undefined;
  return { os: [os], cpu: [cpu], ...(os === 'linux' && libc ? { libc: [libc] } : {}) };
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path === '' ? '' : `${path}/`;
    // npm hoists: the dependency may sit next to its parent or at the top.
    if (packages[`${base}node_modules/${name}`] || packages[`node_modules/${name}`]) continue;
    const platform = platformOf(name);
    if (platform === undefined) continue;
    packages[`node_modules/${name}`] = { version, dev: entry.dev, optional: true, ...platform };
    if (entry.dev !== true) delete packages[`node_modules/${name}`].dev;
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform package entries`);
