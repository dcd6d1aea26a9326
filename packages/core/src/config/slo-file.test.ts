import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Comparison } from '../gate/types.js';
import { loadSloFile, parseSlo } from './slo-file.js';
import { expectDiagnostics, fixture, keptnExample } from './test-support/diagnostics.js';
import type { Expected } from './test-support/diagnostics.js';

const examples = readdirSync(dirname(keptnExample('SOURCES.md'))).filter(
  (f) => /slo/.test(f) && f !== 'examples_simplenodeservice_slo_empty.yaml',
);
const objective = 'objectives:\n  - sli: response_time_p95\n    pass:\n      - criteria: ["<600"]\n';
const slo = async (text: string) => parseSlo(text, 'slo.yaml');

describe('real Keptn SLO files', () => {
  it.each(examples)('%s loads without any diagnostic', async (name) => {
    const result = await loadSloFile(keptnExample(name));
    expect(result.diagnostics).toEqual([]);
    expect(result.slo?.objectives.length).toBeGreaterThan(0);
  });

  it('normalises the quickstart SLO with Keptn defaults', async () => {
    const { slo } = await loadSloFile(keptnExample('examples_quickstart_slo.yaml'));
    expect(slo?.comparison).toEqual({
      compareWith: 'single_result',
      includeResultWithScore: 'pass',
      numberOfComparisonResults: 1,
      aggregateFunction: 'avg',
    });
    expect(slo?.objectives.map((o) => [o.sli, o.displayName, o.weight, o.keySli, o.pass.length])).toEqual([
      ['http_response_time_seconds_main_page_sum', 'HTTP Response Time', 1, false, 1],
      ['request_throughput', 'Request Throughput', 1, false, 1],
      ['go_routines', 'Go Routines', 1, true, 1],
      ['failing_request', 'Failing Requests', 1, false, 1],
    ]);
    expect(slo?.objectives[1]?.pass[0]?.[0]).toEqual({
      raw: '>=-80%',
      operator: '>=',
      kind: 'relative',
      unit: 'percent',
      amount: -80,
    });
    expect(slo?.totalScore).toEqual({ pass: 90, warning: 75 });
  });

  it('reads objectives without criteria as informational, and an unquoted 75%', async () => {
    const { slo } = await loadSloFile(keptnExample('gitlab-tutorial_dynatrace_slo.yaml'));
    expect(slo?.objectives.map((o) => o.pass.length)).toEqual([1, 0, 0, 0, 0]);
    expect(slo?.totalScore.warning).toBe(75);
  });

  it('reads a document indented by two spaces, with filter: null', async () => {
    const { slo } = await loadSloFile(keptnExample('vhot-qg_carts-slo.yaml'));
    expect(slo?.filter).toEqual({});
    expect(slo?.objectives[1]?.pass[0]?.map((c) => c.raw)).toEqual(['<=+5%', '<0.5']);
  });

  it('rejects slo_empty.yaml (objectives null, no total_score) for exactly those reasons', async () => {
    const file = keptnExample('examples_simplenodeservice_slo_empty.yaml');
    const result = await loadSloFile(file);
    expect(result.slo).toBeUndefined();
    expect(result.diagnostics.every((d) => d.file === file)).toBe(true);
    expectDiagnostics(result.diagnostics, [
      [
        'error',
        '',
        'total_score',
        'no total_score: the SLO must say which score passes',
        'total_score: { pass:',
      ],
      [
        'error',
        '4:1',
        'objectives',
        'no objectives: an SLO needs at least one objective',
        'objectives: [{ sli:',
      ],
    ]);
  });
});

