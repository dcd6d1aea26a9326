import { describe, expect, it } from 'vitest';
import { formatDiagnostic, formatDocumentPath } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';

const at: Diagnostic = {
  severity: 'error',
  file: 'slo.yaml',
  line: 12,
  column: 9,
  path: 'objectives[2].pass[0].criteria[0]',
  message: '"less than 10%" is not a criterion',
  hint: 'write "<=+10%" or "<600"',
};

describe('formatDiagnostic', () => {
  // The severity is left out: each caller tags the line its own way (validate prints
  // "error "/"warning ", evaluate's logger "warning:"), so a level here would print twice.
  it.each<[string, Diagnostic, string]>([
    [
      'an error',
      at,
      'slo.yaml:12:9 objectives[2].pass[0].criteria[0]: "less than 10%" is not a criterion (write "<=+10%" or "<600")',
    ],
    [
      'a warning, without its level',
      {
        ...at,
        severity: 'warning',
        line: 4,
        column: 1,
        path: 'comparison',
        message: 'compare_with is missing',
      },
      'slo.yaml:4:1 comparison: compare_with is missing (write "<=+10%" or "<600")',
    ],
    [
      'a problem with the whole file, without a hint',
      { severity: 'warning', file: 'sli/x.yaml', path: '', message: 'no provider named "x"' },
      'sli/x.yaml: no provider named "x"',
    ],
    [
      'a line without a column',
      { ...at, column: undefined, hint: undefined },
      `slo.yaml:12:1 ${at.path}: ${at.message}`,
    ],
  ])('formats %s', (_, diagnostic, expected) => {
    expect(formatDiagnostic(diagnostic)).toBe(expected);
  });
});

describe('formatDocumentPath', () => {
  it.each<[(string | number)[], string]>([
    [[], ''],
    [['objectives', 2, 'pass'], 'objectives[2].pass'],
    [['indicators', 'a.b c'], 'indicators["a.b c"]'],
  ])('%j → %s', (path, expected) => {
    expect(formatDocumentPath(path)).toBe(expected);
  });
});
