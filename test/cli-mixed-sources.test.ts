// One SLO whose objectives come from three systems at once: a real Prometheus scraping the demo
// app under load, Dynatrace (the strict stand-in with a recorded answer) and the demo's JMeter
// results file, through the real CLI, as a pipeline job would run it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import { cleanUpDemo, startDemoApp, type DemoApp } from './support/demo-app.js';
import { startDynatraceStandIn, type DynatraceStandIn } from './support/dynatrace-stand-in.js';
import { prometheus, startPrometheus, type PrometheusServer } from './support/prometheus-server.js';
import { describeWithReal, repoRoot } from './support/real-components.js';

const JOB = 'carts-demo';
const DT_TOKEN = 'dt0c01.MIXEDSOURCESTESTTOKEN0000.MIXEDSECRETMIXEDSECRETMIXEDSECRETMIXEDSECRETMIXEDSECRET';
const PROM_TOKEN = 'prom-secret-token-0123456789';
const REQUESTS = 40;

describeWithReal(prometheus, 'an SLO mixing Prometheus, Dynatrace and JMeter', (found) => {
  let app: DemoApp;
  let server: PrometheusServer;
  let standIn: DynatraceStandIn;
  let run: CliRun;
  let history: string;

  beforeAll(async () => {
    app = await startDemoApp(['--seed', '42']);
    server = await startPrometheus(found.bin, [{ job: JOB, target: `127.0.0.1:${app.port}` }]);
    standIn = await startDynatraceStandIn({ token: DT_TOKEN });
    for (let i = 0; i < REQUESTS; i++)
      await (await fetch(`http://127.0.0.1:${app.port}/carts/${i % 7}`)).arrayBuffer();
    // The window ends once Prometheus has scraped every request; it starts 2 minutes before.
    let endMs = 0;
    for (let i = 0; i < 60 && endMs === 0; i++) {
      await sleep(500);
      const t = Math.floor((Date.now() - 1500) / 1000) * 1000;
      const body = (await server.query(`sum(http_requests_total{job='${JOB}'})`, t / 1000)) as {
        data?: { result?: { value: [number, string] }[] };
      };
      if (Number(body.data?.result?.[0]?.value[1]) >= REQUESTS) endMs = t;
    }
    expect(endMs, 'Prometheus never scraped the load').toBeGreaterThan(0);
    const start = new Date(endMs - 120_000);
    const end = new Date(endMs);
    standIn.expect({
      path: '/api/v2/metrics/query',
      query: {
        metricSelector: 'builtin:service.response.time:merge("dt.entity.service"):percentile(95)',
        entitySelector: 'type(SERVICE),tag(service:carts)',
        from: String(start.getTime()),
        to: String(end.getTime()),
        resolution: 'Inf',
      },
      respond: 'metrics-query_200_single-series_res-Inf_one-value',
    });

    const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-mixed-'));
    history = path.join(dir, 'history.jsonl');
    writeFileSync(
      path.join(dir, 'slo.yaml'),
      [
        'spec_version: "1.0"',
        'objectives:',
        '  - sli: requests_served',
        `    pass: [{criteria: [">=${REQUESTS}"]}]`,
        '  - sli: dt_response_time_p95',
        '    pass: [{criteria: ["<50"]}]',
        '  - sli: response_time_p95',
        '    pass: [{criteria: ["<50"]}]',
        'total_score: {pass: "90%", warning: "75%"}',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'prometheus.yaml'),
      `spec_version: "1.0"\nindicators:\n  requests_served: "sum(http_requests_total{job='${JOB}'})"\n`,
    );
    writeFileSync(
      path.join(dir, 'dynatrace.yaml'),
      'spec_version: "1.0"\nindicators:\n  dt_response_time_p95: "MV2;MicroSecond;metricSelector=builtin:service.response.time:merge(\\"dt.entity.service\\"):percentile(95)&entitySelector=type(SERVICE),tag(service:$SERVICE)"\n',
    );
    // Prometheus and JMeter both offer response_time_p95 built in: naming it in sli/jmeter.yaml
    // says which one this SLO means.
    writeFileSync(
      path.join(dir, 'jmeter.yaml'),
      'spec_version: "1.0"\nindicators:\n  response_time_p95: "measure=p95"\n',
    );
    run = await runCli(
      [
        'evaluate',
        ...['--slo', 'slo.yaml', '--service', 'carts', '--settle', '0', '--json'],
        ...[
          '--sli',
          'prometheus=prometheus.yaml',
          '--sli',
          'dynatrace=dynatrace.yaml',
          '--sli',
          'jmeter=jmeter.yaml',
        ],
        ...['--jtl', path.join(repoRoot, 'fixtures/demo/results/performance.jtl')],
        ...['--start', start.toISOString(), '--end', end.toISOString(), '--history', `file:${history}`],
      ],
      {
        cwd: dir,
        env: {
          PROMETHEUS_URL: server.url,
          PROMETHEUS_TOKEN: PROM_TOKEN,
          DT_URL: standIn.url,
          DT_API_TOKEN: DT_TOKEN,
        },
      },
    );
  }, 90_000);

  afterAll(async () => {
    await standIn?.close();
    await server?.stop();
    await cleanUpDemo();
  });

  it('scores each objective with the value of its own system and passes', () => {
    expect(run.exitCode, run.stderr).toBe(0);
    const evaluation = JSON.parse(run.stdout) as {
      result: string;
      objectives: { sli: string; provider: string; value: number }[];
    };
    expect(evaluation.result).toBe('pass');
    expect(evaluation.objectives.map((o) => [o.sli, o.provider])).toEqual([
      ['requests_served', 'prometheus'],
      ['dt_response_time_p95', 'dynatrace'],
      ['response_time_p95', 'jmeter'],
    ]);
    expect(evaluation.objectives[0]!.value).toBeGreaterThanOrEqual(REQUESTS);
    expect(evaluation.objectives[1]!.value).toBeCloseTo(31.84608512740705, 9);
    expect(evaluation.objectives[2]!.value).toBe(28);
    expect(standIn.violations).toEqual([]);
    expect(standIn.unusedExpectations()).toEqual([]);
  });

  it('leaves neither token in its output or history', () => {
    const everything = [run.stdout, run.stderr, readFileSync(history, 'utf8')].join('\n');
    expect(everything).not.toContain(DT_TOKEN);
    expect(everything).not.toContain(PROM_TOKEN);
  });
});
