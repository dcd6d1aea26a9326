// Evaluation records as a long-running pipeline leaves them, for the HTML report's tests and
// benchmark: drifting response times with relative and fixed criteria, an error rate that is a
// key SLI, an informational throughput, now and then an SLI without data, versions, CI links.
// Deterministic (a seeded generator), oldest first, as they are appended to history.
//
//   syntheticEvaluations({ count: 1000, objectives: 30 })

/** A small seeded PRNG (mulberry32): the same records on every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (v) => Math.round(v * 100) / 100;

/** The objective specs: i = 0 response time, 1 error rate (key), 2 throughput (info), then more timings. */
function objectiveSpec(i) {
  if (i === 0)
    return {
      sli: 'response_time_p95',
      displayName: 'Response time P95',
      base: 420,
      relative: 10,
      fixed: 600,
      warning: 800,
    };
  if (i === 1)
    return {
      sli: 'error_rate',
      displayName: 'Error rate (%)',
      base: 0.6,
      fixed: 2,
      warning: 5,
      keySli: true,
    };
  if (i === 2) return { sli: 'throughput', displayName: 'Throughput (requests/s)', base: 210, info: true };
  return {
    sli: `endpoint_${String(i).padStart(2, '0')}_p90`,
    displayName: '',
    base: 40 + i * 7,
    relative: 15,
    fixed: 90 + i * 10,
    warning: 140 + i * 12,
  };
}

function target(criteria, targetValue, value) {
  return {
    criteria,
    targetValue,
    violated: targetValue !== null && value !== null && !(value <= targetValue),
  };
}

function objectiveResult(spec, value, baseline) {
  if (spec.info) {
    return {
      sli: spec.sli,
      displayName: spec.displayName,
      provider: 'jmeter',
      value,
      status: 'info',
      score: 0,
      weight: 1,
      keySli: false,
      comparedValue: baseline,
      message: '',
      passTargets: [],
      warningTargets: [],
    };
  }
  const passTargets = [];
  if (spec.relative !== undefined)
    passTargets.push(
      target(
        `<=+${spec.relative}%`,
        baseline === null ? null : round(baseline * (1 + spec.relative / 100)),
        value,
      ),
    );
  passTargets.push(target(`<=${spec.fixed}`, spec.fixed, value));
  const warningTargets = [target(`<=${spec.warning}`, spec.warning, value)];
  const status =
    value === null
      ? 'fail'
      : passTargets.every((t) => !t.violated)
        ? 'pass'
        : warningTargets.every((t) => !t.violated)
          ? 'warning'
          : 'fail';
  const weight = spec.keySli ? 2 : 1;
  return {
    sli: spec.sli,
    displayName: spec.displayName,
    provider: 'jmeter',
    value,
    status,
    score: status === 'pass' ? weight : status === 'warning' ? weight / 2 : 0,
    weight,
    keySli: spec.keySli === true,
    comparedValue: baseline,
    message:
      value === null
        ? 'no data: no sample in results.jtl has this label'
        : baseline === null
          ? 'no baseline: relative criteria were not checked'
          : '',
    passTargets,
    warningTargets,
  };
}

/**
 * `count` evaluations of `objectives` objectives, oldest first.
 * @param {{ count: number, objectives?: number, seed?: number, project?: string, stage?: string, service?: string, start?: number }} options
 */
export function syntheticEvaluations({
  count,
  objectives = 6,
  seed = 42,
  project = 'sockshop',
  stage = 'hardening',
  service = 'carts',
  start = Date.parse('2026-10-01T08:00:00Z'),
}) {
  const next = random(seed);
  const specs = Array.from({ length: objectives }, (_, i) => objectiveSpec(i));
  const previous = specs.map(() => null);
  const records = [];
  for (let n = 0; n < count; n++) {
    const evaluatedAt = new Date(start + n * 47 * 60_000);
    const results = specs.map((spec, i) => {
      const drift = 1 + 0.25 * Math.sin(n / 9 + i);
      const spike = next() < 0.06 ? 1.6 + next() : 1;
      const value = next() < 0.02 && n > 0 ? null : round(spec.base * drift * spike * (0.9 + next() * 0.2));
      const result = objectiveResult(spec, value, previous[i]);
      if (value !== null) previous[i] = value;
      return result;
    });
    const scored = results.filter((o) => o.status !== 'info');
    const achieved = scored.reduce((sum, o) => sum + o.score, 0);
    const maximum = scored.reduce((sum, o) => sum + o.weight, 0);
    const score = maximum === 0 ? 100 : (100 * achieved) / maximum;
    const keyFailed = results.some((o) => o.keySli && o.status === 'fail');
    const result = !keyFailed && score >= 90 ? 'pass' : !keyFailed && score >= 75 ? 'warning' : 'fail';
    const build = 700 + n;
    records.push({
      schemaVersion: 1,
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      kind: 'evaluation',
      project,
      stage,
      service,
      version: `1.${Math.floor(n / 20)}.${n % 20}`,
      labels: {
        buildId: String(build),
        ciJobUrl: `https://gitlab.example.com/shop/carts/-/jobs/${90_000 + n}`,
      },
      start: new Date(evaluatedAt.getTime() - 6 * 60_000).toISOString(),
      end: new Date(evaluatedAt.getTime() - 60_000).toISOString(),
      evaluatedAt: evaluatedAt.toISOString(),
      result,
      score,
      objectives: results,
      comparedEvaluations: n === 0 ? [] : [records[n - 1].id],
      message: keyFailed ? 'key SLI "error_rate" failed' : `score ${round(score)}`,
      invalidated: false,
    });
  }
  return records;
}
