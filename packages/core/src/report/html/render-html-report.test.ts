import { describe, expect, it } from 'vitest';
import { makeEvaluationRecord, makeObjectiveResult } from '../../test-support/records.js';
import type { ObjectiveResult } from '../../gate/types.js';
import { renderHtmlReport } from './render-html-report.js';
import type { HtmlReportInput, ReportedEvaluation } from './report-model.js';

const responseTime = (
  value: number | null,
  status: ObjectiveResult['status'],
  extra: Partial<ObjectiveResult> = {},
) =>
  makeObjectiveResult({
    sli: 'response_time_p95',
    displayName: 'Response time P95',
    value,
    status,
    passTargets: [
      { criteria: '<=+10%', targetValue: 528.11, violated: status !== 'pass' },
      { criteria: '<600', targetValue: 600, violated: false },
    ],
    warningTargets: [{ criteria: '<=800', targetValue: 800, violated: false }],
    comparedValue: 480.1,
    ...extra,
  });

const errorRate = (value: number | null, status: ObjectiveResult['status'], message = '') =>
  makeObjectiveResult({
    sli: 'error_rate',
    value,
    status,
    keySli: true,
    message,
    passTargets: [{ criteria: '<=1', targetValue: 1, violated: status !== 'pass' }],
  });

const evaluation = (n: number, overrides: Partial<ReportedEvaluation>): ReportedEvaluation =>
  makeEvaluationRecord({
    id: `id-${n}`,
    version: `1.4.${n}`,
    evaluatedAt: `2026-11-2${n}T10:0${n}:00.000Z`,
    ...overrides,
  });

/** Newest first, as history returns them. */
const evaluations: ReportedEvaluation[] = [
  evaluation(3, {
    result: 'fail',
    score: 25,
    objectives: [
      responseTime(910.4, 'fail'),
      errorRate(null, 'fail', 'no data: no sample matched'),
      makeObjectiveResult({ sli: 'throughput', value: 212.3, status: 'info' }),
    ],
    labels: { ciJobUrl: 'https://gitlab.example.com/shop/carts/-/jobs/3', buildId: '812' },
  }),
  evaluation(2, {
    result: 'warning',
    score: 75,
    objectives: [responseTime(612.5, 'warning'), errorRate(0.4, 'pass')],
    pinned: true,
  }),
  evaluation(1, {
    result: 'pass',
    score: 100,
    objectives: [
      responseTime(512.25, 'pass'),
      errorRate(0.5, 'pass'),
      makeObjectiveResult({ sli: 'old_sli' }),
    ],
    invalidated: true,
  }),
];

const input: HtmlReportInput = {
  project: 'sockshop',
  stage: 'hardening',
  service: 'carts',
  evaluations,
  currentId: 'id-3',
  thresholds: { pass: 90, warning: 75 },
  generatedAt: '2026-11-24T12:00:00.000Z',
};

/** The heatmap's body rows, each as its cells' markup. */
function heatmapRows(page: string): string[][] {
  const body = /<table class="grid">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td[^>]*>[^<]*<\/td>/g)].map((c) => c[0]),
  );
}

