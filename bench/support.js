// What the benchmarks share: their command-line options and the median of their samples.
import process from 'node:process';

/** The value after `name` on the command line (`--runs 5`), or `fallback` when it is absent. */
export function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
}

/** A numeric option: `numberOption('--runs', 5)`. */
export const numberOption = (name, fallback) => Number(option(name, fallback));

/** The median of the samples (the upper one of an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * An evaluation record as the history stores hold it: shop/hardening/carts, passed, with three
 * Prometheus objectives (response time, error rate, throughput). `fields` replace the record's
 * fields; `objective(k)` returns what the k-th objective has of its own (its value, targets).
 */
export function evaluationRecord({ objective = () => ({}), ...fields }) {
  const record = {
    schemaVersion: 1,
    id: '',
    kind: 'evaluation',
    project: 'shop',
    stage: 'hardening',
    service: 'carts',
    version: '1.0.0',
    labels: {},
    start: '',
    end: '',
    evaluatedAt: '',
    result: 'pass',
    score: 100,
    objectives: [],
    comparedEvaluations: [],
    message: '',
    invalidated: false,
    ...fields,
  };
  record.objectives = ['response_time_p95', 'error_rate', 'throughput'].map((sli, k) => ({
    sli,
    displayName: '',
    provider: 'prometheus',
    value: null,
    status: 'pass',
    score: 1,
    weight: 1,
    keySli: false,
    comparedValue: null,
    message: '',
    passTargets: [],
    warningTargets: [],
    ...objective(k),
  }));
  return record;
}
