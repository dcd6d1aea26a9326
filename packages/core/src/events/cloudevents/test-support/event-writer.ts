/**
 * A child process for file-sink.test.ts, bundled with esbuild before it runs: appends `count`
 * events to one file through FileCloudEventSink, starting when a line arrives on stdin (so that
 * all writers start together). Exits 1 if any event was not delivered.
 *
 *   node event-writer.mjs <file> <writer> <count>
 */

import { FileCloudEventSink } from '../file-sink.js';
import type { KeptnCloudEvent } from '../types.js';

const [path = '', writer = '', count = '0'] = process.argv.slice(2);
const sink = new FileCloudEventSink({
  path,
  logger: {
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => process.stderr.write(`${message}\n`),
  },
});

function event(index: number): KeptnCloudEvent {
  return {
    specversion: '1.0',
    id: `${writer}-${index}`,
    source: 'ci-connect',
    type: 'sh.keptn.event.test.finished',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    shkeptncontext: writer,
    triggeredid: `${writer}-trigger`,
    shkeptnspecversion: '0.2.4',
    // Long and varied lines: a torn or interleaved write would show.
    data: {
      project: 'shop',
      stage: 'dev',
      service: 'carts',
      labels: { pad: 'x'.repeat(500 + (index % 5) * 900) },
    },
  };
}

process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
let failed = 0;
for (let i = 0; i < Number(count); i++) if (!(await sink.send(event(i))).delivered) failed++;
process.exitCode = failed === 0 ? 0 : 1;
