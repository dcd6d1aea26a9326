import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLI_PROVIDERS } from '../providers/registry.js';
import { loadSliFile, parseSli } from './sli-file.js';
import type { QueryChecker } from './sli-file.js';
import { expectDiagnostics, fixture, keptnExample } from './test-support/diagnostics.js';

const examples = readdirSync(dirname(keptnExample('SOURCES.md'))).filter((f) => /sli/.test(f));

describe('real Keptn SLI files', () => {
  it.each(examples)('%s loads without any diagnostic', async (name) => {
    const result = await loadSliFile(keptnExample(name));
    expect(result.diagnostics).toEqual([]);
    expect(Object.keys(result.sli?.indicators ?? {}).length).toBeGreaterThan(0);
  });

  it('keeps queries verbatim, with the position of each name', async () => {
    const file = keptnExample('examples_onboarding-carts_sli-config-dynatrace.yaml');
    const { sli } = await loadSliFile(file);
    expect(sli?.file).toBe(file);
    expect(sli?.indicators.throughput).toEqual({
      query:
        'metricSelector=builtin:service.requestCount.total:merge("dt.entity.service"):sum&entitySelector=type(SERVICE),tag(keptn_project:$PROJECT),tag(keptn_stage:$STAGE),tag(keptn_service:$SERVICE),tag(keptn_deployment:$DEPLOYMENT)',
      line: 4,
      column: 3,
    });
  });
});

describe('broken SLI files', () => {
  it('says there are no indicators, and suggests the misspelt key', async () => {
    const result = await loadSliFile(fixture('sli', 'no-indicators.yaml'));
    expect(result.sli).toBeUndefined();
    expectDiagnostics(result.diagnostics, [
      ['error', '', 'indicators', 'no indicators: an SLI file maps SLI names to queries', 'indicators: {'],
      ['warning', '2:1', 'indicator', 'unknown key "indicator"', 'did you mean "indicators"?'],
    ]);
  });

  it.each([
    ['indicators: {}\n', '1:1'],
    ['indicators:\n', '1:1'],
    ['spec_version: "1.0"\n', ''],
  ])('%j has no indicators', async (text, at) => {
    const result = await parseSli(text);
    expectDiagnostics(result.diagnostics, [['error', at, 'indicators', 'no indicators']]);
  });

  it('reports empty names, missing queries and lists, reading other scalars as written', async () => {
    const result = await loadSliFile(fixture('sli', 'bad-values.yaml'));
    expect(result.sli).toBeUndefined();
    expectDiagnostics(result.diagnostics, [
      ['error', '3:3', 'indicators[""]', 'an indicator needs a name'],
      ['error', '4:3', 'indicators.throughput', 'no query'],
      ['error', '6:5', 'indicators.error_rate', 'must be text, not a list'],
      ['error', '9:3', 'indicators.response_time_p95', 'no query'],
    ]);
  });

  it('stringifies numbers as Go did (map[string]string)', async () => {
    const result = await parseSli('indicators:\n  answer: 42\n  ratio: 0.50\n  flag: true\n');
    expect(Object.entries(result.sli?.indicators ?? {}).map(([k, v]) => [k, v.query])).toEqual([
      ['answer', '42'],
      ['ratio', '0.50'],
      ['flag', 'true'],
    ]);
  });
});

describe('provider query checks', () => {
  // The real jmeter checker, so the fixture stays valid jmeter syntax apart from its one bad query.
  const checkQuery: QueryChecker = (query) => {
    const check = SLI_PROVIDERS.get('jmeter')?.checkQuery;
    if (check === undefined) throw new Error('the jmeter provider has no query checker');
    return check(query);
  };

  it('reports a bad query at its own line and column', async () => {
    const result = await loadSliFile(fixture('sli', 'jmeter.yaml'), { checkQuery });
    expect(result.sli).toBeUndefined();
    expectDiagnostics(result.diagnostics, [
      ['error', '5:17', 'indicators.checkout_p95', 'unknown measure "p95x"', 'measure is one of samples'],
    ]);
  });

  it('loads the same file without a checker', async () => {
    const result = await loadSliFile(fixture('sli', 'jmeter.yaml'));
    expect(Object.keys(result.sli?.indicators ?? {})).toEqual(['login_p95', 'login_errors', 'checkout_p95']);
  });

  it('keeps the file when the checker only warns (a query that runs, or fails only its own SLI)', async () => {
    const text = 'indicators:\n  a: old form\n  b: fine\n';
    const result = await parseSli(text, 'sli.yaml', {
      checkQuery: (q) =>
        q === 'old form' ? { message: 'old', hint: 'new', severity: 'warning' } : undefined,
    });
    expect(Object.keys(result.sli?.indicators ?? {})).toEqual(['a', 'b']);
    expect(result.diagnostics.map((d) => [d.severity, d.path, d.line, d.column, d.message])).toEqual([
      ['warning', 'indicators.a', 2, 6, 'old'],
    ]);
  });

  it('also checks queries reached through an alias', async () => {
    const text = 'indicators:\n  a: &q broken\n  b: *q\n';
    const result = await parseSli(text, 'sli.yaml', { checkQuery: () => ({ message: 'bad' }) });
    expect(result.diagnostics.map((d) => [d.path, d.line, d.column])).toEqual([
      ['indicators.a', 2, 9],
      ['indicators.b', 3, 6],
    ]);
  });
});
