import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../environment.js';
import { UsageError } from '../errors.js';
import { openHistoryStore } from '../history/open-store.js';
import { createRedactor } from '../redaction/redaction.js';
import { makeEvaluationRecord } from '../test-support/records.js';
import type { Host } from './host.js';
import { report } from './report.js';

function host(cwd: string): Host {
  return {
    cwd,
    env: {},
    clock: { now: () => new Date('2026-11-24T12:00:00.000Z') },
    logger: createMemoryLogger(),
    redactor: createRedactor(),
    signal: new AbortController().signal,
    runProcess: () => Promise.reject(new Error('no process in these tests')),
    newId: () => 'id',
  };
}

const SLO = `spec_version: "1.0"
objectives:
  - sli: response_time_p95
    pass: [{criteria: ["<600"]}]
total_score: {pass: "90%", warning: "75%"}
`;

/** A project whose ci-connect.yaml names project and stage, with one service and five evaluations. */
async function project(): Promise<{ dir: string; history: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-report-'));
  mkdirSync(path.join(dir, '.ci-connect/base/carts'), { recursive: true });
  writeFileSync(
    path.join(dir, '.ci-connect/ci-connect.yaml'),
    'project: sockshop\ndefaults: {stage: hardening}\n',
  );
  writeFileSync(path.join(dir, '.ci-connect/base/carts/slo.yaml'), SLO);
  const history = path.join(dir, '.ci-connect/history.jsonl');
  const store = openHistoryStore(`file:${history}`, { baseDir: dir, logger: createMemoryLogger() });
  for (let n = 1; n <= 5; n++)
    await store.append(makeEvaluationRecord({ id: `e${n}`, evaluatedAt: `2026-11-2${n}T10:00:00.000Z` }));
  await store.append(makeEvaluationRecord({ id: 'other-stage', stage: 'production' }));
  await store.invalidate('e4', 'a broken test run');
  return { dir, history };
}

describe('report', () => {
  it('resolves project, stage and service as other commands do, and writes the page with the SLO thresholds', async () => {
    const { dir } = await project();
    const { report: written, exitCode } = await report(
      { configDir: '.ci-connect', outDir: 'out' },
      host(dir),
    );
    expect(exitCode).toBe(0);
    expect(written).toMatchObject({
      kind: 'report',
      project: 'sockshop',
      stage: 'hardening',
      service: 'carts',
      evaluations: 5,
      invalidated: 1,
      newest: { id: 'e5', result: 'pass', score: 100 },
      files: [path.join(dir, 'out/index.html'), path.join(dir, 'out/report.css')],
    });
    const page = readFileSync(path.join(dir, 'out/index.html'), 'utf8');
    expect(page).toContain('pass ≥ 90</text>');
    expect(page).toContain('warning ≥ 75</text>');
    expect(page.match(/<th scope="col" class="ev/g)).toHaveLength(5);
    expect(page).toContain('<th scope="col" class="ev x">');
  });

  it('takes the newest --last evaluations', async () => {
    const { dir } = await project();
    const { report: written } = await report({ configDir: '.ci-connect', outDir: 'out', last: 2 }, host(dir));
    expect(written.evaluations).toBe(2);
    expect(written.invalidated).toBe(1);
  });

  it('needs no config directory with --history and --service; without an SLO it draws no thresholds', async () => {
    const { dir, history } = await project();
    const { report: written } = await report(
      {
        configDir: 'nowhere',
        history: `file:${history}`,
        project: 'sockshop',
        stage: 'production',
        service: 'carts',
        outDir: 'out',
      },
      host(dir),
    );
    expect(written.evaluations).toBe(1);
    expect(readFileSync(path.join(dir, 'out/index.html'), 'utf8')).toContain('thresholds are not known here');
  });

  it('says so when nothing is recorded for that project, stage and service (exit 2), and writes nothing', async () => {
    const { dir } = await project();
    const failure = report({ configDir: '.ci-connect', stage: 'dev', outDir: 'out' }, host(dir));
    await expect(failure).rejects.toThrow(UsageError);
    await expect(failure).rejects.toThrow(
      /no evaluation of service "carts" in stage "dev" of project "sockshop" is recorded in .*history\.jsonl/,
    );
    expect(existsSync(path.join(dir, 'out/index.html'))).toBe(false);
  });

  it('asks which service when there is no config directory to find it in', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-report-'));
    await expect(report({ configDir: '.ci-connect', outDir: 'out' }, host(dir))).rejects.toThrow(
      /which service\?/,
    );
  });

  it('refuses an output path that is a file, naming --out', async () => {
    const { dir } = await project();
    writeFileSync(path.join(dir, 'out'), '');
    await expect(report({ configDir: '.ci-connect', outDir: 'out' }, host(dir))).rejects.toThrow(
      /--out .*out is a file, not a directory/,
    );
  });
});

describe('report and secrets', () => {
  it('masks a secret this process knows in what history holds', async () => {
    const { dir } = await project();
    const history = path.join(dir, '.ci-connect/history.jsonl');
    writeFileSync(
      history,
      `${JSON.stringify(makeEvaluationRecord({ id: 'leaky', labels: { note: 'token s3cr3t-t0ken-value' } }))}\n`,
    );
    const withSecret = { ...host(dir), redactor: createRedactor(['s3cr3t-t0ken-value']) };
    await report({ configDir: '.ci-connect', outDir: 'out' }, withSecret);
    const page = readFileSync(path.join(dir, 'out/index.html'), 'utf8');
    expect(page).not.toContain('s3cr3t-t0ken-value');
    expect(page).toContain('note=token ***');
  });
});
