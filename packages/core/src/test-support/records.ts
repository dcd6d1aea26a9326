// Builders of evaluation records for tests: a complete, valid record with the fields a test
// cares about overridden.
import type { EvaluationRecord, ObjectiveResult } from '../gate/types.js';

/** An objective result that passed, with `overrides`. */
export function makeObjectiveResult(overrides: Partial<ObjectiveResult> = {}): ObjectiveResult {
  return {
    sli: 'response_time_p95',
    displayName: '',
    provider: 'static',
    value: 1,
    status: 'pass',
    score: 1,
    weight: 1,
    keySli: false,
    comparedValue: null,
    message: '',
    passTargets: [],
    warningTargets: [],
    ...overrides,
  };
}

/** An evaluation of sockshop/hardening/carts that passed, with `overrides`. */
export function makeEvaluationRecord(overrides: Partial<EvaluationRecord> = {}): EvaluationRecord {
  return {
    schemaVersion: 1,
    id: '00000000-0000-4000-8000-000000000000',
    kind: 'evaluation',
    project: 'sockshop',
    stage: 'hardening',
    service: 'carts',
    version: '',
    labels: {},
    start: '2026-11-22T10:00:00.000Z',
    end: '2026-11-22T10:05:00.000Z',
    evaluatedAt: '2026-11-22T10:05:01.000Z',
    result: 'pass',
    score: 100,
    objectives: [makeObjectiveResult()],
    comparedEvaluations: [],
    message: '',
    invalidated: false,
    ...overrides,
  };
}
