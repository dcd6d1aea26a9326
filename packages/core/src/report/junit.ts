import type { EvaluationRecord, ObjectiveResult } from '../gate/types.js';
import { formatScore } from '../gate/score.js';
import { formatNumber, formatTargets, objectiveName } from './format.js';

/**
 * JUnit XML with one test case per objective, so GitLab, GitHub and Jenkins test views show
 * which objective failed, and one for the gate itself, which fails with the gate (a gate can fail
 * on its total score while no single objective failed). Warnings pass with a note;
 * informational objectives are skipped.
 */
export function renderJunit(evaluation: EvaluationRecord): string {
  const tests = evaluation.objectives.length + 1;
  const failures =
    evaluation.objectives.filter((o) => o.status === 'fail').length + (evaluation.result === 'fail' ? 1 : 0);
  const skipped = evaluation.objectives.filter((o) => o.status === 'info').length;
  const suite = `quality gate ${evaluation.project}/${evaluation.stage}/${evaluation.service}`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ci-connect" tests="${tests}" failures="${failures}">`,
    `  <testsuite name="${xml(suite)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" timestamp="${xml(evaluation.evaluatedAt)}">`,
    '    <properties>',
    ...[
      ['result', evaluation.result],
      ['score', formatScore(evaluation.score)],
      ['version', evaluation.version],
      ['evaluation', evaluation.id],
    ].map(([name, value]) => `      <property name="${name}" value="${xml(value ?? '')}"/>`),
    '    </properties>',
    gateCase(evaluation),
    ...evaluation.objectives.map((o) => testCase(o, evaluation.service)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ];
  return lines.join('\n');
}

function gateCase(evaluation: EvaluationRecord): string {
  const open = `    <testcase classname="${xml(evaluation.service)}" name="quality gate (score ${formatScore(evaluation.score)}%)">`;
  switch (evaluation.result) {
    case 'pass':
      return `${open}</testcase>`;
    case 'warning':
      return `${open}\n      <system-out>${xml(`warning: ${evaluation.message}`)}</system-out>\n    </testcase>`;
    case 'fail':
      return `${open}\n      <failure message="quality gate failed" type="gate">${xml(evaluation.message)}</failure>\n    </testcase>`;
  }
}

function testCase(o: ObjectiveResult, service: string): string {
  const open = `    <testcase classname="${xml(service)}" name="${xml(objectiveName(o))}">`;
  const detail = `value ${formatNumber(o.value)}; pass: ${formatTargets(o.passTargets) || 'none'}; warning: ${formatTargets(o.warningTargets) || 'none'}${o.message === '' ? '' : `; ${o.message}`}`;
  switch (o.status) {
    case 'pass':
      return `${open}</testcase>`;
    case 'warning':
      return `${open}\n      <system-out>${xml(`warning: ${detail}`)}</system-out>\n    </testcase>`;
    case 'info':
      return `${open}\n      <skipped message="${xml(`informational: value ${formatNumber(o.value)}`)}"/>\n    </testcase>`;
    case 'fail':
      return `${open}\n      <failure message="${xml(`${o.sli} failed`)}" type="objective">${xml(detail)}</failure>\n    </testcase>`;
  }
}

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // Characters XML 1.0 cannot carry at all.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}