describe('broken SLO files', () => {
  const text = 'write e.g. "<=+10%", "<600" or ">=-5%"';
  it.each<[string, Expected[]]>([
    [
      'bad-criteria.yaml',
      [
        ['error', '11:26', 'objectives[1].pass[0].criteria[1]', '"=>5" is not a criterion'],
        ['error', '15:13', 'objectives[2].pass[0].criteria[0]', '"less than 10%" is not a criterion', text],
        [
          'error',
          '18:13',
          'objectives[2].warning[0].criteria[0]',
          '"<500ms" is not a criterion',
          'write "<500"',
        ],
        ['error', '19:13', 'objectives[2].warning[0].criteria[1]', '"600" is not a criterion', '"<=600"'],
      ],
    ],
    [
      'bad-values.yaml',
      [
        [
          'error',
          '4:17',
          'comparison.compare_with',
          '"several_result" is not one of single_result, several_results',
          'did you mean "several_results"?',
        ],
        [
          'error',
          '6:33',
          'comparison.number_of_comparison_results',
          'must be >= 0, not -2',
          'missing or 0 means 3',
        ],
        [
          'error',
          '7:23',
          'comparison.aggregate_function',
          '"p99" is not one of avg, p50, p90, p95',
          'Keptn computed a baseline of 0',
        ],
        ['error', '10:13', 'objectives[0].weight', 'must be >= 0, not -1', 'from 1 (missing or 0 means 1)'],
        ['error', '11:14', 'objectives[0].key_sli', 'must be true or false', 'without quotes'],
        ['error', '15:13', 'objectives[1].weight', 'must be a whole number, not 1.5'],
        [
          'error',
          '19:13',
          'objectives[2].weight',
          'must be a whole number, not text',
          'write the number without quotes',
        ],
        ['error', '20:14', 'objectives[2].key_sli', 'must be true or false'],
        ['error', '23:10', 'objectives[3].sli', 'must be text, not a list'],
        ['error', '24:11', 'objectives[3].pass', 'must be a list, not a mapping'],
        ['error', '26:9', 'total_score.pass', '"abc" is not a percentage from 0 to 100', 'pass: "90%"'],
        ['error', '27:12', 'total_score.warning', '"120%" is not a percentage from 0 to 100'],
      ],
    ],
    [
      'empty-criteria.yaml',
      [
        [
          'error',
          '4:19',
          'objectives[0].pass[0].criteria',
          'no criteria: each entry needs at least one criterion',
          'always met',
        ],
        ['error', '7:9', 'objectives[1].pass[0].criteria', 'no criteria'],
        ['error', '10:8', 'objectives[2].pass[0].criteria', 'no criteria'],
        ['error', '12:9', 'objectives[2].warning[0].criteria', 'no criteria'],
        ['warning', '13:4', 'objectives[3]', 'empty objective (ignored, as Keptn did)'],
        ['error', '14:10', 'objectives[4].sli', 'missing: every objective names the SLI it scores'],
        ['warning', '16:34', 'total_score.warning', 'the warning score 95% is above the pass score 90%'],
      ],
    ],
    [
      'no-total-score.yaml',
      [
        [
          'error',
          '',
          'total_score',
          'no total_score',
          'add e.g. total_score: { pass: "90%", warning: "75%" }',
        ],
      ],
    ],
    [
      'crlf.yaml',
      [['error', '8:13', 'objectives[0].pass[0].criteria[1]', '"<= 10 seconds" is not a criterion']],
    ],
  ])('%s', async (name, expected) => {
    const result = await loadSloFile(fixture('slo', name));
    expect(result.slo).toBeUndefined();
    expectDiagnostics(result.diagnostics, expected);
  });
});

describe('SLO files that load with warnings', () => {
  it('warns about unknown keys, suggesting the known key when one is close', async () => {
    const result = await loadSloFile(fixture('slo', 'unknown-keys.yaml'));
    expect(result.slo?.objectives[0]?.keySli).toBe(false);
    expectDiagnostics(result.diagnostics, [
      ['warning', '2:1', 'filters', 'unknown key "filters" (ignored)', 'did you mean "filter"?'],
      [
        'warning',
        '6:3',
        'comparison.aggregate_fn',
        'unknown key "aggregate_fn"',
        'known keys: compare_with, include_result_with_score',
      ],
      ['warning', '9:5', 'objectives[0].displayname', 'unknown key', 'did you mean "displayName"?'],
      ['warning', '10:5', 'objectives[0].key_slo', 'unknown key', 'did you mean "key_sli"?'],
      ['warning', '11:5', 'objectives[0].weigth', 'unknown key', 'did you mean "weight"?'],
      ['warning', '14:9', 'objectives[0].pass[0].critera', 'unknown key', 'did you mean "criteria"?'],
      ['warning', '17:3', 'total_score.warn', 'unknown key "warn"', 'known keys: pass, warning'],
    ]);
  });

  it('suggests "objectives" for "objectivs", and still says the objectives are missing', async () => {
    const result = await slo('objectivs:\n  - sli: a\ntotal_score: {pass: 90}\n');
    expectDiagnostics(result.diagnostics, [
      ['error', '', 'objectives', 'no objectives'],
      ['warning', '1:1', 'objectivs', 'unknown key "objectivs"', 'did you mean "objectives"?'],
    ]);
  });

  it('takes the last 3 results when compare_with is missing, whatever number_of_comparison_results says, as Keptn did', async () => {
    const result = await loadSloFile(fixture('slo', 'missing-compare-with.yaml'));
    expect(result.slo?.comparison).toEqual({
      compareWith: 'several_results',
      numberOfComparisonResults: 3,
      includeResultWithScore: 'all',
      aggregateFunction: 'p90',
    });
    expectDiagnostics(result.diagnostics, [
      [
        'warning',
        '1:1',
        'comparison',
        'compare_with is missing: Keptn then compared with the last 3 evaluations, and so does ci-connect',
        'write compare_with: several_results or single_result',
      ],
      [
        'warning',
        '3:33',
        'comparison.number_of_comparison_results',
        'ignored: without compare_with Keptn used the last 3 evaluations, whatever this says',
        'write compare_with: several_results to use the last 5',
      ],
    ]);
  });

  it('reads informational objectives and stringifies filter values as written', async () => {
    const result = await loadSloFile(fixture('slo', 'informational.yaml'));
    expect(result.slo?.filter).toEqual({ version: '1.50', canary: 'true', empty: '' });
    expect(result.slo?.objectives[1]).toMatchObject({ sli: 'throughput', pass: [], weight: 3, keySli: true });
    expect(result.slo?.totalScore).toEqual({ pass: 90.5, warning: null });
    expectDiagnostics(result.diagnostics, [
      [
        'warning',
        '11:5',
        'objectives[1].warning',
        'ignored: an objective without pass criteria is informational',
      ],
      ['warning', '13:5', 'objectives[1].key_sli', 'no effect'],
    ]);
  });

  it('follows anchors, aliases and merge keys', async () => {
    const result = await loadSloFile(fixture('slo', 'anchors.yaml'));
    expect(result.diagnostics).toEqual([]);
    expect(result.slo?.objectives.map((o) => [o.sli, o.weight, o.pass[0]?.map((c) => c.raw)])).toEqual([
      ['response_time_p95', 2, ['<=+10%', '<600']],
      ['response_time_p90', 2, ['<=+10%', '<600']],
      ['error_rate', 1, ['<=+10%', '<600']],
    ]);
  });

  it('drops null objectives with a warning', async () => {
    const result = await slo(
      `objectives:\n  -\n  - sli: a\n    pass: [{criteria: ["<1"]}]\ntotal_score: {pass: 90}\n`,
    );
    expect(result.slo?.objectives.map((o) => o.sli)).toEqual(['a']);
    expectDiagnostics(result.diagnostics, [['warning', '2:4', 'objectives[0]', 'empty objective']]);
  });
});

