import { describe, expect, it } from 'vitest';
import { unknownCommandReport, unknownFlagsReport } from './usage-mistakes.js';

const flags = {
  service: {},
  stage: {},
  'dynatrace-event': { allowNo: true },
  secret: { hidden: true },
  json: {},
};

describe('unknownFlagsReport', () => {
  it.each([
    [['--servce'], 'did you mean --service?'],
    [['--servce=carts'], 'did you mean --service?'],
    [['--no-dynatrace-evnt'], 'did you mean --no-dynatrace-event?'],
    [['--secrt'], 'run ci-connect history list --help for its flags'],
    [['--zzzzzz'], 'run ci-connect history list --help for its flags'],
  ])('%j: %s', (typed, hint) => {
    const report = unknownFlagsReport(typed, 'history:list', flags);
    expect(report.hint.startsWith(hint)).toBe(true);
    expect(report.message).toBe(`unknown flag ${typed[0]!.replace(/=.*/, '')} for ci-connect history list`);
  });
});

describe('unknownCommandReport', () => {
  const ids = ['evaluate', 'history:list', 'history:show', 'trigger-deployment'];
  it.each([
    ['evalute', 'did you mean "ci-connect evaluate"?'],
    ['history:lst', 'did you mean "ci-connect history list"?'],
    ['histroy', 'did you mean "ci-connect history"?'],
    ['xyz', 'the commands are: evaluate, history list, history show, trigger-deployment'],
  ])('%s: %s', (id, hint) => {
    expect(unknownCommandReport(id, ids, ['history']).hint.startsWith(hint)).toBe(true);
  });
});
