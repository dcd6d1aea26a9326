import { describe, expect, it } from 'vitest';
import { makeEvaluationRecord, makeObjectiveResult } from '../test-support/records.js';
import { MARKDOWN_HEATMAP_COLUMNS, renderMarkdownHeatmap } from '../report/markdown-heatmap.js';
import { MAX_COMMENT_LENGTH, reviewCommentBody, stickyMarker } from './comment-body.js';

function evaluationAt(minute: number, overrides: Parameters<typeof makeEvaluationRecord>[0] = {}) {
  const at = new Date(Date.UTC(2026, 10, 22, 10, minute)).toISOString();
  return makeEvaluationRecord({
    id: `00000000-0000-4000-8000-${String(minute).padStart(12, '0')}`,
    version: `1.0.${minute}`,
    evaluatedAt: at,
    ...overrides,
  });
}

describe('the Markdown heatmap', () => {
  it('shows objectives by evaluation, oldest first, with status and value', () => {
    const older = evaluationAt(1, {
      result: 'fail',
      score: 0,
      objectives: [makeObjectiveResult({ sli: 'error_rate', value: 7.5, status: 'fail', score: 0 })],
    });
    const newer = evaluationAt(2, {
      objectives: [
        makeObjectiveResult({ sli: 'response_time_p95', displayName: 'p95', value: 412 }),
        makeObjectiveResult({ sli: 'error_rate', value: 0.5 }),
      ],
    });
    const text = renderMarkdownHeatmap([newer, older]);
    expect(text.split('\n')).toEqual([
      '| Objective | 1.0.1 | 1.0.2 |',
      '|---|---:|---:|',
      '| **Score** | ❌ 0% | ✅ 100% |',
      '| p95 (response_time_p95) |  | ✅ 412 |',
      '| error_rate | ❌ 7.5 | ✅ 0.5 |',
      '',
    ]);
  });

  it('is empty for a single evaluation and keeps only the newest columns', () => {
    expect(renderMarkdownHeatmap([evaluationAt(1)])).toBe('');
    const many = Array.from({ length: MARKDOWN_HEATMAP_COLUMNS + 5 }, (_, i) => evaluationAt(i));
    const header = renderMarkdownHeatmap(many).split('\n')[0] ?? '';
    expect(header).toContain(`1.0.${MARKDOWN_HEATMAP_COLUMNS + 4} |`);
    expect(header).not.toContain('1.0.4 |');
    expect(header.split('|').length - 3).toBe(MARKDOWN_HEATMAP_COLUMNS);
  });

  it('escapes table syntax in names', () => {
    const a = evaluationAt(1, {
      version: 'a|b',
      objectives: [makeObjectiveResult({ sli: 'x', displayName: 'p|q' })],
    });
    const text = renderMarkdownHeatmap([a, evaluationAt(2)]);
    expect(text).toContain('a\\|b');
    expect(text).toContain('p\\|q (x)');
  });
});

describe('the review comment body', () => {
  it('starts with a marker naming the gate, which no project name can end early', () => {
    expect(stickyMarker(makeEvaluationRecord())).toBe('<!-- ci-connect:gate sockshop/hardening/carts -->');
    const hostile = stickyMarker(makeEvaluationRecord({ project: 'a-->b c' }));
    expect(hostile).toBe('<!-- ci-connect:gate a--%3Eb%20c/hardening/carts -->');
    expect(hostile.indexOf('-->')).toBe(hostile.length - 3);
  });

  it('has the summary, and the heatmap of earlier evaluations of the same gate only', () => {
    const current = evaluationAt(3);
    const sameGate = evaluationAt(2);
    const otherStage = evaluationAt(1, { stage: 'production', version: '9.9.9' });
    const body = reviewCommentBody(current, [current, sameGate, otherStage]);
    expect(
      body.startsWith(`${stickyMarker(current)}\n## ✅ Quality gate pass: carts 1.0.3 in hardening`),
    ).toBe(true);
    expect(body).toContain('<summary>Recent evaluations</summary>');
    expect(body).toContain('| Objective | 1.0.2 | 1.0.3 |');
    expect(body).not.toContain('9.9.9');
    expect(reviewCommentBody(current, [otherStage])).not.toContain('Recent evaluations');
  });

  it('shows AND-ed criteria and OR-ed criteria lists apart', () => {
    const target = (criteria: string, alternative: number) => ({
      criteria,
      targetValue: Number(criteria.slice(1)),
      violated: false,
      alternative,
    });
    const objective = makeObjectiveResult({
      sli: 'rt',
      value: 150,
      passTargets: [target('<300', 0), target('>100', 0), target('<200', 1)],
    });
    const body = reviewCommentBody(evaluationAt(1, { objectives: [objective] }), []);
    expect(body).toContain('| (<300 and >100) or <200 |');
  });

  it('stays within the platforms’ limit: drops the heatmap first, then cuts the summary', () => {
    const longMessage = 'm'.repeat(MAX_COMMENT_LENGTH);
    const big = evaluationAt(2, { message: longMessage });
    const body = reviewCommentBody(big, [evaluationAt(1)]);
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(body).not.toContain('Recent evaluations');
    expect(body.endsWith('_… cut: the whole summary is in the job’s report._\n')).toBe(true);

    const objectives = Array.from({ length: 400 }, (_, i) =>
      makeObjectiveResult({ sli: `indicator_${i}_${'x'.repeat(60)}`, value: i }),
    );
    const wide = evaluationAt(4, { objectives });
    const withoutHeatmap = reviewCommentBody(wide, [evaluationAt(3, { objectives })]);
    expect(withoutHeatmap.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(withoutHeatmap).toContain('indicator_399_');
    expect(withoutHeatmap).not.toContain('Recent evaluations');
  });
});
