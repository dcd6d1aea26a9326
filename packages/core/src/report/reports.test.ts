import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../errors.js';
import { makeObjectiveResult } from '../test-support/records.js';
import type { EvaluationRecord, ObjectiveResult, TargetResult } from '../gate/types.js';
import { formatDelta, formatNumber, formatTargets } from './format.js';
import { renderJunit } from './junit.js';
import { renderMarkdownSummary } from './markdown.js';
import { prepareReportDir, writeReports } from './write-reports.js';

const objective = (partial: Partial<ObjectiveResult>) =>
  makeObjectiveResult({ provider: 'jmeter', ...partial });

const evaluation: EvaluationRecord = {
  schemaVersion: 1,
  id: '6f1c2a4e-0000-4000-8000-000000000001',
  kind: 'evaluation',
  project: 'sockshop',
  stage: 'hardening',
  service: 'carts',
  version: '1.4.2',
  labels: { buildId: '812' },
  start: '2026-11-22T10:00:00.000Z',
  end: '2026-11-22T10:05:00.000Z',
  evaluatedAt: '2026-11-22T10:07:00.000Z',
  result: 'fail',
  score: 37.5,
  objectives: [
    objective({
      sli: 'response_time_p95',
      displayName: 'Response time P95',
      value: 612.4,
      comparedValue: 480.1,
      status: 'fail',
      score: 0,
      passTargets: [
        { criteria: '<=+10%', targetValue: 528.11, violated: true },
        { criteria: '<600', targetValue: 600, violated: true },
      ],
      warningTargets: [{ criteria: '<=800', targetValue: 800, violated: false }],
    }),
    objective({
      sli: 'error_rate',
      value: 1.5,
      status: 'warning',
      score: 0.5,
      passTargets: [{ criteria: '<=1', targetValue: 1, violated: true }],
    }),
    objective({ sli: 'throughput', value: 212.3, status: 'info', score: 0 }),
    objective({
      sli: 'errors|<odd>',
      value: null,
      status: 'fail',
      score: 0,
      keySli: true,
      message: 'no data: label "x" matched no sample',
    }),
  ],
  comparedEvaluations: ['a', 'b'],
  message: 'key SLI "errors|<odd>" failed',
  invalidated: false,
};

describe('formatting', () => {
  it.each([
    [612, '612'],
    [612.456, '612.46'],
    [0.001234, '0.00123'],
    [2.5, '2.5'],
    [null, '—'],
    [0, '0'],
  ])('formatNumber(%s) = %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it('shows the threshold of relative criteria only, however they are spaced', () => {
    expect(
      formatTargets([
        { criteria: '< = +10', targetValue: 110, violated: false },
        { criteria: '<600', targetValue: 600, violated: true },
      ]),
    ).toBe('< = +10 (110), ✗ <600');
  });

  it('shows targets with their thresholds and marks violated ones', () => {
    expect(
      formatTargets([
        { criteria: '<=+10%', targetValue: 528.11, violated: true },
        { criteria: '<=+5%', targetValue: null, violated: false },
      ]),
    ).toBe('✗ <=+10% (528.11), <=+5% (no baseline)');
  });

  const t = (criteria: string, alternative?: number, violated = false): TargetResult => ({
    criteria,
    targetValue: criteria === '<=+10%' ? 528.11 : Number(criteria.replace(/[<>=]/g, '')),
    violated,
    ...(alternative === undefined ? {} : { alternative }),
  });
  it.each<[string, TargetResult[], string]>([
    ['one criterion', [t('<600', 0)], '<600'],
    ['AND within one alternative', [t('<=+10%', 0), t('<600', 0)], '<=+10% (528.11) and <600'],
    ['OR between alternatives', [t('<=+10%', 0), t('<600', 1)], '<=+10% (528.11) or <600'],
    [
      'an alternative of several criteria in parentheses',
      [t('<=+10%', 0, true), t('<600', 0), t('<=800', 1, true)],
      '(✗ <=+10% (528.11) and <600) or ✗ <=800',
    ],
    [
      'every alternative of several criteria in parentheses',
      [t('<1', 0), t('<2', 0), t('<3', 1), t('<4', 1), t('<5', 2)],
      '(<1 and <2) or (<3 and <4) or <5',
    ],
    [
      'alternatives grouped by index, in order of appearance',
      [t('<1', 1), t('<2', 0), t('<3', 1)],
      '(<1 and <3) or <2',
    ],
    ['no alternatives recorded (an old record, a Keptn import): as before', [t('<1'), t('<2')], '<1, <2'],
    ['some without an alternative: as before', [t('<1', 0), t('<2')], '<1, <2'],
    ['an alternative that is no index: as before', [t('<1', 0), t('<2', -1)], '<1, <2'],
    ['nothing', [], ''],
  ])('joins %s', (_name, targets, text) => {
    expect(formatTargets(targets)).toBe(text);
  });

  it.each([
    [{ value: 612.4, comparedValue: 480.1 }, '+132.3 (+27.56%)'],
    [{ value: 400, comparedValue: 500 }, '-100 (-20%)'],
    [{ value: 5, comparedValue: 0 }, '+5'],
    [{ value: 5, comparedValue: null }, ''],
  ])('formatDelta(%j) = %s', (o, text) => {
    expect(formatDelta(o)).toBe(text);
  });
});