describe('renderHtmlReport', () => {
  const files = renderHtmlReport(input);
  const page = files['index.html'];

  it('writes a page and its stylesheet, which the page links', () => {
    expect(Object.keys(files)).toEqual(['index.html', 'report.css']);
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<link rel="stylesheet" href="report.css">');
    expect(files['report.css']).toContain('.grid .f');
  });

  it('has no script, no style element and no style attribute (Jenkins CSP)', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<style/i);
    expect(page).not.toMatch(/\sstyle=/i);
    expect(page).not.toMatch(/\son[a-z]+=/i);
  });

  it('has one row per objective, newest SLO first, then objectives only older evaluations had', () => {
    const names = [...page.matchAll(/<th scope="row"><span class="obj">([^<]*)<\/span>/g)].map((m) => m[1]);
    expect(names).toEqual(['Response time P95', 'error_rate', 'throughput', 'old_sli']);
  });

  it('shows each cell as a status class, symbol and value, oldest evaluation first', () => {
    const [response, errors, throughput, old] = heatmapRows(page);
    expect(response).toEqual([
      '<td class="p x">✓ 512.25</td>',
      '<td class="w">! 612.5</td>',
      '<td class="f c">✗ 910.4</td>',
    ]);
    expect(errors?.[2]).toBe('<td class="f c" title="no data: no sample matched">✗ —</td>');
    expect(throughput).toEqual([
      '<td class="n x">·</td>',
      '<td class="n">·</td>',
      '<td class="i c">i 212.3</td>',
    ]);
    expect(old?.[0]).toBe('<td class="p x">✓ 1</td>');
  });

  it('shows the total score of each evaluation with its result', () => {
    expect(page).toContain('<td class="p x">✓ 100</td><td class="w">! 75</td><td class="f c">✗ 25</td>');
  });

  it('marks key SLIs, the current, pinned and invalidated evaluations', () => {
    expect(page).toMatch(
      /<span class="obj">error_rate<\/span> <abbr class="key" title="key SLI[^"]*">★<\/abbr>/,
    );
    const headers = [...page.matchAll(/<th scope="col" class="ev([^"]*)">[\s\S]*?<\/th>/g)].map((m) => m[0]);
    expect(headers).toHaveLength(3);
    expect(headers[0]).toContain('class="ev x"');
    expect(headers[0]).toContain('⊘');
    expect(headers[1]).toContain('class="ev k"');
    expect(headers[1]).toContain('⚑');
    expect(headers[2]).toContain('class="ev c"');
    expect(headers[2]).toContain('▶');
    expect(page).toContain('1 invalidated, 1 pinned');
  });

  it('sums up the current evaluation', () => {
    expect(page).toContain(
      '<span class="verdict f">✗ fail · score 25</span>This run: version <code>1.4.3</code>',
    );
  });

  it('links CI jobs from labels, and shows other labels as text', () => {
    expect(page).toContain(
      '<a class="ci" href="https://gitlab.example.com/shop/carts/-/jobs/3" rel="noopener noreferrer">ciJobUrl</a>',
    );
    expect(page).toContain('<code class="label">buildId=812</code>');
  });

  it('draws the score against the thresholds, and each objective against its targets and baseline', () => {
    expect(page).toContain('pass ≥ 90</text>');
    expect(page).toContain('warning ≥ 75</text>');
    expect(page.match(/<figure class="card">/g)).toHaveLength(4);
    const responseChart =
      /<figure class="card"><figcaption>Response time P95<\/figcaption>[\s\S]*?<\/figure>/.exec(page)?.[0] ??
      '';
    expect(responseChart.match(/class="line tp"/g)).toHaveLength(2);
    expect(responseChart.match(/class="line tw"/g)).toHaveLength(1);
    expect(responseChart.match(/class="line b"/g)).toHaveLength(1);
    expect(responseChart.match(/class="line v"/g)).toHaveLength(1);
    expect(responseChart.match(/<circle class="pt [pwf]"/g)).toHaveLength(3);
  });

  it('leaves out the threshold lines when they are not known, and says so', () => {
    const { thresholds: _, ...unknown } = input;
    const without = renderHtmlReport(unknown)['index.html'];
    expect(without).not.toContain('pass ≥');
    expect(without).toContain('thresholds are not known here');
  });

  it('charts the first objectives only when there are many, and says so', () => {
    const many = Array.from({ length: 45 }, (_, i) => makeObjectiveResult({ sli: `sli_${i}` }));
    const page45 = renderHtmlReport({ ...input, evaluations: [evaluation(1, { objectives: many })] })[
      'index.html'
    ];
    expect(page45.match(/<figure class="card">/g)).toHaveLength(40);
    expect(page45).toContain('These charts show the first 40 of 45 objectives;');
  });

  it('charts the newest 250 evaluations of a longer history, and says so; the score chart has them all', () => {
    const long = Array.from({ length: 260 }, (_, i) =>
      evaluation(1, { id: `e${i}`, objectives: [responseTime(i, 'pass')] }),
    );
    const pageLong = renderHtmlReport({ ...input, evaluations: long, currentId: 'e0' })['index.html'];
    expect(pageLong).toContain('These charts show the newest 250 of 260 evaluations;');
    const valueLine =
      /<figure class="card">[\s\S]*?<path class="line v" d="([^"]*)"/.exec(pageLong)?.[1] ?? '';
    expect(valueLine.match(/[ML]/g)).toHaveLength(250);
    // The newest evaluation (the current one) is the last point, highlighted.
    expect(pageLong.match(/<line class="now"/g)).toHaveLength(2);
    expect(pageLong.match(/<circle class="pt /g)).toHaveLength(260);
  });

  it('gives each objective on the same SLI its own row', () => {
    const twice = [responseTime(500, 'pass'), responseTime(500, 'warning', { displayName: 'P95, strict' })];
    const rows = heatmapRows(
      renderHtmlReport({ ...input, evaluations: [evaluation(1, { objectives: twice })] })['index.html'],
    );
    expect(rows).toEqual([['<td class="p">✓ 500</td>'], ['<td class="w">! 500</td>']]);
  });

  it('lists the service’s remediation steps, an action linked to its gate, and has no such section without any', () => {
    const withSteps = renderHtmlReport({
      ...input,
      remediations: [
        {
          step: 'resolved',
          actionIndex: 0,
          action: { name: 'Scale up', action: 'scaling' },
          result: 'pass',
          evaluationId: 'id-3',
          finishedAt: '2026-11-23T10:05:00.000Z',
          message: '"Scale up" (scaling) resolved problem P-1 "<b>slow</b>"',
          problem: { key: '-1_2V2', displayId: 'P-1', title: '<b>slow</b>' },
        },
        {
          step: 'action',
          actionIndex: 0,
          action: { name: 'Scale up', action: 'scaling' },
          result: 'fail',
          evaluationId: 'id-3',
          finishedAt: '2026-11-23T10:04:00.000Z',
          message: 'scaled from 1 to 2 replicas; quality gate fail (score 25%)',
          problem: { key: '-1_2V2', displayId: 'P-1', title: '<b>slow</b>' },
        },
      ],
    })['index.html'];
    const section = withSteps.slice(withSteps.indexOf('<h2 id="h-remediation">'));
    expect(section).toContain(
      '<tr><td>2026-11-23 10:04</td><td>P-1 &lt;b&gt;slow&lt;/b&gt;</td><td>action 1: Scale up (scaling) <a href="#e2">gate</a></td><td class="f">✗ fail<span class="msg">scaled from 1 to 2 replicas; quality gate fail (score 25%)</span></td></tr>',
    );
    expect(section).toContain('<td>resolved <a href="#e2">gate</a></td><td class="p">✓ pass');
    expect(page).not.toContain('h-remediation');
  });

  it('says when nothing is recorded', () => {
    expect(renderHtmlReport({ ...input, evaluations: [] })['index.html']).toContain(
      'No evaluation of carts in hardening (project sockshop) is recorded.',
    );
  });
});

