// The whole quality gate with real components: real JMeter puts load on the demo app, and
// `ci-connect evaluate` scores its results file against the demo SLO. The gate must pass the
// healthy app and fail the slowed one, and its numbers must be those of the results file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import {
  cleanUpDemo,
  demoConfigDir,
  loadTestDemoApp,
  makeTempDir,
  type JmeterRun,
} from './support/demo-app.js';
import { describeWithReal, jmeter } from './support/real-components.js';

interface Evaluation {
  result: string;
  score: number;
  objectives: { sli: string; value: number | null; status: string }[];
}

/** p95 the plain way (numpy's linear interpolation), from a CSV whose fields hold no commas. */
function p95FromCsv(file: string, label?: string): number {
  const [header, ...rows] = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  const at = (name: string) => header!.indexOf(name);
  const values = rows
    .filter((r) => label === undefined || r[at('label')] === label)
    .map((r) => Number(r[at('elapsed')]))
    .sort((a, b) => a - b);
  const h = (values.length - 1) * 0.95;
  const low = Math.floor(h);
  return values[low]! + (h - low) * (values[Math.min(low + 1, values.length - 1)]! - values[low]!);
}

describeWithReal(jmeter, 'the demo gate on real JMeter results', ({ bin }) => {
  const load = { vuCount: 3, loopCount: 60 };
  let healthy: JmeterRun;
  let slowed: JmeterRun;
  let healthyGate: CliRun;
  let slowedGate: CliRun;

  beforeAll(async () => {
    healthy = await loadTestDemoApp(bin, [], load);
    slowed = await loadTestDemoApp(bin, ['--slowdown', '4'], load);
    const dir = await makeTempDir('ci-connect-demo-gate-');
    const evaluate = (jtl: string, history: string) =>
      runCli([
        'evaluate',
        '--config-dir',
        demoConfigDir,
        '--service',
        'carts',
        '--jtl',
        jtl,
        '--history',
        `file:${path.join(dir, history)}`,
        '--json',
      ]);
    [healthyGate, slowedGate] = await Promise.all([
      evaluate(healthy.jtl, 'a.jsonl'),
      evaluate(slowed.jtl, 'b.jsonl'),
    ]);
  }, 180_000);
  afterAll(cleanUpDemo);

  it('passes the healthy app (exit 0)', () => {
    expect(healthy.exitCode, healthy.stdout).toBe(0);
    expect(healthyGate.exitCode, healthyGate.stderr).toBe(0);
    expect((JSON.parse(healthyGate.stdout) as Evaluation).result).toBe('pass');
  });

  it('fails the app slowed down four times (exit 1)', () => {
    expect(slowed.exitCode, slowed.stdout).toBe(0);
    expect(slowedGate.exitCode, slowedGate.stderr).toBe(1);
    const evaluation = JSON.parse(slowedGate.stdout) as Evaluation;
    expect(evaluation.result).toBe('fail');
    expect(evaluation.objectives.find((o) => o.sli === 'response_time_p95')?.status).toBe('fail');
  });

  it('reports the p95 the results file holds, overall and per label', () => {
    const evaluation = JSON.parse(healthyGate.stdout) as Evaluation;
    const value = (sli: string) => evaluation.objectives.find((o) => o.sli === sli)?.value;
    expect(value('response_time_p95')).toBeCloseTo(p95FromCsv(healthy.jtl), 9);
    expect(value('add_item_p95')).toBeCloseTo(p95FromCsv(healthy.jtl, 'POST /carts/{id}/items'), 9);
  });
});