describe('renderMarkdownSummary', () => {
  const md = renderMarkdownSummary(evaluation);
  it('heads with the result, service, version and stage', () => {
    expect(md.split('\n')[0]).toBe('## ❌ Quality gate fail: carts 1.4.2 in hardening');
    expect(md).toContain('**Score 37.5%**');
  });
  it('has one table row per objective, with pipes escaped', () => {
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| |'));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain('Response time P95 (response_time_p95)');
    expect(rows[0]).toContain('✗ <=+10% (528.11)');
    expect(rows[0]).toContain('+132.3 (+27.56%)');
    expect(rows[3]).toContain('errors\\|<odd> 🔑');
    expect(rows[3]).toContain('— no data');
  });
  it('says how many evaluations were compared', () => {
    expect(md).toContain('Compared with 2 earlier evaluations.');
    expect(md).toContain('`buildId=812`');
  });
});

describe('renderJunit', () => {
  const xml = renderJunit(evaluation);
  it('has one test case per objective and one for the gate: failures, skipped info, warnings as output', () => {
    expect(xml.match(/<testcase /g)).toHaveLength(5);
    expect(xml).toContain('failures="3"');
    expect(xml).toContain('<testcase classname="carts" name="quality gate (score 37.5%)">');
    expect(xml).toContain('skipped="1"');
    expect(xml).toContain('<system-out>warning: value 1.5');
    expect(xml).toContain('<failure message="response_time_p95 failed"');
  });
  it('fails the gate case when the gate fails on its score alone', () => {
    const onScore = renderJunit({
      ...evaluation,
      result: 'fail',
      objectives: [objective({ status: 'warning', score: 0.5 })],
      message: 'score 50 is below the warning target 75',
    });
    expect(onScore).toContain('failures="1"');
    expect(onScore).toContain(
      '<failure message="quality gate failed" type="gate">score 50 is below the warning target 75</failure>',
    );
  });

  it('escapes XML', () => {
    expect(xml).toContain('errors|&lt;odd&gt;');
    expect(xml).not.toMatch(/name="[^"]*<odd/);
  });
});

describe('OR-ed alternatives and AND-ed criteria', () => {
  const withAlternatives: EvaluationRecord = {
    ...evaluation,
    objectives: [
      objective({
        sli: 'response_time_p95',
        value: 612.4,
        comparedValue: 480.1,
        status: 'warning',
        score: 0.5,
        passTargets: [
          { criteria: '<=+10%', targetValue: 528.11, violated: true, alternative: 0 },
          { criteria: '<600', targetValue: 600, violated: true, alternative: 0 },
          { criteria: '<550', targetValue: 550, violated: true, alternative: 1 },
        ],
        warningTargets: [
          { criteria: '<=800', targetValue: 800, violated: false, alternative: 0 },
          { criteria: '<=900', targetValue: 900, violated: false, alternative: 0 },
        ],
      }),
    ],
  };
  const pass = '(✗ <=+10% (528.11) and ✗ <600) or ✗ <550';
  const warning = '<=800 and <=900';

  it('look different in the Markdown summary', () => {
    const row = renderMarkdownSummary(withAlternatives)
      .split('\n')
      .find((l) => l.includes('response_time_p95'));
    expect(row).toContain(`| ${pass} | ${warning} |`);
  });
  it('look different in JUnit messages', () => {
    const xml = (text: string) => text.replaceAll('<', '&lt;');
    expect(renderJunit(withAlternatives)).toContain(`pass: ${xml(pass)}; warning: ${xml(warning)}`);
  });
  it('are listed as before for a record without alternatives (old, or imported from Keptn)', () => {
    const row = renderMarkdownSummary(evaluation)
      .split('\n')
      .find((l) => l.includes('response_time_p95'));
    expect(row).toContain('| ✗ <=+10% (528.11), ✗ <600 | <=800 |');
  });
});

describe('prepareReportDir', () => {
  it('creates the directory', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'reports-')), 'a', 'b');
    await prepareReportDir(dir);
    await expect(writeReports(dir, evaluation)).resolves.toHaveLength(3);
  });
  it('refuses a file, before anything is evaluated', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'reports-'));
    writeFileSync(join(parent, 'slo.yaml'), '');
    await expect(prepareReportDir(join(parent, 'slo.yaml'))).rejects.toThrow('is a file, not a directory');
    await expect(prepareReportDir(join(parent, 'slo.yaml', 'x'))).rejects.toThrow(UsageError);
  });
});

describe('writeReports', () => {
  it('writes the three files', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'reports-')), 'nested', 'out');
    const written = await writeReports(dir, evaluation);
    expect(written.map((p) => p.slice(dir.length + 1))).toEqual([
      'evaluation.json',
      'summary.md',
      'junit.xml',
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'evaluation.json'), 'utf8'))).toEqual(evaluation);
  });
  it('says which directory it could not write', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'reports-'));
    writeFileSync(join(parent, 'file'), '');
    await expect(writeReports(join(parent, 'file', 'out'), evaluation)).rejects.toThrow(ConfigError);
  });
});
