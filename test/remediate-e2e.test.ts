// `ci-connect remediate` end to end (issue 13), as the pipeline job of docs/remediation.md runs
// it: the real CLI on the example project of that page (fixtures/remediation-example), a strict
// Dynatrace stand-in serving the problem (recorded Problems API v2 shapes), the carts app whose
// latency the `toggle-feature` command really changes, real Prometheus for each re-evaluation,
// and the helm stub for `scaling`.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { cleanUpDemo } from './support/demo-app.js';
import { prometheus } from './support/prometheus-server.js';
import { describeWithReal } from './support/real-components.js';
import {
  copyExample,
  removeExample,
  startServiceUnderLoad,
  waitForP95,
  type ServiceUnderLoad,
} from './support/remediation-example.js';

describeWithReal(prometheus, 'the remediation example against the real carts app and Prometheus', (found) => {
  let service: ServiceUnderLoad;
  let root: string;

  beforeAll(async () => {
    root = copyExample();
    service = await startServiceUnderLoad(found.bin);
  }, 40_000);

  afterAll(async () => {
    await service?.stop();
    await cleanUpDemo();
    removeExample(root);
  });

  it("fails the example's SLO while promotions are on (ci-connect evaluate, real Prometheus)", async () => {
    await waitForP95(service, 5, (ms) => ms > 250);
    const run = await runCli(
      ['evaluate', '--config-dir', '.ci-connect', '--service', 'carts', '--timeframe', '1m', '--json'],
      { cwd: root, env: { PROMETHEUS_URL: service.prometheus.url } },
    );
    expect(run.exitCode, run.stderr).toBe(1);
    const evaluation = JSON.parse(run.stdout) as {
      objectives: { sli: string; value: number; status: string }[];
    };
    const p95 = evaluation.objectives.find((o) => o.sli === 'response_time_p95');
    expect(p95).toMatchObject({ status: 'fail' });
    expect(p95?.value).toBeGreaterThan(250);
    expect(evaluation.objectives.find((o) => o.sli === 'error_rate')).toMatchObject({ status: 'pass' });
  });

  it('the toggle-feature script turns promotions off, and the latency really drops', async () => {
    const script = path.join(root, 'scripts/toggle-feature.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, [script], {
      cwd: root,
      env: {
        FEATURE_FLAGS_URL: service.appUrl,
        CI_CONNECT_ACTION_VALUE: JSON.stringify({ EnablePromotion: 'off' }),
        CI_CONNECT_PROBLEM_ID: 'P-1',
      },
    });
    expect(stdout).toBe('EnablePromotion is now off (problem P-1)\n');
    expect(await (await fetch(`${service.appUrl}/flags`)).json()).toEqual({ EnablePromotion: 'off' });
    expect(await waitForP95(service, 3, (ms) => ms < 50)).toBeLessThan(50);
    await service.setFlag('EnablePromotion', 'on');
    expect(await waitForP95(service, 3, (ms) => ms > 250)).toBeGreaterThan(250);
  }, 60_000);

  it('the toggle-feature script fails with the reason for an unknown flag or a value that is not a mapping', async () => {
    const script = path.join(root, 'scripts/toggle-feature.mjs');
    const run = (value: string) =>
      promisify(execFile)(process.execPath, [script], {
        env: { FEATURE_FLAGS_URL: service.appUrl, CI_CONNECT_ACTION_VALUE: value },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      );
    expect(await run('{"EnablePromotions":"off"}')).toEqual({
      code: 1,
      stderr:
        'toggle-feature: setting EnablePromotions to off failed (HTTP 400): {"error":"unknown flag \\"EnablePromotions\\" (known: EnablePromotion)"}\n',
    });
    expect(await run('"off"')).toEqual({
      code: 1,
      stderr: 'toggle-feature: the action\'s value must be a mapping of flag names to "on" or "off"\n',
    });
    expect(await (await fetch(`${service.appUrl}/flags`)).json()).toEqual({ EnablePromotion: 'on' });
  });
});