describe('Keptn defaults', () => {
  const base = (n: number): Comparison => ({
    compareWith: n === 1 ? 'single_result' : 'several_results',
    includeResultWithScore: 'all',
    numberOfComparisonResults: n,
    aggregateFunction: 'avg',
  });
  it.each<[string, Comparison, number]>([
    ['', base(1), 0],
    ['comparison:\n', base(1), 0],
    ['comparison: {compare_with: single_result}\n', base(1), 0],
    ['comparison: {compare_with: single_result, number_of_comparison_results: 5}\n', base(1), 1],
    ['comparison: {compare_with: several_results}\n', base(3), 0],
    ['comparison: {compare_with: several_results, number_of_comparison_results: 0}\n', base(3), 0],
    ['comparison: {compare_with: several_results, number_of_comparison_results: 5}\n', base(5), 0],
    ['comparison: {}\n', base(3), 1],
    ['comparison: {number_of_comparison_results: 3}\n', base(3), 1],
    ['comparison: {number_of_comparison_results: 1}\n', base(3), 2],
    ['comparison: {compare_with: null, number_of_comparison_results: 7}\n', base(3), 2],
    [
      'comparison: {compare_with: single_result, include_result_with_score: pass_or_warn, aggregate_function: p95}\n',
      { ...base(1), includeResultWithScore: 'pass_or_warn', aggregateFunction: 'p95' },
      0,
    ],
  ])('%j', async (comparison, expected, warnings) => {
    const result = await slo(`${comparison}${objective}total_score: {pass: 90}\n`);
    expect(result.slo?.comparison).toEqual(expected);
    expect(result.diagnostics.filter((d) => d.severity === 'warning')).toHaveLength(warnings);
  });

  it.each([
    ['{pass: "90%", warning: "75%"}', { pass: 90, warning: 75 }],
    ['{pass: "90"}', { pass: 90, warning: null }],
    ['{pass: 90, warning: ""}', { pass: 90, warning: null }],
    ['{pass: 90.5, warning: 0}', { pass: 90.5, warning: 0 }],
    ['{pass: 100%, warning: 50 %}', { pass: 100, warning: 50 }],
  ])('total_score %s', async (total, expected) => {
    const result = await slo(`${objective}total_score: ${total}\n`);
    expect(result.diagnostics).toEqual([]);
    expect(result.slo?.totalScore).toEqual(expected);
  });

  it.each([
    ['{warning: 50}', 'total_score.pass', 'missing: the score that passes'],
    ['{pass: -5}', 'total_score.pass', '"-5" is not a percentage'],
    ['{pass: true}', 'total_score.pass', '"true" is not a percentage'],
    ['[90]', 'total_score', 'must be a mapping (key: value), not a list'],
    ['', 'total_score', 'no total_score'],
  ])('total_score %j is an error', async (total, path, message) => {
    const result = await slo(`${objective}total_score: ${total}\n`);
    expect(result.slo).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.path, d.message.slice(0, message.length)])).toEqual([
      [path, message],
    ]);
  });

  it.each([
    ['', 1, false, ''],
    ['    weight: 0\n    key_sli: yes\n    displayName: 404\n', 1, true, '404'],
    ['    weight: 2\n    key_sli: off\n    displayName:\n', 2, false, ''],
    ['    weight: 1.0\n    key_sli: true\n', 1, true, ''],
  ])('objective defaults %j', async (extra, weight, keySli, displayName) => {
    const result = await slo(`${objective}${extra}total_score: {pass: 90}\n`);
    expect(result.diagnostics).toEqual([]);
    expect(result.slo?.objectives[0]).toMatchObject({ weight, keySli, displayName, warning: [] });
  });
});
