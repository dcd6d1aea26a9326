// The bundled demo under real load: the demo carts app on a free port, real JMeter (Debian's
// 2.13 through ../shared/tools/jmeter, or JMETER_BIN) running the demo's own plan, and the
// result file checked as CSV. Parsing here is deliberately naive and independent of the
// project's JTL reader, so a bug there cannot hide a bug here.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUpDemo as cleanUp, loadTestDemoApp, makeTempDir } from './support/demo-app.js';
import { describeWithReal, findJmeter, jmeter } from './support/real-components.js';

const labels = ['GET /carts/{id}', 'POST /carts/{id}/items', 'GET /carts/{id}/items'];
const vuCount = 2;
const loopCount = 50;
// 2 threads x 50 iterations x 3 samplers = 300 samples; the app fails every 50th POST.
const expectedSamples = vuCount * loopCount * labels.length;
const expectedFailures = Math.floor((vuCount * loopCount) / 50);

interface Sample {
  readonly label: string;
  readonly elapsed: number;
  readonly success: boolean;
  readonly responseCode: string;
}

interface LoadRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly header: string[];
  readonly samples: Sample[];
  readonly log: string;
}

/** Splits CSV into rows of fields; handles quoted fields with commas and doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

function toSamples(header: string[], rows: string[][]): Sample[] {
  const column = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`no ${name} column in ${header.join(',')}`);
    return index;
  };
  const [label, elapsed, success, code] = ['label', 'elapsed', 'success', 'responseCode'].map(column);
  return rows.map((fields) => ({
    label: fields[label!] ?? '',
    elapsed: Number(fields[elapsed!]),
    success: fields[success!] === 'true',
    responseCode: fields[code!] ?? '',
  }));
}

async function loadTest(bin: string, appArgs: string[]): Promise<LoadRun> {
  const run = await loadTestDemoApp(bin, appArgs, { vuCount, loopCount });
  const [header = [], ...rows] = parseCsv(await readFile(run.jtl, 'utf8').catch(() => ''));
  const log = await readFile(run.logFile, 'utf8').catch(() => '');
  // No result file at all: the exit code and stdout assertions say why, not a missing column.
  return {
    exitCode: run.exitCode,
    stdout: run.stdout,
    header,
    samples: header.length > 0 ? toSamples(header, rows) : [],
    log,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const elapsedOf = (samples: Sample[], label?: string) =>
  samples.filter((s) => label === undefined || s.label === label).map((s) => s.elapsed);

describeWithReal(jmeter, 'demo performance plan under real JMeter', ({ bin }) => {
  let normal: LoadRun;
  let slowed: LoadRun;

  // Two JMeter runs in all (a JVM start costs seconds here), one after the other so they do
  // not compete for the CPU and distort each other's timings.
  beforeAll(async () => {
    normal = await loadTest(bin, []);
    slowed = await loadTest(bin, ['--slowdown', '4']);
  }, 120_000);
  afterAll(cleanUp);

  it('exits 0 and logs no JMeter errors', () => {
    expect(normal.exitCode, normal.stdout).toBe(0);
    expect(normal.log).toContain('Notifying test listeners of end of test');
    expect(normal.log.split('\n').filter((line) => / ERROR - /.test(line))).toEqual([]);
  });

  it('writes CSV with a header line and one row per sample: VUCount x LoopCount x samplers', () => {
    expect(normal.header.slice(0, 3)).toEqual(['timeStamp', 'elapsed', 'label']);
    expect(normal.header).toEqual(expect.arrayContaining(['success', 'responseCode', 'Latency', 'Connect']));
    expect(normal.samples).toHaveLength(expectedSamples);
    expect(normal.stdout).toMatch(new RegExp(`summary = +${expectedSamples} in`));
    expect(normal.samples.every((s) => Number.isFinite(s.elapsed) && s.elapsed >= 0)).toBe(true);
  });

  it('names each sample by its sampler label, LoopCount times per thread', () => {
    const counts = Object.fromEntries(labels.map((label) => [label, 0]));
    for (const sample of normal.samples) counts[sample.label] = (counts[sample.label] ?? 0) + 1;
    expect(counts).toEqual(Object.fromEntries(labels.map((label) => [label, vuCount * loopCount])));
  });

  it("records the app's deterministic failures: every 50th POST answers 500", () => {
    const failures = normal.samples.filter((s) => !s.success);
    expect(failures).toHaveLength(expectedFailures);
    expect(failures.every((s) => s.label === 'POST /carts/{id}/items' && s.responseCode === '500')).toBe(
      true,
    );
  });

  it('shows clearly higher elapsed times against the app started with --slowdown 4', () => {
    expect(slowed.exitCode, slowed.stdout).toBe(0);
    expect(slowed.samples).toHaveLength(expectedSamples);
    const ratio = median(elapsedOf(slowed.samples)) / median(elapsedOf(normal.samples));
    expect(ratio).toBeGreaterThanOrEqual(2);
    for (const label of labels) {
      expect(median(elapsedOf(slowed.samples, label)), label).toBeGreaterThan(
        1.5 * median(elapsedOf(normal.samples, label)),
      );
    }
  });
});

// The detection behind the skips above; no JMeter needed.
describe('findJmeter', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir('ci-connect-find-jmeter-');
    for (const name of ['jmeter', 'java']) {
      await writeFile(path.join(dir, name), '#!/bin/sh\n');
      await chmod(path.join(dir, name), 0o755);
    }
    await writeFile(path.join(dir, 'not-executable'), '');
  });
  afterAll(cleanUp);

  it('takes JMETER_BIN when it is executable and java is on PATH', () => {
    const bin = path.join(dir, 'jmeter');
    expect(findJmeter({ JMETER_BIN: bin, PATH: dir })).toEqual({
      available: true,
      bin,
      details: `JMETER_BIN=${bin}`,
    });
  });

  it.each([
    ['/nonexistent/jmeter', 'JMETER_BIN=/nonexistent/jmeter is not an executable file'],
    ['not-executable', 'JMETER_BIN=not-executable is not an executable file'],
  ])('reports JMETER_BIN=%s as missing', (value, reason) => {
    expect(findJmeter({ JMETER_BIN: value, PATH: dir })).toEqual({ available: false, reason });
  });

  it('reports a missing java', () => {
    expect(findJmeter({ JMETER_BIN: path.join(dir, 'jmeter'), PATH: '/nonexistent' })).toEqual({
      available: false,
      reason: 'no `java` on PATH',
    });
  });
});
