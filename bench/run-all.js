// `npm run bench`: every benchmark, one after the other (they would distort each other's
// timings if run together). Arguments are passed to each, e.g. `npm run bench -- --runs 1`.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const benchmarks = [
  'startup.js',
  'install.js',
  'concurrency.js',
  'redaction.js',
  'html-report.js',
  'jmeter-aggregation.js',
  'history-file.js',
  'history-git.js',
  'history-postgres.js',
];
let failed = false;
for (const file of benchmarks) {
  console.log(`\n=== bench/${file}`);
  const run = spawnSync(
    process.execPath,
    [fileURLToPath(new URL(file, import.meta.url)), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  if (run.status !== 0) {
    console.error(`bench/${file} exited ${run.status ?? run.signal}`);
    failed = true;
  }
}
process.exitCode = failed ? 1 : 0;
