// The remediation example of docs/remediation.md (fixtures/remediation-example), made real for
// tests: a copy of the project in a temporary directory, the carts app (fixtures/demo/app) whose
// `EnablePromotion` flag adds 300 ms to every cart request, real Prometheus scraping it as the
// example's SLI file expects (job carts-sockshop-production), steady traffic so the latency is
// measured, and Dynatrace problem bodies built on a recorded Problems API v2 answer.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDemoApp, type DemoApp } from './demo-app.js';
import { startPrometheus, type PrometheusServer } from './prometheus-server.js';
import { repoRoot } from './real-components.js';

export const exampleDir = path.join(repoRoot, 'fixtures/remediation-example');
/** `$SERVICE-$PROJECT-$STAGE` of the example's SLI file. */
export const EXAMPLE_JOB = 'carts-sockshop-production';

/** Copies the example project (config dir and scripts) into a fresh directory; returns it. */
export function copyExample(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ci-connect-remediation-'));
  cpSync(exampleDir, root, { recursive: true });
  return root;
}

export function removeExample(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

export interface ServiceUnderLoad {
  readonly app: DemoApp;
  readonly prometheus: PrometheusServer;
  /** The app's base URL, which is also its feature flag service. */
  readonly appUrl: string;
  /** Sets a flag directly, as an operator would (not through ci-connect). */
  setFlag(name: string, state: 'on' | 'off'): Promise<void>;
  /** The p95 latency in ms over the last `seconds`, asked from Prometheus directly. */
  p95(seconds: number): Promise<number>;
  /** Requests answered so far, by HTTP status. */
  readonly statuses: Map<number, number>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the app (promotions on: slow), Prometheus scraping it every second, and two workers
 * sending cart requests (every fourth a POST) with 40 ms between them; resolves after the first
 * scrape that saw traffic.
 */
export async function startServiceUnderLoad(prometheusBin: string): Promise<ServiceUnderLoad> {
  const app = await startDemoApp(['--seed', '7', '--flag', 'EnablePromotion=on']);
  const appUrl = `http://127.0.0.1:${app.port}`;
  const prometheus = await startPrometheus(prometheusBin, [
    { job: EXAMPLE_JOB, target: `127.0.0.1:${app.port}` },
  ]);
  const statuses = new Map<number, number>();
  let running = true;
  const worker = async (id: number) => {
    for (let i = 0; running; i++) {
      const post = i % 4 === 3;
      const response = await fetch(`${appUrl}/carts/c${id}${post ? '/items' : ''}`, {
        method: post ? 'POST' : 'GET',
        ...(post
          ? { headers: { 'content-type': 'application/json' }, body: '{"itemId":"socks","unitPrice":2.5}' }
          : {}),
      }).catch(() => undefined);
      if (response !== undefined) {
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
      await sleep(40);
    }
  };
  const workers = [worker(1), worker(2)];
  const p95 = async (seconds: number) => {
    const promql = `histogram_quantile(0.95, sum by(le) (rate(http_request_duration_seconds_bucket{job="${EXAMPLE_JOB}"}[${seconds}s]))) * 1000`;
    const body = (await prometheus.query(promql, Date.now() / 1000)) as {
      data?: { result?: { value: [number, string] }[] };
    };
    return Number(body.data?.result?.[0]?.value[1] ?? Number.NaN);
  };
  const service: ServiceUnderLoad = {
    app,
    prometheus,
    appUrl,
    statuses,
    p95,
    setFlag: async (name, state) => {
      const response = await fetch(`${appUrl}/flags/${name}`, { method: 'PUT', body: state });
      if (!response.ok)
        throw new Error(`setting ${name} failed: ${response.status} ${await response.text()}`);
    },
    stop: async () => {
      running = false;
      await Promise.all(workers);
      await prometheus.stop();
      await app.stop();
    },
  };
  for (let i = 0; i < 100; i++) {
    if (Number.isFinite(await p95(5))) return service;
    await sleep(200);
  }
  await service.stop();
  throw new Error('Prometheus never scraped latencies from the carts app');
}

/** Waits until Prometheus's p95 over the last `seconds` satisfies `ok`; returns the last value. */
export async function waitForP95(
  service: ServiceUnderLoad,
  seconds: number,
  ok: (ms: number) => boolean,
  timeoutMs = 30_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = Number.NaN;
  while (Date.now() < deadline) {
    last = await service.p95(seconds);
    if (ok(last)) return last;
    await sleep(500);
  }
  throw new Error(`the p95 over ${seconds}s never got there within ${timeoutMs} ms (last: ${last} ms)`);
}

const RECORDED_PROBLEM = path.join(
  repoRoot,
  'fixtures/dynatrace/problems-v2_200_get-problem_open_no-root-cause_evidence-with-event-data.json',
);

/**
 * A Problems API v2 `Problem` for the carts service: the recorded answer of
 * problems-v2_200_get-problem_open_no-root-cause_... (fixtures/dynatrace/SOURCES.md) with its
 * ids, title, status and impacted entity replaced (BUILT on a recorded shape: see
 * fixtures/remediation-example/README.md). Closed problems get an endTime, as Dynatrace's do.
 */
export function problemBody(problem: {
  problemId: string;
  displayId: string;
  title: string;
  status: 'OPEN' | 'CLOSED';
}): Record<string, unknown> {
  const recorded = JSON.parse(readFileSync(RECORDED_PROBLEM, 'utf8')) as Record<string, unknown>;
  const carts = { entityId: { id: 'SERVICE-1016B63497E3FEF6', type: 'SERVICE' }, name: 'carts' };
  return {
    ...recorded,
    ...problem,
    impactLevel: 'SERVICES',
    affectedEntities: [carts],
    impactedEntities: [carts],
    endTime: problem.status === 'CLOSED' ? Number(recorded['startTime']) + 900_000 : -1,
  };
}
