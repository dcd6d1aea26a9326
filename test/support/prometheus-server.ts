// A real Prometheus (Debian's `prometheus` package) for tests: a temporary config and TSDB, on a
// free port on 127.0.0.1, scraping the given targets every second.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stopProcess } from './demo-app.js';
import { findFreePort } from './free-port.js';
import { defineRealComponent, detectCommand } from './real-components.js';

/** Real Prometheus, as the tests run it. */
export const prometheus = defineRealComponent({
  name: 'Prometheus',
  installHint: 'apt-get install -y prometheus',
  detect: () => detectCommand('prometheus'),
});

export interface PrometheusServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Runs an instant query directly (no ci-connect code involved); returns the parsed JSON. */
  query(promql: string, timeSeconds: number): Promise<unknown>;
  /** Stops the server and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts `bin` scraping each `{ job, target }` every second; resolves once /-/ready answers 200. */
export async function startPrometheus(
  bin: string,
  jobs: readonly { job: string; target: string }[],
): Promise<PrometheusServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ci-connect-prometheus-'));
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    ...jobs.flatMap(({ job, target }) => [
      `  - job_name: '${job}'`,
      '    static_configs:',
      `      - targets: ['${target}']`,
    ]),
  ].join('\n');
  await writeFile(path.join(dir, 'prometheus.yml'), `${config}\n`);
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    bin,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    stop,
    query: async (promql, timeSeconds) => {
      const params = new URLSearchParams({ query: promql, time: String(timeSeconds) });
      const response = await fetch(`${url}/api/v1/query?${params.toString()}`);
      return await response.json();
    },
  };
}

async function waitUntilReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${stderr()}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`prometheus did not become ready within 20 s: ${stderr()}`);
}
