import { describe, expect, it } from 'vitest';
import type { SequenceRunRecord } from '../stage-run/types.js';
import { exitCodeFor } from './exit-code.js';

const run = (result: SequenceRunRecord['result'], status: SequenceRunRecord['status'] = 'succeeded') =>
  ({ result, status }) as SequenceRunRecord;

describe('exitCodeFor', () => {
  it.each([
    ['pass', 'pass', 0],
    ['pass', 'fail', 0],
    ['fail', 'pass', 1],
    ['warning', 'pass', 0],
    ['warning', 'warn', 4],
    ['warning', 'fail', 1],
  ] as const)('an evaluation that is %s, onWarning %s: %i', (result, onWarning, code) => {
    expect(exitCodeFor({ kind: 'evaluation', result }, onWarning)).toBe(code);
    // A stage run whose first sequence ended so exits the same.
    expect(exitCodeFor({ kind: 'stage-run', runs: [run(result)] }, onWarning)).toBe(code);
  });

  it.each([
    ['waiting for an approval', [run('pass', 'waiting')], undefined, 5],
    ['errored', [run('pass', 'errored')], undefined, 1],
    ['a failure, then a rollback that passed', [run('fail'), run('pass')], undefined, 1],
    ['stopped by SIGINT', [run('pass', 'aborted')], 'SIGINT', 130],
    ['stopped by SIGTERM', [run('pass', 'aborted')], 'SIGTERM', 143],
    ['aborted, no signal named', [run('pass', 'aborted')], undefined, 143],
    ['no run at all', [], undefined, 0],
  ] as const)('a stage run %s: %i', (_name, runs, stoppedBy, code) => {
    expect(exitCodeFor({ kind: 'stage-run', runs, stoppedBy }, 'warn')).toBe(code);
  });
});
