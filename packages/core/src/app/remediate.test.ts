import { describe, expect, it } from 'vitest';
import { remediationExitCode } from './remediate.js';

const stoppedBy = (reason?: string): AbortSignal => {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
};

describe('remediationExitCode (issue 13: 0 resolved or closed, 1 escalated, 130/143 stopped)', () => {
  const running = new AbortController().signal;

  it.each([
    ['resolved', 0],
    ['problem-closed', 0],
    ['escalated', 1],
  ] as const)('%s is %i', (outcome, code) => {
    expect(remediationExitCode(outcome, running)).toBe(code);
  });

  it('a stop says which signal: SIGINT 130, SIGTERM (or an unnamed stop) 143', () => {
    expect(remediationExitCode('cancelled', stoppedBy('SIGINT'))).toBe(130);
    expect(remediationExitCode('cancelled', stoppedBy('SIGTERM'))).toBe(143);
    expect(remediationExitCode('cancelled', stoppedBy())).toBe(143);
  });
});
