// A child process for test/history-concurrency.test.ts: appends to one history file through the
// history store compiled into <module dir> (plain JS, so it starts in a few milliseconds).
//
//   node history-writer.js <module dir> <history file> batch <writer> <count>
//       prints "ready", waits for a line on stdin (so all writers start together), appends
//       <count> records, exits
//   node history-writer.js <module dir> <history file> loop <writer> <staleMs>
//       appends until killed, printing each id once its append has resolved
//   node history-writer.js <module dir> <history file> hold <staleMs>
//       takes the file's lock, prints "locked" and keeps it (and its heartbeat) until killed

import { join } from 'node:path';
import process from 'node:process';
import { setInterval } from 'node:timers';
import { pathToFileURL } from 'node:url';

const [moduleDir, historyFile, mode, ...args] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(moduleDir, path)).href);
const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message) => process.stderr.write(`${message}\n`),
};

function record(writer, index) {
  return {
    schemaVersion: 1,
    id: `${writer}-${index}`,
    kind: 'evaluation',
    project: 'shop',
    stage: 'hardening',
    service: 'carts',
    labels: { writer, pad: 'x'.repeat(200 + (index % 7) * 100) },
    result: 'pass',
    score: 100,
    objectives: [],
    comparedEvaluations: [],
    invalidated: false,
  };
}

async function openStore(staleMs) {
  const { openHistoryStore } = await load('history/index.js');
  return openHistoryStore(`file:${historyFile}`, { baseDir: process.cwd(), logger, fileLock: { staleMs } });
}

async function batch(writer, count) {
  const store = await openStore(10_000);
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.pause();
  for (let i = 0; i < count; i++) await store.append(record(writer, i));
}

async function loop(writer, staleMs) {
  const store = await openStore(staleMs);
  for (let i = 0; ; i++) {
    await store.append(record(writer, i));
    process.stdout.write(`${writer}-${i}\n`);
  }
}

async function hold(staleMs) {
  const { acquireFileLock } = await load('files/file-lock.js');
  await acquireFileLock(historyFile, { staleMs, timeoutMs: 10_000 }, logger);
  process.stdout.write('locked\n');
  setInterval(() => undefined, 60_000);
}

if (mode === 'batch') await batch(args[0], Number(args[1]));
else if (mode === 'loop') await loop(args[0], Number(args[1]));
else if (mode === 'hold') await hold(Number(args[0]));
else throw new Error(`unknown mode ${mode}`);
