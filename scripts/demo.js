// `npm run demo`: a real evaluation of the bundled demo project (fixtures/demo): the carts
// service's Keptn SLO scored against JMeter results recorded from a real run. The first run
// starts the demo's history from three earlier real evaluations (history-seed.jsonl), so the
// table shows baselines and changes; each run appends to it, as in a pipeline.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const history = 'fixtures/demo/.ci-connect/history.jsonl';
if (!existsSync(`${root}/${history}`))
  copyFileSync(`${root}/fixtures/demo/history-seed.jsonl`, `${root}/${history}`);

const args = [
  'packages/cli/bin/run.js',
  'evaluate',
  ...['--config-dir', 'fixtures/demo/.ci-connect', '--service', 'carts'],
  ...['--jtl', 'fixtures/demo/results/performance.jtl', '--version', '1.4.2', '--label', 'buildId=demo'],
  ...process.argv.slice(2),
];
const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exitCode = run.status ?? 70;