describe('renderHtmlReport escapes what history holds', () => {
  const hostile = '<script>alert(1)</script>';
  const quote = '" onmouseover="alert(1)';
  const page = renderHtmlReport({
    ...input,
    project: hostile,
    stage: `${hostile}&`,
    service: quote,
    evaluations: [
      evaluation(1, {
        version: quote,
        message: hostile,
        labels: {
          [hostile]: 'x',
          link: 'javascript:alert(1)',
          data: 'data:text/html,<script>alert(1)</script>',
          odd: `https://example.com/?q="><script>alert(1)</script>`,
        },
        objectives: [
          makeObjectiveResult({
            sli: hostile,
            displayName: quote,
            message: quote,
            status: 'fail',
            value: null,
          }),
          makeObjectiveResult({
            sli: `${hostile}2`,
            passTargets: [{ criteria: hostile, targetValue: 1, violated: false }],
          }),
        ],
      }),
    ],
  })['index.html'];

  it('in text and attributes: no tag or attribute can be injected', () => {
    expect(page).not.toMatch(/<script/i);
    // An injected attribute needs a real quote to end the one before it.
    expect(page).not.toContain('" onmouseover=');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('title="&quot; onmouseover=&quot;alert(1)"');
  });

  it('links only http(s) URLs, escaped', () => {
    expect(page).not.toContain('href="javascript:');
    expect(page).not.toContain('href="data:');
    expect(page).toContain('<code class="label">link=javascript:alert(1)</code>');
    expect(page).toContain('href="https://example.com/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"');
  });
});
