// Writes the licence texts of every package the bundles contain into one file that ships with
// them (package.json `files`): MIT, ISC, BSD and Apache-2.0 all ask that copies of the code carry
// their notice, and a bundle is such a copy.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The package directory (the folder after the last node_modules) of a bundled input file. */
function packageDirOf(input) {
  const parts = path.resolve(input).split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const length = parts[at + 1]?.startsWith('@') ? at + 3 : at + 2;
  return parts.slice(0, length).join(path.sep);
}

function licenceText(dir) {
  const file = readdirSync(dir).find((name) => /^(licen[cs]e|copying)(\.|-|$)/i.test(name));
  return file === undefined ? undefined : readFileSync(path.join(dir, file), 'utf8').trim();
}

/** Writes `outfile` from esbuild metafiles; fails the build when a package has no licence at all. */
export async function writeThirdPartyNotices(metafiles, outfile) {
  const dirs = new Set();
  for (const metafile of metafiles) {
    for (const input of Object.keys(metafile.inputs)) {
      const dir = packageDirOf(input);
      if (dir !== undefined && existsSync(path.join(dir, 'package.json'))) dirs.add(dir);
    }
  }
  const sections = [...dirs]
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      const text = licenceText(dir);
      if (text === undefined && typeof manifest.license !== 'string') {
        throw new Error(`${dir}: bundled, but it names no licence`);
      }
      const heading = `${manifest.name}@${manifest.version} (${manifest.license ?? 'see below'})`;
      return `${heading}\n${'-'.repeat(heading.length)}\n${text ?? `Licensed under ${manifest.license}; the package ships no licence text.`}\n`;
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // Nested copies of one version (npm installs a package under each dependent that needs it).
  const unique = [...new Set(sections)];
  const intro =
    'ci-connect bundles the following packages (dist/ci-connect.cjs, dist/vendor/*.mjs).\n' +
    'Their licences follow, as their authors ship them.\n';
  await writeFile(outfile, `${intro}\n${unique.join('\n')}`);
}
