import { describe, expect, it } from 'vitest';
import { ConfigError, ExitCode } from '../errors.js';
import { requireConfig, throwIfConfigErrors } from './config-errors.js';
import type { Diagnostic } from './diagnostics.js';
import { parseSlo } from './slo-file.js';

const warning: Diagnostic = {
  severity: 'warning',
  file: 'slo.yaml',
  line: 2,
  column: 1,
  path: 'x',
  message: 'unknown key "x" (ignored)',
};

describe('throwIfConfigErrors', () => {
  it('lets warnings pass', () => {
    expect(() => throwIfConfigErrors([warning])).not.toThrow();
  });

  it('throws one ConfigError (exit 2) listing every error and carrying all diagnostics', async () => {
    const { diagnostics } = await parseSlo(
      'objectives:\n  - sli: a\n    pass: [{criteria: ["<1", "less"]}]\n',
    );
    let thrown: unknown;
    try {
      throwIfConfigErrors([...diagnostics, warning]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.exitCode).toBe(ExitCode.config);
    expect(error.message).toBe(
      [
        '2 configuration errors in slo.yaml:',
        'slo.yaml total_score: no total_score: the SLO must say which score passes (add e.g. total_score: { pass: "90%", warning: "75%" })',
        'slo.yaml:3:30 objectives[0].pass[0].criteria[1]: "less" is not a criterion (write e.g. "<=+10%", "<600" or ">=-5%")',
      ].join('\n'),
    );
    expect(error.diagnostics).toHaveLength(3);
  });

  it('lists at most 20 errors', () => {
    const errors = Array.from({ length: 25 }, (_, i): Diagnostic => ({
      ...warning,
      severity: 'error',
      line: i + 1,
    }));
    expect(() => throwIfConfigErrors(errors)).toThrow(/\n\.\.\. and 5 more$/);
  });
});

describe('requireConfig', () => {
  it('returns the value of a clean load', async () => {
    const result = await parseSlo('objectives: [{sli: a}]\ntotal_score: {pass: 90}\n');
    expect(requireConfig(result.slo, result.diagnostics).objectives[0]?.sli).toBe('a');
  });

  it('throws for a load with errors', async () => {
    const result = await parseSlo('objectives: []\ntotal_score: {pass: 90}\n');
    expect(() => requireConfig(result.slo, result.diagnostics)).toThrow(ConfigError);
  });
});
